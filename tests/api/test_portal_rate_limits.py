"""Rate limits hold across API worker processes: two real API processes on one database
(`python -m api`, as the load tests start it) take a client's submissions in turn, and
the limit is the client's, not each process's — whichever process answers refuses the
attempt past it, with a message saying why. Only salted hashes of the client are stored,
never its address."""

from __future__ import annotations

import itertools
import re

import httpx
import psycopg
import pytest

from api.routes.portal_requests import SUBMISSIONS
from catalog.database import libpq_url
from tests.api.published_data import SLUG
from tests.api.servers import api_workers
from tests.helpers import smtp_server

SUBSCRIBE_PER_HOUR = 3
TOO_MANY = "Too many requests from your connection; try again in an hour."


@pytest.fixture(scope="module")
def two_apis(publication, database_url):
    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        # attempts made from 127.0.0.1 by the other tests of the session do not count here
        conn.execute("DELETE FROM catalog.rate_limit_hits")
    with smtp_server() as inbox:
        env = {"CIVIC_PUBLISHED_DIR": str(publication.published_dir),
               "CIVIC_SUBSCRIBE_PER_HOUR": str(SUBSCRIBE_PER_HOUR),
               "CIVIC_SMTP_HOST": inbox.host, "CIVIC_SMTP_PORT": str(inbox.port)}
        with api_workers(env, workers=1) as first, api_workers(env, workers=1) as second:
            yield first, second


def _statuses(bases, path: str, forms: list[dict[str, str]]) -> list[int]:
    """Each form posted to the next API process in turn (a new connection each)."""
    answers = []
    for base, data in zip(itertools.cycle(bases), forms, strict=False):
        answer = httpx.post(f"{base}{path}", data=data, headers={"Accept-Language": "en"})
        if answer.status_code == 429:
            assert TOO_MANY in answer.text
        answers.append(answer.status_code)
    return answers


def _stored(database_url: str, limiter: str) -> list[tuple[str, int]]:
    """(client, attempts) of `limiter`, after checking that no row holds an address."""
    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        rows = conn.execute("SELECT client, n, row_to_json(r)::text FROM"
                            " catalog.rate_limit_hits r WHERE limiter = %s",
                            (limiter,)).fetchall()
    for client, _n, row in rows:
        assert re.fullmatch(r"[0-9a-f]{64}", client) and "127.0.0.1" not in row
    return [(client, n) for client, n, _row in rows]


def test_subscriptions_are_limited_across_processes(two_apis, database_url):
    forms = [{"email": f"resident{n}@example.org"} for n in range(SUBSCRIBE_PER_HOUR + 2)]
    # each process saw at most 3 of them: a limit per process would refuse none
    assert _statuses(two_apis, f"/portal/datasets/{SLUG}/subscribe", forms) == \
        [200] * SUBSCRIBE_PER_HOUR + [429, 429]
    # one client (127.0.0.1), known by a hash; its refused attempts count too
    assert [n for _client, n in _stored(database_url, "subscriptions")] == [
        SUBSCRIBE_PER_HOUR + 2]


def test_requests_and_feedback_share_one_limit_across_processes(two_apis, database_url):
    per_hour = SUBMISSIONS.per_hour
    forms = [{"title": f"Dataset wanted number {n}"} for n in range(per_hour - 1)]
    assert _statuses(two_apis, "/portal/requests", forms) == [200] * (per_hour - 1)
    feedback = [{"message": "The map is lovely."}] * 2
    assert _statuses(list(reversed(two_apis)), f"/portal/datasets/{SLUG}/feedback",
                     feedback) == [200, 429]
    assert _statuses(two_apis, "/portal/requests", [{"title": "One too many"}]) == [429]
    assert [n for _client, n in _stored(database_url, "submissions")] == [per_hour + 2]
