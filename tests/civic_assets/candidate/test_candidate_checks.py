"""The candidate's asset checks, end to end through Dagster on real PostgreSQL.

A clean service_requests is published once (raw → dbt → candidate → published); then the
dbt mart is degraded by SQL, one violation at a time, and `service_requests/candidate` alone
is materialized again: each rule must catch its violation, name itself in the check's
metadata and keep the candidate from approval — and pass the clean mart.
"""

from __future__ import annotations

import dagster as dg
import pytest

from catalog.approvals import ApprovalError
from catalog.candidates import get_candidate
from catalog.dbt_results import DbtTestResult, record_dbt_test_results
from civic_assets import cli
from civic_assets import runner as pipeline
from civic_assets.settings import database_url
from tests.civic_assets.candidate.pipeline_baseline import (
    MART,
    SLUG,
    Baseline,
    baseline_as_latest_publication,
    restore_mart,
    review_again,
)

pytestmark = pytest.mark.slow

BLOCKING = {"pandera_schema", "residual_pii", "k_anonymity", "quasi_identifiers",
            "metadata_completeness"}


@pytest.fixture(scope="module")
def baseline(database_url) -> Baseline:
    return baseline_as_latest_publication()


@pytest.fixture
def mart(baseline, conn):
    """The baseline's mart, degraded by the test and restored afterwards."""
    restore_mart(conn)
    yield conn
    restore_mart(conn)


def _failure_counts(evaluation: dg.AssetCheckEvaluation) -> dict[str, int]:
    return evaluation.metadata["failure_counts"].value


def _assert_schema_caught(review, rule: str) -> dict[str, int]:
    schema = review.evaluations["pandera_schema"]
    assert schema.passed is False
    assert schema.severity == dg.AssetCheckSeverity.ERROR
    counts = _failure_counts(schema)
    assert rule in counts, counts
    assert rule in schema.metadata["failed_rules"].value
    assert rule.split(":")[0] in schema.metadata["details"].value  # the Markdown table
    assert review.candidate.checks_passed is False
    assert review.candidate.checks["pandera_schema"]["passed"] is False
    return counts


def test_baseline_passed_every_check_with_dbt_results_on_its_card(baseline, conn):
    candidate = get_candidate(conn, baseline.candidate_id)
    assert candidate.checks_passed is True, candidate.checks
    assert candidate.status == "published"
    dbt = candidate.quality["dimensions"]["dbt_tests"]
    # the not_null, unique, accepted_values and non_negative tests of staging and mart
    assert dbt["assessed"] and dbt["details"]["failed"] == 0
    assert dbt["details"]["passed"] >= 8, dbt
    assert candidate.quality["dimensions"]["timeliness"]["assessed"] is True
    assert candidate.quality["dimensions"]["timeliness"]["details"]["expected_interval_days"] == 1
    # the spec's dictionary reached the catalogue: declared descriptions and limits
    columns = {c["name"]: c for c in candidate.dictionary["columns"]}
    assert columns["response_time_hours"]["unit"] == "hours"
    assert columns["response_time_hours"]["minimum"] == 0
    assert columns["status"]["allowed_values"] == ["open", "in_progress", "closed"]
    assert all(c["description"]["en"] and c["description"]["fr"] for c in columns.values())
    assert candidate.dictionary["override_problems"] == []


def test_clean_mart_passes_every_check(mart, baseline):
    review = review_again(baseline)
    assert review.result.success
    assert set(review.evaluations) == BLOCKING | {"change_since_last_publication",
                                                  "release_difference"}
    failed = {name: e.metadata["summary"].value for name, e in review.evaluations.items()
              if not e.passed}
    assert failed == {}
    assert review.candidate.checks_passed is True
    assert review.candidate.needs_attention is False
    assert _failure_counts(review.evaluations["pandera_schema"]) == {}
    # the dbt results of the earlier run are counted in
    assert review.candidate.quality["dimensions"]["dbt_tests"]["details"]["passed"] >= 8


def test_a_wrong_type_fails_the_schema(mart, baseline):
    mart.execute(f"ALTER TABLE {MART} ALTER COLUMN response_time_hours TYPE text")
    mart.execute(f"UPDATE {MART} SET response_time_hours = 'n/a'"
                 " WHERE request_id IN (SELECT request_id FROM " + MART +
                 " WHERE status = 'closed' ORDER BY request_id LIMIT 300)")
    review = review_again(baseline)
    counts = _assert_schema_caught(review, "response_time_hours:type")
    assert counts["response_time_hours:type"] > 0
    cases = review.evaluations["pandera_schema"].metadata["first_failures"].value
    assert any(c["rule"] == "type" and c["column"] == "response_time_hours" for c in cases)
    # the blocking check keeps the candidate from a reviewer's approval
    with pytest.raises(ApprovalError, match="has not passed its checks"):
        pipeline.record_approval(SLUG, review.candidate.id, role="data_owner",
                                 reviewer="pytest reviewer")


def test_an_out_of_range_value_fails_the_schema(mart, baseline):
    mart.execute(f"UPDATE {MART} SET response_time_hours = -response_time_hours - 1"
                 " WHERE response_time_hours IS NOT NULL")
    review = review_again(baseline)
    counts = _assert_schema_caught(review, "response_time_hours:minimum")
    assert set(counts) == {"response_time_hours:minimum"}
    problems = review.candidate.checks["pandera_schema"]["details"]["override_problems"]
    assert any("override minimum 0" in p for p in problems), problems


def test_a_missing_column_fails_the_schema(mart, baseline):
    mart.execute(f"ALTER TABLE {MART} DROP COLUMN department")
    review = review_again(baseline)
    _assert_schema_caught(review, "department:present")
    schema = review.evaluations["pandera_schema"]
    assert schema.metadata["missing_columns"].value == ["department"]
    # the override the data no longer matches is reported too
    assert any("department" in p for p in schema.metadata["override_problems"].value)
    # and the change against the last publication is flagged
    assert review.evaluations["change_since_last_publication"].passed is False
    assert review.candidate.needs_attention is True


def test_an_undeclared_column_fails_the_schema(mart, baseline):
    mart.execute(f"ALTER TABLE {MART} ADD COLUMN internal_priority integer DEFAULT 3")
    review = review_again(baseline)
    _assert_schema_caught(review, "internal_priority:unexpected")
    schema = review.evaluations["pandera_schema"]
    assert schema.metadata["unexpected_columns"].value == ["internal_priority"]


def test_a_30_percent_drop_needs_attention_before_approval(mart, baseline, monkeypatch,
                                                           capsys):
    mart.execute(f"DELETE FROM {MART} WHERE abs(hashtext(request_id)) % 10 < 3")
    review = review_again(baseline)
    change = review.evaluations["change_since_last_publication"]
    assert change.passed is False
    assert change.severity == dg.AssetCheckSeverity.WARN  # not blocking: a reviewer decides
    assert "record count fell" in change.metadata["summary"].value
    assert any("record count fell" in f for f in change.metadata["flags"].value)
    assert review.evaluations["pandera_schema"].passed is True
    candidate = review.candidate
    assert candidate.needs_attention is True and candidate.checks_passed is True

    with pytest.raises(ApprovalError, match="needs attention"):
        pipeline.record_approval(SLUG, candidate.id, role="data_owner",
                                 reviewer="pytest reviewer")
    monkeypatch.setattr(cli, "_configure", lambda: "")  # the test database is configured
    assert cli.main(["acknowledge", SLUG, str(candidate.id), "--reviewer", "Ada Reviewer"]) == 0
    assert "record count fell" in capsys.readouterr().out
    pipeline.record_approval(SLUG, candidate.id, role="data_owner", reviewer="Ada Reviewer")
    with pipeline.connect(database_url()) as conn:
        assert get_candidate(conn, candidate.id).attention_acknowledged_by == "Ada Reviewer"
        actions = [row[0] for row in conn.execute(
            "SELECT action FROM catalog.audit_log WHERE details->>'candidate_id' = %s"
            " ORDER BY id", (str(candidate.id),))]
    assert actions.index("attention.acknowledged") < actions.index("approval.approved")


def test_a_failing_dbt_test_is_counted_in_the_report_card(mart, baseline):
    """The card counts the latest result dbt reported for each test of the dataset."""
    name = "non_negative_service_requests_response_time_hours"
    test = mart.execute("SELECT unique_id FROM catalog.dbt_test_results WHERE slug = %s"
                        " AND test_name = %s ORDER BY id DESC LIMIT 1", (SLUG, name)).fetchone()
    assert test, "the baseline's dbt build recorded its tests"

    def dbt_says(status: str) -> None:
        record_dbt_test_results(mart, [DbtTestResult(
            slug=SLUG, unique_id=test[0], test_name=name, asset="service_requests/mart",
            status=status)], run_id="pytest", invocation_id=None)

    dbt_says("fail")
    try:
        review = review_again(baseline)
    finally:
        dbt_says("pass")
    quality = review.candidate.quality
    assert quality["dimensions"]["dbt_tests"]["details"]["failed_tests"] == [name]
    assert quality["dimensions"]["dbt_tests"]["score"] < 100
    assert f"dbt test `{name}` failed" in quality["recommendations"]
