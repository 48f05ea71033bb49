"""Usage analytics: every page view, API call and download of a test is counted by
dataset, kind, format and endpoint, written in batches after the responses; visitors
are daily salted hashes, never addresses; the admin page needs its password."""

from __future__ import annotations

import re
import time

import psycopg
import pytest
from fastapi.testclient import TestClient

from api.core.config import Settings, get_settings
from api.main import create_app
from api.portal.usage import FLUSH_SECONDS
from catalog.database import libpq_url
from tests.api.published_data import SLUG

ADMIN = "portal-admin-secret"


@pytest.fixture(scope="module")
def app(publication):
    application = create_app()
    application.dependency_overrides[get_settings] = lambda: Settings(
        admin_token=ADMIN, published_dir=publication.published_dir,
        api_database_url=get_settings().connection_url())
    return application


def _counts(conn) -> dict[tuple, int]:
    return {(kind, fmt, endpoint): n for kind, fmt, endpoint, n in conn.execute(
        "SELECT kind, format, endpoint, count(*) FROM catalog.usage_log WHERE slug = %s"
        " GROUP BY 1, 2, 3", (SLUG,))}


def test_usage_counts_match_the_requests_made(app, database_url):
    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn, \
            TestClient(app) as client:
        if getattr(app.state, "usage", None) is not None:
            client.portal.call(app.state.usage.flush)
        # API servers of earlier test modules write their last batches on their own timer
        time.sleep(2 * FLUSH_SECONDS + 0.5)
        before = _counts(conn)
        for _ in range(3):
            assert client.get(f"/portal/datasets/{SLUG}").status_code == 200
        for agent in ("phone", "laptop"):
            assert client.get(f"/datasets/{SLUG}/latest/data.csv",
                              headers={"User-Agent": agent}).status_code == 200
        for _ in range(4):
            assert client.get(f"/datasets/{SLUG}/data", params={"limit": 2}).status_code == 200
        assert client.get(f"/datasets/{SLUG}/data", params={"format": "csv"}).status_code == 200
        # not counted: failures, static files, health
        assert client.get(f"/datasets/{SLUG}/versions/99/data.csv").status_code == 404
        client.get("/static/portal/portal.css")
        client.get("/health")
        # the responses did not wait: nothing is written until the recorder flushes
        while client.portal.call(app.state.usage.flush):
            pass
        after = _counts(conn)
        added = {key: after.get(key, 0) - before.get(key, 0) for key in after}
        assert {k: n for k, n in added.items() if n} == {
            ("page", None, "dataset page"): 3,
            ("download", "csv", "data.csv"): 2,
            ("api", "json", "/datasets/{slug}/data"): 4,
            ("api", "csv", "/datasets/{slug}/data"): 1,
        }
        visitors = [row[0] for row in conn.execute(
            "SELECT visitor FROM catalog.usage_log WHERE slug = %s", (SLUG,))]
        assert all(re.fullmatch(r"[0-9a-f]{64}", v) for v in visitors)
        # two user agents from one address on one day: two visitors among the downloads
        assert conn.execute(
            "SELECT count(DISTINCT visitor) FROM catalog.usage_log WHERE slug = %s"
            " AND kind = 'download' AND at > now() - interval '1 minute'",
            (SLUG,)).fetchone()[0] >= 2
        # the raw address is nowhere in the usage tables
        for (text,) in conn.execute("SELECT row_to_json(u)::text FROM catalog.usage_log u"):
            assert "testclient" not in text and "127.0.0.1" not in text

        page = client.get(f"/portal/datasets/{SLUG}", headers={"Accept-Language": "en"})
        usage = re.search(r'<dd id="usage">(.*?)</dd>', page.text).group(1)
        # every format's downloads of this dataset, by this test and the others before it
        downloads = sum(n for (kind, _fmt, _endpoint), n in _counts(conn).items()
                        if kind == "download")
        assert f"Downloads: {downloads}" in usage


def test_admin_page_needs_the_password(app):
    with TestClient(app) as client:
        assert client.get("/portal/admin/usage").status_code == 401
        assert client.get("/portal/admin/usage", auth=("admin", "wrong")).status_code == 401
        page = client.get("/portal/admin/usage", auth=("admin", ADMIN))
        assert page.status_code == 200
        assert "/datasets/{slug}/data" in page.text and 'id="usage-daily"' in page.text


def test_admin_pages_are_off_without_a_token(publication):
    with TestClient(create_app()) as client:
        assert client.get("/portal/admin/usage", auth=("a", "")).status_code in (401, 404)


def test_usage_asset_reports_the_daily_figures(app, database_url):
    import dagster as dg

    from civic_assets.defs.portal_usage import USAGE_KEY, portal_usage
    from civic_assets.resources import CivicDatabase

    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        today = conn.execute(
            "SELECT count(*) FILTER (WHERE kind = 'download'), count(DISTINCT visitor)"
            " FROM catalog.usage_log WHERE at::date = (SELECT max(at::date)"
            " FROM catalog.usage_log)").fetchone()
    result = dg.materialize([portal_usage],
                            resources={"civic_db": CivicDatabase(url=database_url)})
    assert result.success
    metadata = result.asset_materializations_for_node("portal__usage")[0].metadata
    assert result.asset_materializations_for_node("portal__usage")[0].asset_key == USAGE_KEY
    assert metadata["downloads"].value == today[0]
    assert metadata["visitors"].value == today[1]
    assert "| day |" in metadata["last_30_days"].value
