"""The code location loads, with the graph, groups and checks the analysts expect."""

import itertools

import dagster as dg
import pytest

from civic_assets.runner import load_definitions

STAGES = ["raw", "staging", "mart", "candidate", "published"]


@pytest.fixture(scope="module")
def definitions(database_url) -> dg.Definitions:
    return load_definitions()


def test_service_requests_graph_runs_raw_to_published_in_one_group(definitions):
    graph = definitions.resolve_asset_graph()
    keys = [dg.AssetKey(["service_requests", stage]) for stage in STAGES]
    assert set(keys) <= graph.get_all_asset_keys()
    for upstream, downstream in itertools.pairwise(keys):
        assert upstream in graph.get(downstream).parent_keys, (upstream, downstream)
    # one box per dataset in the graph, dbt models included
    assert {graph.get(key).group_name for key in keys} == {"service_requests"}


def test_checks_include_dbt_tests_and_blocking_candidate_checks(definitions):
    graph = definitions.resolve_asset_graph()
    checks = {(c.asset_key.to_user_string(), c.name) for c in graph.asset_check_keys}
    assert any(k == "service_requests/mart" and "unique" in n for k, n in checks)
    assert any(k == "service_requests/staging" and "accepted_values" in n for k, n in checks)
    # tests on the dbt source raw.service_requests are checks of the extract asset
    assert any(k == "service_requests/raw" and n.startswith("source_not_null")
               for k, n in checks)
    candidate = {n for k, n in checks if k == "service_requests/candidate"}
    assert {"pandera_schema", "residual_pii", "k_anonymity"} <= candidate
    candidate_def = definitions.resolve_assets_def(
        dg.AssetKey(["service_requests", "candidate"]))
    blocking = {spec.name for spec in candidate_def.check_specs if spec.blocking}
    assert {"pandera_schema", "residual_pii", "k_anonymity"} <= blocking


def test_each_dataset_has_its_sensors_notify_job_schedule_and_owners(definitions):
    for sensor in ("candidate_sensor", "approval_sensor", "file_drop_sensor"):
        assert definitions.resolve_sensor_def(f"service_requests_{sensor}")
    assert definitions.resolve_job_def("service_requests_notify_reviewers_job")
    assert definitions.resolve_schedule_def("service_requests_refresh")
    published = definitions.resolve_asset_graph().get(
        dg.AssetKey(["service_requests", "published"]))
    assert "team:open-data" in published.owners


def test_every_dataset_with_a_promised_frequency_has_a_refresh_schedule(definitions):
    from civic_assets.components.dataset import load_dataset_specs
    from civic_assets.settings import get_settings
    from metadata.update_frequency import refresh_cron

    specs = load_dataset_specs(get_settings().datasets_dir)
    promised = {spec.slug: refresh_cron(spec.metadata.update_frequency, spec.schedule)
                for spec in specs}
    assert any(promised.values())
    for slug, cron in promised.items():
        if cron is not None:
            assert definitions.resolve_schedule_def(f"{slug}_refresh").cron_schedule == cron
    # an explicit schedule wins over the frequency ("daily" would give 05:00)
    assert promised["service_requests"] == "0 6 * * *"
