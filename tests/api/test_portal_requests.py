"""Residents talk back, on real PostgreSQL and a real SMTP server: a dataset request
submitted on the page reaches the admin page, is upvoted, answered and linked to the
dataset that fulfils it; the requester gets the answer by e-mail and the address is
deleted; feedback from a dataset page reaches the admin page the same way."""

from __future__ import annotations

import re

import psycopg
import pytest
from fastapi.testclient import TestClient

from api.core.config import Settings, get_settings
from api.main import create_app
from catalog.database import libpq_url
from tests.api.published_data import SLUG
from tests.helpers import smtp_server

ADMIN = ("coordinator", "requests-admin-secret")


@pytest.fixture(scope="module")
def inbox():
    with smtp_server() as server:
        yield server


@pytest.fixture(scope="module")
def client(publication, inbox):
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: Settings(
        admin_token=ADMIN[1], smtp_host=inbox.host, smtp_port=inbox.port,
        public_base_url="http://portal.test", api_database_url=get_settings().connection_url())
    with TestClient(app) as test_client:
        yield test_client


def test_a_request_is_upvoted_answered_and_linked_to_its_dataset(client, inbox, database_url):
    title = "Snow clearing routes by street"
    page = client.post("/portal/requests", data={
        "title": title, "description": "to plan my walk", "email": "ana@example.org"})
    assert page.status_code == 200 and "your request is listed below" in page.text
    request_id = int(re.search(r'id="request-(\d+)">\s*<h3>' + title, page.text).group(1))

    for _ in range(2):  # the second vote from the same browser is not counted
        client.post(f"/portal/requests/{request_id}/upvote")
    listing = client.get("/portal/requests").text
    assert "Support (1)" in listing[listing.index(f'id="request-{request_id}"'):]
    assert "ana@example.org" not in listing

    assert client.get("/portal/admin/requests").status_code == 401
    admin = client.get("/portal/admin/requests", auth=ADMIN)
    assert title in admin.text and "e-mail given" in admin.text

    answered = client.post(f"/portal/admin/requests/{request_id}", auth=ADMIN, data={
        "answer": "Published today as part of the 311 data.", "slug": SLUG})
    assert "the requester was told by e-mail" in answered.text
    mail = inbox.to("ana@example.org")[-1]
    assert "Published today as part of the 311 data." in mail.get_content()
    assert f"http://portal.test/portal/datasets/{SLUG}" in mail.get_content()

    public = client.get("/portal/requests").text
    entry = public[public.index(f'id="request-{request_id}"'):]
    assert "Published" in entry and f'href="/portal/datasets/{SLUG}"' in entry
    with psycopg.connect(libpq_url(database_url)) as conn:
        assert conn.execute("SELECT email, status, slug FROM catalog.dataset_requests"
                            " WHERE id = %s", (request_id,)).fetchone() == (
            None, "fulfilled", SLUG)


def test_feedback_from_a_dataset_page_reaches_the_admin_page(client, inbox, database_url):
    page = client.get(f"/portal/datasets/{SLUG}")
    assert f'action="/portal/datasets/{SLUG}/feedback"' in page.text
    sent = client.post(f"/portal/datasets/{SLUG}/feedback", data={
        "message": "The closed_at column is empty for closed requests.",
        "email": "ben@example.org"})
    assert sent.status_code == 200 and "will read your message" in sent.text
    admin = client.get("/portal/admin/requests", auth=ADMIN).text
    found = re.search(r'id="feedback-(\d+)">.*?The closed_at column is empty', admin, re.S)
    assert found
    client.post(f"/portal/admin/feedback/{found.group(1)}", auth=ADMIN,
                data={"answer": "Fixed in version 3."})
    assert "Fixed in version 3." in inbox.to("ben@example.org")[-1].get_content()
    with psycopg.connect(libpq_url(database_url)) as conn:
        assert conn.execute("SELECT email FROM catalog.dataset_feedback WHERE id = %s",
                            (int(found.group(1)),)).fetchone() == (None,)


@pytest.mark.parametrize(("path", "data", "status"), [
    ("/portal/requests", {"title": "x"}, 400),
    (f"/portal/datasets/{SLUG}/feedback", {"message": "  "}, 400),
    ("/portal/datasets/no_such_dataset/feedback", {"message": "hello there"}, 404),
])
def test_bad_submissions_are_refused(client, path, data, status):
    assert client.post(path, data=data).status_code == status
