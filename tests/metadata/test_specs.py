from pathlib import Path

import pytest

from civic_assets.settings import get_settings
from metadata.specs import SpecError, load_spec, load_specs


def test_every_shipped_spec_loads():
    settings = get_settings()
    specs = load_specs(settings.datasets_dir, variables=settings.spec_variables())
    assert "service_requests" in {s.slug for s in specs}


def test_errors_name_the_file_and_every_bad_field(tmp_path: Path):
    bad = tmp_path / "bad_dataset.yaml"
    bad.write_text(
        "slug: bad_dataset\n"
        "title: {en: Bad}\n"
        "source: {type: ftp, path: x}\n"
        "validation: {record_count_change_threshold: -1}\n"
        "surprise: true\n"
    )
    with pytest.raises(SpecError) as caught:
        load_spec(bad)
    message = str(caught.value)
    assert str(bad) in message
    assert "source.type" in message
    assert "validation.record_count_change_threshold" in message
    assert "surprise" in message


def test_slug_must_match_file_name(tmp_path: Path):
    spec = tmp_path / "one.yaml"
    spec.write_text("slug: other\ntitle: {en: X}\nsource: {type: file, path: a.csv}\n")
    with pytest.raises(SpecError, match="must match the file name"):
        load_spec(spec)


def test_load_specs_reports_all_broken_files(tmp_path: Path):
    (tmp_path / "a.yaml").write_text("slug: a\n")
    (tmp_path / "b.yaml").write_text(": not yaml : [")
    with pytest.raises(SpecError) as caught:
        load_specs(tmp_path)
    assert "a.yaml" in str(caught.value) and "b.yaml" in str(caught.value)


def test_source_path_variables_are_passed_in_not_read_from_the_environment(tmp_path: Path,
                                                                           monkeypatch):
    spec = tmp_path / "drop.yaml"
    spec.write_text("slug: drop\ntitle: {en: X}\n"
                    "source: {type: file_drop, path: '${CIVIC_VAR_DIR}/dropzone/drop'}\n")
    assert load_spec(spec, variables={"CIVIC_VAR_DIR": "/srv/civic"}).source.path == \
        "/srv/civic/dropzone/drop"
    monkeypatch.setenv("CIVIC_VAR_DIR", "/from/the/environment")
    with pytest.raises(SpecError, match="CIVIC_VAR_DIR"):
        load_spec(spec)
