"""The API's connections, as the role that can read only `published` and `catalog`.

Each worker process holds two pools:

- an async pool (psycopg 3) for the async routes (catalogue listing, data and query
  routes): a request waiting for a connection holds no thread;
- a sync pool for the sync routes, entered through `SyncConnections`: the wait for a
  connection happens on the event loop behind a semaphore as large as the pool, so no
  thread of the thread pool ever waits for a connection. (A sync dependency waiting on a
  small pool from the thread pool is the known FastAPI deadlock: the waiting dependencies
  hold every thread, and the requests holding the connections never get one to finish.)

Every wait is bounded; running out of it raises `DatabaseUnavailable`, which the app
answers 503 with Retry-After. A busy server is waited for up to `pool_timeout`; a server
found unreachable (a query lost its connection, or reconnecting failed) only
`OUTAGE_WAIT_SECONDS`, until a request succeeds again (`DatabaseHealth`). When the server
goes away, requests on dead connections fail (503 too), `recheck` flushes the dead
connections out of the pools, and the pools reconnect on their own: `reconnect_timeout`
is short, so a request arriving after a failed reconnection starts a new attempt at once
and the API is back within a second of the database.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from functools import partial

import anyio.to_thread
import psycopg
from psycopg_pool import AsyncConnectionPool, ConnectionPool, PoolTimeout

from catalog.database import libpq_url

logger = logging.getLogger(__name__)

# how long one pool keeps retrying a lost connection before it waits for demand again
RECONNECT_SECONDS = 2.0
# connection attempts to a host that does not answer give up after this
CONNECT_TIMEOUT_SECONDS = 3
# at most one sweep of dead connections per this many seconds
RECHECK_INTERVAL_SECONDS = 1.0
# how long a request waits for a connection while the server is known to be unreachable
OUTAGE_WAIT_SECONDS = 1.0


class DatabaseUnavailable(RuntimeError):
    """No connection could be had in time: the database is overloaded, restarting or down."""


def _connection_kwargs(statement_timeout_ms: int) -> dict:
    return {"autocommit": True, "connect_timeout": CONNECT_TIMEOUT_SECONDS,
            "application_name": "civic_api",
            "options": f"-c statement_timeout={int(statement_timeout_ms)} -c TimeZone=UTC"}


class DatabaseHealth:
    """Whether the server was lately found unreachable; shared by a worker's pools (the
    sync pool reports from its own threads: one attribute, set or cleared whole)."""

    def __init__(self) -> None:
        self.failing_since: float | None = None

    def failed(self, *_: object) -> None:
        if self.failing_since is None:
            self.failing_since = time.monotonic()

    def succeeded(self) -> None:
        self.failing_since = None

    def wait(self, timeout: float) -> float:
        return min(timeout, OUTAGE_WAIT_SECONDS) if self.failing_since is not None else timeout


class SyncConnections:
    """The sync pool, entered from the event loop: the wait happens on a semaphore of the
    pool's size, and a thread is used only to take a connection that is (nearly always)
    already there, so holders of connections are never starved of threads."""

    def __init__(self, pool: ConnectionPool, *, timeout: float, health: DatabaseHealth) -> None:
        self.pool = pool
        self.timeout = timeout
        self.health = health
        self._slots = asyncio.Semaphore(pool.max_size)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[psycopg.Connection]:
        timeout = self.health.wait(self.timeout)
        deadline = time.monotonic() + timeout
        try:
            async with asyncio.timeout(timeout):
                await self._slots.acquire()
        except TimeoutError:
            raise DatabaseUnavailable(
                f"no database connection free within {timeout:g} s") from None
        try:
            remaining = max(deadline - time.monotonic(), 0.1)
            try:
                conn = await anyio.to_thread.run_sync(
                    partial(self.pool.getconn, timeout=remaining))
            except PoolTimeout as exc:
                raise DatabaseUnavailable(str(exc)) from None
            try:
                yield conn
            finally:
                await anyio.to_thread.run_sync(self.pool.putconn, conn)
            self.health.succeeded()
        finally:
            self._slots.release()


@dataclass
class Database:
    """Both pools of one worker process."""

    read: AsyncConnectionPool
    sync: SyncConnections
    timeout: float
    health: DatabaseHealth
    _last_recheck: float = field(default=0.0)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[psycopg.AsyncConnection]:
        try:
            conn = await self.read.getconn(timeout=self.health.wait(self.timeout))
        except PoolTimeout as exc:
            raise DatabaseUnavailable(str(exc)) from None
        try:
            yield conn
        finally:
            await self.read.putconn(conn)
        self.health.succeeded()

    def recheck(self) -> None:
        """After a connection failed: test the idle connections of both pools in the
        background, so the dead ones are replaced at once rather than failing one request
        each."""
        self.health.failed()
        now = time.monotonic()
        if now - self._last_recheck < RECHECK_INTERVAL_SECONDS:
            return
        self._last_recheck = now
        task = asyncio.get_running_loop().create_task(self._recheck())
        _BACKGROUND.add(task)
        task.add_done_callback(_BACKGROUND.discard)

    async def _recheck(self) -> None:
        with suppress(Exception):  # a sweep that fails changes nothing; the next one retries
            await self.read.check()
        with suppress(Exception):
            await anyio.to_thread.run_sync(self.sync.pool.check)

    async def close(self) -> None:
        await self.read.close()
        await anyio.to_thread.run_sync(self.sync.pool.close)


# strong references to the recheck tasks until they finish (asyncio keeps only weak ones)
_BACKGROUND: set[asyncio.Task] = set()


async def open_database(url: str, *, size: int, sync_size: int, timeout: float,
                        statement_timeout_ms: int) -> Database:
    """Both pools, opened without waiting for the server: a database that is down at
    start-up is answered 503 until it comes up, like one that goes down later."""
    conninfo = libpq_url(url)
    kwargs = _connection_kwargs(statement_timeout_ms)
    health = DatabaseHealth()
    read = AsyncConnectionPool(conninfo, min_size=min(2, size), max_size=size, open=False,
                               kwargs=kwargs, timeout=timeout, name="civic_api",
                               reconnect_timeout=RECONNECT_SECONDS,
                               reconnect_failed=health.failed)
    await read.open(wait=False)
    sync_pool = ConnectionPool(conninfo, min_size=1, max_size=sync_size, open=False,
                               kwargs=kwargs, timeout=timeout, name="civic_api_sync",
                               reconnect_timeout=RECONNECT_SECONDS,
                               reconnect_failed=health.failed)
    sync_pool.open(wait=False)
    return Database(read=read, sync=SyncConnections(sync_pool, timeout=timeout, health=health),
                    timeout=timeout, health=health)
