"""Quality report cards over HTTP: GET /datasets/{slug}/quality and
/datasets/{slug}/versions/{n}/quality, from a real Dagster run of service_requests, then
from a deliberately degraded one whose recommendations must name the problem."""

from __future__ import annotations

import httpx
import pytest

from civic_assets import runner as pipeline
from tests.civic_assets.candidate.pipeline_baseline import (
    MART,
    REVIEWER,
    SLUG,
    published_baseline,
    published_files_in,
    restore_mart,
    review_again,
)
from tests.helpers import running_api

pytestmark = pytest.mark.slow

DIMENSIONS = {"completeness", "validity", "consistency", "timeliness", "uniqueness",
              "dbt_tests"}


@pytest.fixture(scope="module")
def versions(database_url, tmp_path_factory):
    """The clean baseline version, then a version whose closed requests lost their response
    time (closed_at itself is not published: the policy drops it)."""
    baseline = published_baseline()
    import psycopg

    from catalog.database import libpq_url

    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        restore_mart(conn)
        # 40% of closed requests lose their response time
        conn.execute(f"UPDATE {MART} SET response_time_hours = NULL WHERE status = 'closed'"
                     " AND abs(hashtext(request_id)) % 5 < 2")
        try:
            review = review_again(baseline)
            assert review.candidate.checks_passed, review.candidate.checks
            pipeline.approve_all(SLUG, review.candidate.id, reviewer=REVIEWER)
            with published_files_in(baseline.published_dir):
                degraded = pipeline.publish(SLUG, review.candidate.id,
                                            instance=baseline.instance)
        finally:
            restore_mart(conn)
    return {"clean": baseline.version, "degraded": degraded}


@pytest.fixture(scope="module")
def api(versions):
    with running_api() as base:
        yield base


def test_latest_report_card_names_the_degradation(api, versions):
    response = httpx.get(f"{api}/datasets/{SLUG}/quality")
    assert response.status_code == 200
    card = response.json()
    assert card["slug"] == SLUG and card["version"] == versions["degraded"]
    assert set(card["dimensions"]) == DIMENSIONS
    assert "profile" not in card
    advice = "\n".join(card["recommendations"])
    assert "`response_time_hours`" in advice and "status=closed" in advice, advice
    assert card["dimensions"]["completeness"]["score"] < 100


def test_each_version_keeps_its_own_report_card(api, versions):
    clean = httpx.get(f"{api}/datasets/{SLUG}/versions/{versions['clean']}/quality").json()
    degraded = httpx.get(
        f"{api}/datasets/{SLUG}/versions/{versions['degraded']}/quality").json()
    assert clean["version"] == versions["clean"]
    assert clean["grade"] in {"A", "B", "C", "D", "F"}
    assert 0 <= clean["overall_score"] <= 100
    assert not any("status=closed" in text for text in clean["recommendations"])
    assert degraded["dimensions"]["completeness"]["score"] < (
        clean["dimensions"]["completeness"]["score"])
    # dbt test results are part of every card
    dbt = clean["dimensions"]["dbt_tests"]
    assert dbt["assessed"] is True and dbt["details"]["failed"] == 0
    assert dbt["details"]["passed"] >= 8
    timeliness = clean["dimensions"]["timeliness"]
    assert timeliness["assessed"] is True and timeliness["score"] == 100


def test_unknown_or_unpublished_gives_404(api, versions):
    assert httpx.get(f"{api}/datasets/nope/quality").status_code == 404
    assert httpx.get(f"{api}/datasets/nope/versions/1/quality").status_code == 404
    missing = httpx.get(f"{api}/datasets/{SLUG}/versions/{versions['degraded'] + 50}/quality")
    assert missing.status_code == 404
    assert "no published version" in missing.json()["detail"]


def test_quality_routes_are_documented(api, versions):
    paths = httpx.get(f"{api}/openapi.json").json()["paths"]
    assert "/datasets/{slug}/quality" in paths
    assert "/datasets/{slug}/versions/{version}/quality" in paths
