"""The whole path on real PostgreSQL: file drop → raw → dbt → candidate → approval →
published → HTTP. Then a publish without approval fails and changes nothing."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import dagster as dg
import httpx
import pytest

from catalog.candidates import get_candidate
from civic_assets.demo.generator import write_demo_files
from civic_assets.keys import op_name, published_key
from civic_assets.runner import approve_all, materialize, materialize_until_candidate, publish
from tests.helpers import running_api

pytestmark = pytest.mark.slow

SLUG = "service_requests"
DIRECT_IDENTIFIERS = {"requester_name", "requester_phone", "requester_email", "street_address"}
AS_OF = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def first_publication(database_url, tmp_path_factory):
    drop = tmp_path_factory.mktemp("dropzone")
    files = write_demo_files(drop, rows=5_000, seed=11, as_of=AS_OF)
    candidate_id = materialize_until_candidate(SLUG, raw_config={"path": str(files.requests_csv)})
    approve_all(SLUG, candidate_id, reviewer="pytest reviewer")
    version = publish(SLUG, candidate_id)
    return {"candidate_id": candidate_id, "version": version, "drop": drop}


def test_candidate_passed_its_checks_and_was_audited(first_publication, conn):
    candidate = get_candidate(conn, first_publication["candidate_id"])
    assert candidate.checks_passed is True, candidate.checks
    assert candidate.status == "published"
    # the data's own time span and area count as coverage, and reach the catalogue
    assert "temporal_coverage" not in candidate.checks["metadata_completeness"]["details"][
        "missing"]
    dcat = conn.execute("SELECT dcat FROM catalog.versions WHERE candidate_id = %s",
                        (candidate.id,)).fetchone()[0]
    assert dcat["temporal"]["start"] <= dcat["temporal"]["end"] <= "2026-11-01"
    assert len(dcat["bbox"]) == 4
    actions = {row[0] for row in conn.execute(
        "SELECT action FROM catalog.audit_log WHERE slug = %s", (SLUG,))}
    assert {"anonymization.step", "candidate.created", "approval.approved", "publish"} <= actions
    # the approval pages' preview: 20 anonymized records, stored with the candidate
    preview = conn.execute("SELECT preview FROM catalog.candidates WHERE id = %s",
                           (candidate.id,)).fetchone()[0]
    assert len(preview) == 20 and not set(preview[0]) & DIRECT_IDENTIFIERS


def test_ingest_was_logged_with_hash_and_count(first_publication, conn):
    row = conn.execute(
        "SELECT record_count, sha256, byte_size, status FROM catalog.ingest_log"
        " WHERE slug = %s AND status = 'loaded' ORDER BY id DESC LIMIT 1", (SLUG,)).fetchone()
    assert row[0] == 5_000 and len(row[1]) == 64 and row[2] > 0


def test_dbt_deduplicated_and_added_response_time(first_publication, conn):
    raw = conn.execute("SELECT count(*) FROM raw.service_requests").fetchone()[0]
    mart = conn.execute("SELECT count(*) FROM marts.service_requests").fetchone()[0]
    assert raw == 5_000 and mart == 5_000 - 5_000 // 200
    negative = conn.execute(
        "SELECT count(*) FROM marts.service_requests WHERE response_time_hours < 0").fetchone()[0]
    assert negative == 0


def test_published_data_over_http_has_no_direct_identifiers(first_publication):
    with running_api() as base:
        listing = {d["slug"]: d for d in httpx.get(f"{base}/datasets").json()}
        assert listing[SLUG]["row_count"] > 0

        detail = httpx.get(f"{base}/datasets/{SLUG}").json()
        assert detail["latest_version"] == first_publication["version"]
        columns = {c["name"] for c in detail["columns"]}
        assert not columns & DIRECT_IDENTIFIERS

        page = httpx.get(f"{base}/datasets/{SLUG}/data", params={"limit": 25}).json()
        assert len(page["rows"]) == 25 and page["total"] == detail["row_count"]
        assert not set(page["rows"][0]) & DIRECT_IDENTIFIERS
        assert page["next"] and "cursor=" in page["next"]  # keyset paging: next is a cursor

        response = httpx.get(f"{base}/datasets/{SLUG}/latest/data.csv")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert len(rows) == detail["row_count"]
        assert not set(rows[0]) & DIRECT_IDENTIFIERS

        assert httpx.get(f"{base}/datasets/nope").status_code == 404
        assert httpx.get(f"{base}/datasets/nope/data").status_code == 404
        assert httpx.get(f"{base}/docs").status_code == 200
        assert httpx.get(f"{base}/openapi.json").json()["info"]["title"]


def test_publishing_without_approval_fails_and_keeps_the_last_version(first_publication,
                                                                       conn, tmp_path):
    files = write_demo_files(tmp_path, rows=5_000, seed=12, as_of=AS_OF)
    candidate_id = materialize_until_candidate(SLUG, raw_config={"path": str(files.requests_csv)})
    assert candidate_id != first_publication["candidate_id"]

    key = published_key(SLUG)
    result = materialize(dg.AssetSelection.assets(key), raise_on_error=False,
                         run_config={"ops": {op_name(key): {"config": {"candidate_id": 0}}}})
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    message = failure.event_specific_data.error.message + str(
        failure.event_specific_data.user_failure_data)
    assert "Refusing to publish service_requests" in message
    assert "not approved" in message and "data_owner" in message

    versions = conn.execute("SELECT max(version) FROM catalog.versions WHERE slug = %s",
                            (SLUG,)).fetchone()[0]
    assert versions == first_publication["version"]
    with running_api() as base:
        detail = httpx.get(f"{base}/datasets/{SLUG}").json()
        assert detail["latest_version"] == first_publication["version"]


def test_published_rows_pass_the_residual_scan_and_meet_k(first_publication, conn):
    from anonymization import ColumnRole, classify_columns, compute_risk, scan_residual_pii
    from civic_assets.runner import dataset_spec
    from civic_assets.tables import read_table

    table = conn.execute("SELECT table_name FROM catalog.versions WHERE slug = %s"
                         " AND version = %s", (SLUG, first_publication["version"])).fetchone()[0]
    published = read_table(conn, "published", table)
    assert len(published) > 0
    assert scan_residual_pii(published) == []
    policy = dataset_spec(SLUG).anonymization
    # k over every quasi-identifier: those the policy declares and accepts, and every
    # column that looks like one, whatever the policy says
    found = {c.column for c in classify_columns(published)
             if c.role is ColumnRole.QUASI_IDENTIFIER}
    assert {"neighbourhood", "age_range", "created_at"} <= found
    measured = sorted(found | set(policy.quasi_identifiers) | set(policy.accepted_columns()))
    risk = compute_risk(published, measured, k_threshold=policy.k)
    assert risk.k >= policy.k, (measured, risk)
    # coordinates were aggregated away, ages generalized, dates cut to the month, the
    # postal code and the closing time left out
    assert not {"latitude", "longitude", "requester_age", "postal_code", "postal_fsa",
                "closed_at"} & set(published)
    assert (published["created_at"] == published["created_at"].dt.to_period("M")
            .dt.start_time).all()
    assert set(published["age_range"]) <= {"under 30", "30-49", "50-69", "70+"}
