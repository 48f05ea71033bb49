"""Quasi-identifier discovery and risk across releases, through Dagster on real PostgreSQL.

A service_requests-shaped dataset publishes a `ward` its policy does not declare: the
candidate is blocked by the `quasi_identifiers` check, naming the column and the k it would
give, and cannot be approved or published. Accepting the column with a written reason
unblocks it, the acceptance is in the audit log, and the release is published through
Dagster with its risk. A second release one record apart is flagged by
`release_difference`, the record singled out, and the report shows the change.
"""

from __future__ import annotations

import dagster as dg
import pandas as pd
import psycopg
import pytest

from anonymization import compute_risk
from catalog.approvals import ApprovalError, record_decision
from catalog.audit import verify_audit_chain
from catalog.database import libpq_url
from civic_assets.tables import read_table
from tests.civic_assets.candidate.privacy_data import (
    REVIEWER,
    approve,
    load_raw,
    make_spec,
    materialize_candidate,
    newest_candidate,
    publish_through_dagster,
    spec_attributes,
    staged_requests,
    with_wards,
)

pytestmark = pytest.mark.slow

SLUG = "ward_requests"
WARD_REASON = ("Wards are the city's electoral districts: their results are published by "
               "ward, and each holds tens of thousands of residents.")


def _spec(*, accept_ward: bool):
    data = spec_attributes(SLUG)
    data["dictionary"]["ward"] = {
        "type": "text", "nullable": False,
        "description": {"en": "Electoral ward of the request's location.",
                        "fr": "District électoral où se situe la demande."}}
    if accept_ward:
        data["anonymization"]["accepted_quasi_identifiers"] = [
            {"column": "ward", "reason": WARD_REASON}]
    return make_spec(data)


@pytest.fixture(scope="module")
def instance():
    with dg.instance_for_test() as test_instance:
        yield test_instance


@pytest.fixture(scope="module")
def conn_module(database_url):
    with psycopg.connect(libpq_url(database_url), autocommit=True) as connection:
        yield connection


@pytest.fixture(scope="module")
def extract(conn_module):
    frame = with_wards(staged_requests(6_000, seed=61))
    load_raw(conn_module, SLUG, frame)
    return frame


@pytest.fixture(scope="module")
def blocked(extract, database_url, instance, conn_module):
    spec = _spec(accept_ward=False)
    review = materialize_candidate(spec, database_url=database_url, instance=instance)
    return spec, review.evaluations, newest_candidate(conn_module, SLUG)


@pytest.fixture(scope="module")
def published(blocked, database_url, instance, conn_module):
    spec = _spec(accept_ward=True)
    evaluations = materialize_candidate(spec, database_url=database_url,
                                        instance=instance).evaluations
    candidate = newest_candidate(conn_module, SLUG)
    approve(conn_module, spec, candidate.id)
    result = publish_through_dagster(spec, candidate.id, database_url=database_url,
                                     instance=instance)
    assert result.success
    return spec, evaluations, candidate


def test_an_undeclared_quasi_identifier_blocks_the_candidate_naming_column_and_k(
        blocked, conn):
    spec, evaluations, candidate = blocked
    check = evaluations["quasi_identifiers"]
    assert check.passed is False and check.severity == dg.AssetCheckSeverity.ERROR
    # the k the ward would give, measured on the candidate table as the reviewers see it
    table = read_table(conn, "review", candidate.table_name)
    k_with_ward = compute_risk(table, [*spec.anonymization.quasi_identifiers, "ward"]).k
    assert k_with_ward < spec.anonymization.k
    summary = check.metadata["summary"].value
    assert "'ward'" in summary and f"k = {k_with_ward} " in summary
    assert "accepted_quasi_identifiers" in summary  # and how to resolve it
    assert check.metadata["k_with_column"].value == {"ward": k_with_ward}
    # the declared ones hold: only the discovery blocks
    assert evaluations["k_anonymity"].passed and evaluations["residual_pii"].passed
    assert candidate.checks_passed is False
    assert candidate.checks["quasi_identifiers"]["details"]["columns"] == ["ward"]
    with pytest.raises(ApprovalError, match="has not passed its checks"):
        record_decision(conn, candidate_id=candidate.id, role=spec.approval.chain[0],
                        reviewer=REVIEWER, decision="approved", chain=spec.approval.chain)


def test_a_blocked_candidate_is_not_published_through_dagster(blocked, database_url, instance,
                                                              conn):
    spec, _, candidate = blocked
    result = publish_through_dagster(spec, candidate.id, database_url=database_url,
                                     instance=instance)
    assert not result.success
    assert conn.execute("SELECT count(*) FROM catalog.versions WHERE candidate_id = %s",
                        (candidate.id,)).fetchone()[0] == 0


def test_accepting_it_with_a_reason_unblocks_publishes_and_is_audited(published, conn):
    spec, evaluations, candidate = published
    check = evaluations["quasi_identifiers"]
    assert check.passed is True
    assert "accepted: ward (k = " in check.metadata["summary"].value
    assert WARD_REASON in check.metadata["details"].value  # the table a reviewer reads
    assert all(e.passed for e in evaluations.values()), {
        n: e.metadata["summary"].value for n, e in evaluations.items() if not e.passed}

    entries = conn.execute(
        "SELECT details FROM catalog.audit_log WHERE action = 'quasi_identifier.accepted'"
        " AND slug = %s AND details->>'candidate_id' = %s",
        (SLUG, str(candidate.id))).fetchall()
    assert len(entries) == 1
    entry = entries[0][0]
    assert (entry["column"], entry["reason"]) == ("ward", WARD_REASON)
    assert entry["k_with_column"] < spec.anonymization.k
    assert verify_audit_chain(conn) == (True, None)

    version, risk = conn.execute(
        "SELECT version, risk FROM catalog.versions WHERE candidate_id = %s",
        (candidate.id,)).fetchone()
    # the release's risk is kept with its version
    assert risk == candidate.risk and risk["k"] >= 5 and version == 1
    assert risk["accepted_quasi_identifiers"] == [{"column": "ward", "reason": WARD_REASON}]
    assert {"prosecutor_risk_max", "marketer_risk", "t_closeness", "share_suppressed",
            "l"} <= set(risk)
    assert set(risk["t_closeness"]) == {"request_type"}


def test_a_release_one_record_apart_is_flagged(published, extract, database_url, instance,
                                               conn):
    spec, _, first = published
    # a copy of a published request under a new id: its class already holds >= k records
    kept = read_table(conn, "published", f"{SLUG}__v1")["request_id"].iloc[0]
    newcomer = extract[extract["request_id"] == kept].assign(request_id="SR-2099-0000001")
    load_raw(conn, SLUG, pd.concat([extract, newcomer], ignore_index=True))

    review = materialize_candidate(spec, database_url=database_url, instance=instance)
    check = review.evaluations["release_difference"]
    assert check.passed is False and check.severity == dg.AssetCheckSeverity.WARN
    assert check.metadata["added"].value == 1 and check.metadata["removed"].value == 0
    assert check.metadata["records_singled_out"].value == 1
    assert "against version 1" in check.metadata["summary"].value
    candidate = newest_candidate(conn, SLUG)
    # not blocking: a reviewer must acknowledge it before approving
    assert candidate.checks_passed is True and candidate.needs_attention is True
    with pytest.raises(ApprovalError, match="needs attention"):
        record_decision(conn, candidate_id=candidate.id, role=spec.approval.chain[0],
                        reviewer=REVIEWER, decision="approved", chain=spec.approval.chain)

    # the report shows the change from the published release
    change = candidate.anonymization["release_change"]
    assert change["previous_version"] == 1
    assert change["previous"] == first.risk and change["current"] == candidate.risk
    assert candidate.risk["rows"] == first.risk["rows"] + 1
    report = review.metadata["anonymization_report"]
    assert "### Change from the previous release (version 1)" in report
    assert f"| records | {first.risk['rows']:,} | {candidate.risk['rows']:,} | +1 |" in report
    assert "1 record(s) in 1 class(es) that differ by fewer than 5 rows" in report
