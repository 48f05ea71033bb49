"""Datasets are DatasetComponent instances (`<slug>/defs.yaml`): Dagster validates each
spec when the code location loads, and a mistake names the file and the field."""

from pathlib import Path

import dagster as dg
import pytest
import yaml

from civic_assets.components.dataset import load_dataset_specs
from civic_assets.runner import load_definitions
from metadata.specs import SpecError

COMPONENT = "civic_assets.components.dataset.DatasetComponent"


def write_dataset(folder: Path, name: str, **spec) -> Path:
    path = folder / name / "defs.yaml"
    path.parent.mkdir(parents=True)
    attributes = {"slug": name, "title": {"en": f"Test {name}"},
                  "source": {"type": "file", "format": "csv", "path": "x.csv"}, **spec}
    path.write_text(yaml.safe_dump({"type": COMPONENT, "attributes": attributes},
                                   sort_keys=False))
    return path


TYPO = {"anonymization": {"columns": {"name": {"operater": "drop"}}}}


def error_chain(error: BaseException | None) -> str:
    """Dagster wraps a component's error in its own: the messages of the whole chain."""
    messages = []
    while error is not None:
        messages.append(str(error))
        error = error.__cause__
    return "\n".join(messages)


def test_the_code_location_builds_the_datasets_of_another_folder(database_url, tmp_path,
                                                                  monkeypatch):
    write_dataset(tmp_path, "t_elsewhere", schedule="0 5 * * *")
    write_dataset(tmp_path, "t_another")
    monkeypatch.setenv("CIVIC_DATASETS_DIR", str(tmp_path))
    definitions = load_definitions()
    keys = {key.to_user_string() for key in definitions.resolve_asset_graph().get_all_asset_keys()}
    assert {"t_elsewhere/raw", "t_elsewhere/candidate", "t_elsewhere/published"} <= keys
    # two datasets, each with its own sensors and notify job, side by side
    assert {job.name for job in definitions.jobs or []} >= {
        "t_elsewhere_notify_reviewers_job", "t_another_notify_reviewers_job"}
    assert definitions.resolve_sensor_def("t_another_candidate_sensor")
    assert "service_requests/candidate" not in keys
    assert definitions.resolve_schedule_def("t_elsewhere_refresh")
    # the dbt models, resources and everything else of the code location are still there;
    # with no dataset claiming it, the staging model keeps its schema as key prefix
    assert "staging/stg_311__service_requests" in keys


def test_a_typo_in_a_policy_fails_the_code_location_naming_file_and_field(
        database_url, tmp_path, monkeypatch):
    bad = write_dataset(tmp_path, "t_typo", **TYPO)
    monkeypatch.setenv("CIVIC_DATASETS_DIR", str(tmp_path))
    with pytest.raises(Exception) as caught:  # noqa: PT011 (Dagster wraps the SpecError)
        load_definitions()
    message = error_chain(caught.value)
    assert str(bad) in message
    assert "anonymization.columns.name: Unable to extract tag using discriminator 'operator'" \
        in message and "operater" in message


def test_dagster_names_file_line_and_field_of_a_typo(tmp_path, monkeypatch):
    """The shipped datasets load through Dagster's own component loader."""
    (tmp_path / "pyproject.toml").write_text(
        '[tool.dg]\ndirectory_type = "project"\n\n[tool.dg.project]\n'
        'root_module = "typo_project"\ndefs_module = "typo_project.defs"\n')
    package = tmp_path / "typo_project"
    (package / "defs").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "defs" / "__init__.py").write_text("")
    bad = write_dataset(package / "defs", "t_typo", **TYPO)
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(Exception) as caught:  # noqa: PT011 (Dagster's own error)
        dg.load_from_defs_folder(path_within_project=tmp_path)
    message = error_chain(caught.value)
    assert f"attributes.anonymization.columns.name at {bad}:" in message, message
    assert "operater" in message


def test_slug_must_match_the_folder_and_all_broken_files_are_reported(tmp_path):
    write_dataset(tmp_path, "one", slug="other")
    write_dataset(tmp_path, "two", **TYPO)
    with pytest.raises(SpecError) as caught:
        load_dataset_specs(tmp_path)
    message = str(caught.value)
    assert "one/defs.yaml: slug: 'other' must match the dataset's folder name 'one'" in message
    assert "two/defs.yaml" in message and "anonymization.columns.name" in message


def test_a_promised_frequency_gives_the_extract_a_schedule(database_url, tmp_path,
                                                           monkeypatch):
    write_dataset(tmp_path, "t_weekly", metadata={"update_frequency": "weekly"})
    write_dataset(tmp_path, "t_own_cron", schedule="30 2 * * 0",
                  metadata={"update_frequency": "daily"})
    write_dataset(tmp_path, "t_irregular", metadata={"update_frequency": "irregular"})
    monkeypatch.setenv("CIVIC_DATASETS_DIR", str(tmp_path))
    definitions = load_definitions()
    weekly = definitions.resolve_schedule_def("t_weekly_refresh")
    assert weekly.cron_schedule == "0 5 * * 1"
    assert "update frequency (weekly)" in (weekly.description or "")
    # what it runs: the extract up to the candidate, never the publication
    job = definitions.resolve_job_def(weekly.job_name)
    assert {"t_weekly/raw", "t_weekly/candidate"} <= {
        key.to_user_string() for key in job.asset_layer.executable_asset_keys}
    assert "t_weekly/published" not in {
        key.to_user_string() for key in job.asset_layer.executable_asset_keys}
    # the spec's own cron still wins; no promise, no schedule
    assert definitions.resolve_schedule_def("t_own_cron_refresh").cron_schedule == "30 2 * * 0"
    assert "t_irregular_refresh" not in {s.name for s in definitions.schedules or []}


def test_areas_name_another_dataset_with_shapes_and_its_columns(tmp_path):
    shapes = {"dictionary": {"council_id": {"type": "integer"},
                             "geometry": {"type": "geometry"}}}
    write_dataset(tmp_path, "councils", **shapes)
    write_dataset(tmp_path, "plain", dictionary={"council_id": {"type": "integer"}})
    areas = {"dataset": "councils", "column": "council_id", "key": "council_id"}
    write_dataset(tmp_path, "good", areas=areas)
    assert {s.slug for s in load_dataset_specs(tmp_path)} == {"councils", "plain", "good"}

    write_dataset(tmp_path, "lost", areas={**areas, "dataset": "counsils"})
    write_dataset(tmp_path, "wrong_key", areas={**areas, "key": "nc_id", "label": "name"})
    write_dataset(tmp_path, "flat", areas={**areas, "dataset": "plain"})
    with pytest.raises(SpecError) as caught:
        load_dataset_specs(tmp_path)
    message = str(caught.value)
    assert ("lost/defs.yaml: areas.dataset: 'counsils' is not a dataset (datasets are "
            "councils, flat, good, lost, plain, wrong_key)") in message
    assert "wrong_key/defs.yaml: areas.key: 'nc_id' is not a column of councils " \
           "(council_id, geometry)" in message
    assert "wrong_key/defs.yaml: areas.label: 'name' is not a column of councils" in message
    assert "flat/defs.yaml: areas.dataset: 'plain' has no geometry column" in message
    assert "good/defs.yaml" not in message
