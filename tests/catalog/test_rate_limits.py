"""Rate limits counted in PostgreSQL (`catalog.rate_limit_hits`) on the real server:
attempts per limiter and client add up atomically, the previous window counts by the share of it
still inside the sliding hour, past windows are purged, and no address can be stored."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from catalog.database import libpq_url
from catalog.rate_limits import count_attempt_async

CURRENT_WINDOW = "date_bin(interval '1 hour', now(), timestamptz 'epoch')"


def _client(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def _attempts(url: str, limiter: str, client: str, times: int = 1) -> list[float]:
    async def run() -> list[float]:
        async with await psycopg.AsyncConnection.connect(libpq_url(url),
                                                         autocommit=True) as conn:
            return [await count_attempt_async(conn, limiter=limiter, client=client)
                    for _ in range(times)]
    return asyncio.run(run())


@pytest.fixture
def limiter() -> str:
    return f"test_{uuid.uuid4().hex[:12]}"


def test_attempts_add_up_per_limiter_and_client(database_url, limiter):
    assert _attempts(database_url, limiter, _client("a"), times=3) == [1, 2, 3]
    assert _attempts(database_url, limiter, _client("b")) == [1]
    assert _attempts(database_url, f"{limiter}_other", _client("a")) == [1]


def test_concurrent_attempts_are_each_counted_once(database_url, limiter):
    # as from several worker processes at once: one connection each
    with ThreadPoolExecutor(max_workers=8) as pool:
        counts = sorted(pool.map(lambda _: _attempts(database_url, limiter, _client("c"))[0],
                                 range(16)))
    assert counts == list(range(1, 17))


def test_the_previous_hour_counts_by_its_share_in_the_sliding_window(database_url, conn,
                                                                     limiter):
    client = _client("d")
    conn.execute("INSERT INTO catalog.rate_limit_hits VALUES"
                 f" (%s, %s, {CURRENT_WINDOW} - interval '1 hour', 100)", (limiter, client))

    def elapsed_share() -> float:
        return float(conn.execute(
            f"SELECT extract(epoch FROM now() - {CURRENT_WINDOW}) / 3600").fetchone()[0])

    earliest = elapsed_share()
    [estimate] = _attempts(database_url, limiter, client)
    latest = elapsed_share()
    assert 1 + 100 * (1 - latest) <= estimate <= 1 + 100 * (1 - earliest)


def test_a_limiters_past_windows_are_purged_by_its_next_attempt(database_url, conn, limiter):
    for name, hours_ago in (("old", 2), ("older", 30), ("previous", 1)):
        conn.execute("INSERT INTO catalog.rate_limit_hits VALUES"
                     f" (%s, %s, {CURRENT_WINDOW} - make_interval(hours => %s), 1)",
                     (limiter, _client(name), hours_ago))
    conn.execute("INSERT INTO catalog.rate_limit_hits VALUES"
                 f" (%s, %s, {CURRENT_WINDOW} - interval '2 hours', 1)",
                 (f"{limiter}_other", _client("old")))

    _attempts(database_url, limiter, _client("e"))

    kept = conn.execute("SELECT limiter, client FROM catalog.rate_limit_hits"
                        " WHERE limiter LIKE %s", (f"{limiter}%",)).fetchall()
    assert sorted(kept) == sorted([(limiter, _client("previous")), (limiter, _client("e")),
                                   (f"{limiter}_other", _client("old"))])


def test_an_address_cannot_be_stored(conn, limiter):
    with pytest.raises(psycopg.errors.CheckViolation):
        conn.execute("INSERT INTO catalog.rate_limit_hits VALUES (%s, '127.0.0.1', now(), 1)",
                     (limiter,))
