"""Subscriptions end to end on real PostgreSQL and a real SMTP server (aiosmtpd): double
opt-in from the dataset page, the notice sensor's run per publication (run key), the
notice job's mail to confirmed subscribers only, the unsubscribe link that deletes the
address; invalid addresses and floods refused."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import dagster as dg
import psycopg
import pytest
from fastapi.testclient import TestClient

from api.core.config import Settings, get_settings
from api.main import create_app
from catalog.database import libpq_url
from civic_assets.publish.notices import publication_notice_job, publication_notice_sensor
from civic_assets.publish.publication import publish_candidate
from civic_assets.resources import CivicDatabase, Mailer
from tests.api.published_data import approved_candidate, requests_frame, service_requests_spec
from tests.helpers import smtp_server

SLUG = "portal_notice_test"
BASE = "http://testserver"


def _link(message, kind: str) -> str:
    found = re.search(rf"https?://\S+/portal/subscriptions/[\w-]+/{kind}", message.get_content())
    assert found, message.get_content()
    return urlparse(found.group(0)).path


def _publish(conn, spec, first: int, rows: int, *, coordinates: bool, number: int, tmp_path):
    candidate_id = approved_candidate(conn, spec, requests_frame(first, rows,
                                                                 coordinates=coordinates),
                                      table=f"portal_notice_candidate_{number}")
    return publish_candidate(conn, spec, candidate_id, published_dir=tmp_path)


def _tick(database_url, instance, cursor):
    context = dg.build_sensor_context(instance=instance, cursor=cursor,
                                      resources={"civic_db": CivicDatabase(url=database_url)})
    return publication_notice_sensor(context)


def test_confirmed_subscribers_get_the_change_notice(database_url, tmp_path):
    spec = service_requests_spec().model_copy(update={"slug": SLUG})
    with smtp_server() as inbox, psycopg.connect(libpq_url(database_url),
                                                 autocommit=True) as conn:
        _publish(conn, spec, 1, 9, coordinates=True, number=1, tmp_path=tmp_path)
        app = create_app()
        app.dependency_overrides[get_settings] = lambda: Settings(
            smtp_host=inbox.host, smtp_port=inbox.port, public_base_url=BASE,
            subscribe_per_hour=4, api_database_url=get_settings().connection_url())
        with TestClient(app) as client, dg.instance_for_test() as instance:
            page = client.get(f"/portal/datasets/{SLUG}")
            assert 'action="/portal/datasets/portal_notice_test/subscribe"' in page.text
            for address in ("alice@example.org", "bob@example.org"):
                sent = client.post(f"/portal/datasets/{SLUG}/subscribe",
                                   data={"email": address})
                assert sent.status_code == 200 and "Check your inbox" in sent.text
            assert client.post(f"/portal/datasets/{SLUG}/subscribe",
                               data={"email": "not an address"}).status_code == 400
            # asking again within minutes sends no second mail
            again = client.post(f"/portal/datasets/{SLUG}/subscribe",
                                data={"email": "bob@example.org"})
            assert "a few minutes ago" in again.text
            assert len(inbox.to("bob@example.org")) == 1
            # the fifth request of this client within the hour is refused
            assert client.post(f"/portal/datasets/{SLUG}/subscribe",
                               data={"email": "carol@example.org"}).status_code == 200
            assert client.post(f"/portal/datasets/{SLUG}/subscribe",
                               data={"email": "dave@example.org"}).status_code == 429

            confirmation = inbox.to("alice@example.org")[0]
            confirmed = client.get(_link(confirmation, "confirm"))
            assert confirmed.status_code == 200 and "Subscription confirmed" in confirmed.text

            first = _tick(database_url, instance, None)
            assert first.run_requests == []
            _publish(conn, spec, 101, 6, coordinates=False, number=2, tmp_path=tmp_path)
            result = _tick(database_url, instance, first.cursor)
            ours = [r for r in result.run_requests if r.tags.get("civic/dataset") == SLUG]
            assert [r.run_key for r in ours] == [f"{SLUG}:v2"]
            # the next tick starts after it: one run per publication
            assert not [r for r in _tick(database_url, instance, result.cursor).run_requests
                        if r.tags.get("civic/dataset") == SLUG]

            mailer = Mailer(smtp_host=inbox.host, smtp_port=inbox.port, public_base_url=BASE)
            run = publication_notice_job.execute_in_process(
                run_config=ours[0].run_config, instance=instance,
                resources={"civic_db": CivicDatabase(url=database_url), "mailer": mailer})
            assert run.success

            notices = [m for m in inbox.messages if "published" in m["Subject"]]
            assert [m["To"] for m in notices] == ["alice@example.org"]
            body = notices[0].get_content()
            assert "version 2 was published" in body
            assert "Records: 6 (-3 since version 1)" in body
            assert "Columns removed: latitude, longitude." in body
            assert f"{BASE}/portal/datasets/{SLUG}" in body

            unsubscribe = _link(notices[0], "unsubscribe")
            assert "Unsubscribe and delete" in client.get(unsubscribe).text
            assert "your address was deleted" in client.post(unsubscribe).text
            assert client.post(unsubscribe).status_code == 404
        stored = {row[0] for row in conn.execute(
            "SELECT email FROM catalog.subscriptions WHERE slug = %s", (SLUG,))}
        assert stored == {"bob@example.org", "carol@example.org"}
        assert conn.execute("SELECT recipients FROM catalog.publication_notices"
                            " WHERE slug = %s AND version = 2", (SLUG,)).fetchone() == (1,)


@pytest.mark.parametrize("address", ["", "a@b", "<x>@example.org"])
def test_invalid_addresses_are_refused(database_url, address):
    with TestClient(create_app()) as client:
        response = client.post("/portal/datasets/no_such/subscribe", data={"email": address})
        assert response.status_code in (400, 404, 422)


def test_the_code_location_has_the_notice_job_sensor_and_usage_asset(database_url):
    from civic_assets.runner import load_definitions

    definitions = load_definitions()
    assert definitions.resolve_job_def("publication_notice_job") is not None
    assert "publication_notice_sensor" in {s.name for s in definitions.sensors}
    assert dg.AssetKey(["portal", "usage"]) in \
        definitions.resolve_asset_graph().get_all_asset_keys()
