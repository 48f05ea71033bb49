"""The policy model and the engine end to end on the synthetic 311 table."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from anonymization import (
    MissingSecretError,
    PiiKind,
    PolicyError,
    UndeclaredPiiError,
    anonymize,
    compute_risk,
    parse_policy,
    scan_residual_pii,
)
from anonymization.synthetic import POLICY_311

SECRET = "test-key-0123456789abcdef-not-for-production"


def test_policy_defaults_and_shorthand():
    policy = parse_policy({"columns": {"name": "drop"}})
    assert (policy.k, policy.l, policy.suppression, policy.undeclared_pii) == (5, None, "rows",
                                                                                "drop")
    assert policy.redact_free_text is True
    assert policy.columns["name"].operator == "drop"


@pytest.mark.parametrize(("data", "field"), [
    ({"k": 0}, "anonymization.k"),
    ({"undeclared_pii": "warn"}, "anonymization.undeclared_pii"),
    ({"columns": {"age": {"operator": "generalize", "to": "bins"}}}, "anonymization.columns.age"),
    ({"columns": {"age": {"operator": "generalise"}}}, "anonymization.columns.age"),
    ({"columns": {"x": {"operator": "mask", "keep_lst": 2}}}, "keep_lst"),
    ({"l": 2}, "l: l-diversity needs sensitive_attributes"),
    ({"quasi_identifiers": ["x"], "columns": {"x": "drop"}}, "quasi_identifiers: x"),
    ({"colums": {}}, "anonymization.colums"),
])
def test_invalid_policies_name_the_field(data, field):
    with pytest.raises(PolicyError) as error:
        parse_policy(data)
    assert field in str(error.value)


def test_311_policy_end_to_end(frame_311, boundaries):
    before = frame_311.copy()
    out, report = anonymize(frame_311, POLICY_311, boundaries=boundaries, secret=SECRET)
    pd.testing.assert_frame_equal(frame_311, before)  # input untouched

    detected = {d.column: d.kind for d in report.detected}
    assert detected["requester_name"] is PiiKind.PERSON_NAME
    assert detected["description"] is PiiKind.FREE_TEXT
    assert {"requester_name", "requester_phone", "street_address", "latitude",
            "longitude"}.isdisjoint(out.columns)
    assert {"requester_token", "age_range", "postal_fsa", "neighbourhood"} <= set(out.columns)
    assert out["postal_fsa"].str.len().eq(3).all()
    assert report.risk_after.k >= 5
    assert report.risk_before.k == 1
    assert compute_risk(out, POLICY_311["quasi_identifiers"]).k >= 5
    totals = report.totals()
    assert totals["columns_dropped"] == 5
    assert totals["rows_suppressed"] == len(frame_311) - len(out) > 0
    assert totals["values_redacted"] > 0
    assert scan_residual_pii(out) == []
    as_dict = json.loads(json.dumps(report.to_dict()))
    assert as_dict["policy"]["k"] == 5 and as_dict["risk_after"]["k"] >= 5
    markdown = report.to_markdown()
    assert "| k (smallest class) | 1 | " in markdown and "redact" in markdown

    again, _ = anonymize(frame_311, POLICY_311, boundaries=boundaries, secret=SECRET)
    pd.testing.assert_series_equal(out["requester_token"], again["requester_token"])


def test_undeclared_pii_is_dropped_or_fails(frame_311):
    df = frame_311[["request_type", "requester_email", "description"]].head(500)
    out, report = anonymize(df, {"redact_free_text": True})
    assert list(out.columns) == ["request_type", "description"]
    assert any(s.reason == "undeclared_pii" for s in report.steps)
    assert any(s.reason == "redact_free_text" for s in report.steps)
    with pytest.raises(UndeclaredPiiError, match="requester_email"):
        anonymize(df, {"undeclared_pii": "fail"})
    out, _ = anonymize(df, {"columns": {"requester_email": {"operator": "keep",
                                                            "reason": "test"}}})
    assert "requester_email" in out.columns


def test_values_mode_and_l_diversity(frame_311):
    policy = {
        "quasi_identifiers": ["neighbourhood", "age_range"],
        "sensitive_attributes": ["request_type"],
        "k": 5, "l": 3, "suppression": "values",
        "columns": {"requester_age": {"operator": "generalize", "to": "range", "width": 5,
                                      "rename_to": "age_range"}},
        "undeclared_pii": "drop",
    }
    _, report = anonymize(frame_311.head(3000), policy)
    assert report.risk_after.k >= 5 and report.risk_after.l >= 3


def test_policy_level_boundaries_file(frame_311, boundaries, tmp_path):
    path = tmp_path / "areas.geojson"
    boundaries.to_file(path, driver="GeoJSON")
    policy = {"boundaries": str(path), "columns": {"latitude": {
        "operator": "aggregate_area", "longitude": "longitude", "output": "area"}}}
    out, _ = anonymize(frame_311.head(200)[["latitude", "longitude", "status"]], policy)
    assert list(out.columns) == ["status", "area"] and out["area"].notna().all()


def test_engine_errors_are_clear(frame_311, monkeypatch):
    monkeypatch.delenv("CIVIC_PSEUDONYM_KEY", raising=False)
    with pytest.raises(MissingSecretError):
        anonymize(frame_311.head(50), {"columns": {"requester_email": "pseudonymize"}})
    with pytest.raises(PolicyError, match="no_such_column"):
        anonymize(frame_311.head(50), {"columns": {"no_such_column": "drop"}})
    with pytest.raises(PolicyError, match="boundaries"):
        anonymize(frame_311.head(50), {"columns": {"latitude": {
            "operator": "aggregate_area", "longitude": "longitude"}}})


def test_library_imports_nothing_of_the_platform():
    code = ("import sys, anonymization, anonymization.engine, anonymization.synthetic; "
            "bad = [m for m in ('dagster', 'fastapi', 'civic_assets', 'api', 'metadata') "
            "if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr
