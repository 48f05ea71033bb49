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
`OUTAGE_WAIT_SECONDS`, until a request succeeds again (`DatabaseHealth`).

A worker that was idle while the server restarted learns it from its first request: a
connection taken from a pool is polled (no round trip) for input waiting on it, which on
an idle connection means the server's goodbye; then every idle connection of that pool is
tested and the dead ones replaced before a live one is handed out
(`_live_connection`).

When a query loses its connection, one task of the worker (`Database.recover`) probes the
server with a connection of its own every `PROBE_SECONDS`; once it answers, both pools are
replaced by fresh ones and the old ones closed (a connection still in use is closed when
it is given back). Swapping the pools, rather than waiting for each pool to notice its
dead connections and regrow, makes the recovery as quick and as certain as the probe: the
API is back within a second of the database, whatever state the old pools were left in.
"""

from __future__ import annotations

import asyncio
import logging
import select
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from functools import partial

import anyio.to_thread
import psycopg
from psycopg_pool import AsyncConnectionPool, ConnectionPool, PoolClosed, PoolTimeout

from catalog.database import libpq_url

logger = logging.getLogger(__name__)

# how long one pool keeps retrying a lost connection before it waits for demand again
RECONNECT_SECONDS = 2.0
# connection attempts to a host that does not answer give up after this
CONNECT_TIMEOUT_SECONDS = 3
# how often a worker that lost its connections probes the server while it is down
PROBE_SECONDS = 0.5
# pools replaced this recently are not replaced again (failures on the old ones arrive late)
MIN_SWAP_INTERVAL_SECONDS = 3.0
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
        # set by the Database: what to do when a dead connection is found (on the loop)
        self.on_dead: Callable[[], None] = self.health.failed

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
        loop = asyncio.get_running_loop()
        try:
            while True:
                pool = self.pool  # the connection goes back to its own pool
                remaining = max(deadline - time.monotonic(), 0.1)
                try:
                    conn = await anyio.to_thread.run_sync(partial(
                        _live_sync_connection, pool, timeout=remaining,
                        on_dead=partial(loop.call_soon_threadsafe, self.on_dead)))
                    break
                except PoolTimeout as exc:
                    raise DatabaseUnavailable(str(exc)) from None
                except PoolClosed:
                    # the pools were replaced while this request waited: take the new one's
                    if pool is self.pool:
                        raise DatabaseUnavailable("the connection pool is closing") from None
            try:
                yield conn
            finally:
                await anyio.to_thread.run_sync(pool.putconn, conn)
            self.health.succeeded()
        finally:
            self._slots.release()


def _unread_input(conn: psycopg.Connection | psycopg.AsyncConnection) -> bool:
    """Whether an idle connection has something to read: a server that shut down sent its
    termination notice and closed the socket. One poll, no round trip."""
    if conn.closed:
        return True
    try:
        readable, _, _ = select.select([conn.pgconn.socket], [], [], 0)
    except (OSError, ValueError, psycopg.OperationalError):
        return True
    return bool(readable)


async def _live_connection(pool: AsyncConnectionPool, *, timeout: float,
                           on_dead: Callable[[], object]) -> psycopg.AsyncConnection:
    """A connection of the pool that still reaches the server. A worker that was idle
    while the server restarted holds only dead connections, and no failed query has told
    it yet: the first one found dead has every idle one tested (and the dead ones
    replaced) before a connection is handed out."""
    deadline = time.monotonic() + timeout
    conn = await pool.getconn(timeout=timeout)
    if not _unread_input(conn):
        return conn
    try:
        await conn.execute("")  # a notice was waiting on a live connection: read it
        return conn
    except psycopg.Error:
        await pool.putconn(conn)  # broken: the pool closes it and opens another
    # the server went away (and may be back): the outage's short wait from now on
    on_dead()
    await pool.check()
    return await pool.getconn(
        timeout=max(min(deadline - time.monotonic(), OUTAGE_WAIT_SECONDS), 0.1))


def _live_sync_connection(pool: ConnectionPool, *, timeout: float,
                          on_dead: Callable[[], object]) -> psycopg.Connection:
    """`_live_connection` for the sync pool (run in a worker thread)."""
    deadline = time.monotonic() + timeout
    conn = pool.getconn(timeout=timeout)
    if not _unread_input(conn):
        return conn
    try:
        conn.execute("")
        return conn
    except psycopg.Error:
        pool.putconn(conn)
    on_dead()
    pool.check()
    return pool.getconn(timeout=max(min(deadline - time.monotonic(), OUTAGE_WAIT_SECONDS), 0.1))


PoolFactory = Callable[[DatabaseHealth], Awaitable[tuple[AsyncConnectionPool, ConnectionPool]]]


@dataclass
class Database:
    """Both pools of one worker process, and how to make new ones."""

    read: AsyncConnectionPool
    sync: SyncConnections
    timeout: float
    health: DatabaseHealth
    conninfo: str
    new_pools: PoolFactory
    recoveries: int = 0
    _recovering: asyncio.Task | None = field(default=None)
    _swapped_at: float = field(default=float("-inf"))

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[psycopg.AsyncConnection]:
        deadline = time.monotonic() + self.health.wait(self.timeout)
        while True:
            pool = self.read  # the connection goes back to its own pool
            try:
                conn = await _live_connection(
                    pool, timeout=max(deadline - time.monotonic(), 0.1), on_dead=self.recover)
                break
            except PoolTimeout as exc:
                raise DatabaseUnavailable(str(exc)) from None
            except PoolClosed:
                # the pools were replaced while this request waited: take the new one's
                if pool is self.read:
                    raise DatabaseUnavailable("the connection pool is closing") from None
        try:
            yield conn
        finally:
            await pool.putconn(conn)
        self.health.succeeded()

    def recover(self) -> None:
        """After a query lost its connection: mark the server unreachable and start the
        probe that replaces the pools once it answers (one probe at a time)."""
        self.health.failed()
        if self._recovering is None or self._recovering.done():
            self._recovering = asyncio.get_running_loop().create_task(self._recover())

    async def _recover(self) -> None:
        while True:
            try:
                probe = await psycopg.AsyncConnection.connect(
                    self.conninfo, connect_timeout=CONNECT_TIMEOUT_SECONDS)
            except psycopg.Error:
                await asyncio.sleep(PROBE_SECONDS)
                continue
            await probe.close()
            break
        if time.monotonic() - self._swapped_at < MIN_SWAP_INTERVAL_SECONDS:
            # the pools were just replaced: a failure on the old ones is no news
            self.health.succeeded()
            return
        read, sync_pool = await self.new_pools(self.health)
        self._swapped_at = time.monotonic()
        old_read, old_sync = self.read, self.sync.pool
        self.read, self.sync.pool = read, sync_pool
        self.recoveries += 1
        self.health.succeeded()
        logger.warning("the database answers again: connection pools replaced")
        with suppress(Exception):  # the old pools' connections are dead or finishing
            await old_read.close(timeout=1)
        with suppress(Exception):
            await anyio.to_thread.run_sync(partial(old_sync.close, timeout=1))

    async def close(self) -> None:
        if self._recovering is not None:
            self._recovering.cancel()
            with suppress(asyncio.CancelledError):
                await self._recovering
        await self.read.close()
        await anyio.to_thread.run_sync(self.sync.pool.close)


async def open_database(url: str, *, size: int, sync_size: int, timeout: float,
                        statement_timeout_ms: int) -> Database:
    """Both pools, opened without waiting for the server: a database that is down at
    start-up is answered 503 until it comes up, like one that goes down later."""
    conninfo = libpq_url(url)
    kwargs = _connection_kwargs(statement_timeout_ms)

    async def new_pools(health: DatabaseHealth) -> tuple[AsyncConnectionPool, ConnectionPool]:
        read = AsyncConnectionPool(conninfo, min_size=min(2, size), max_size=size,
                                   open=False, kwargs=kwargs, timeout=timeout,
                                   name="civic_api", reconnect_timeout=RECONNECT_SECONDS,
                                   reconnect_failed=health.failed)
        await read.open(wait=False)
        sync_pool = ConnectionPool(conninfo, min_size=1, max_size=sync_size, open=False,
                                   kwargs=kwargs, timeout=timeout, name="civic_api_sync",
                                   reconnect_timeout=RECONNECT_SECONDS,
                                   reconnect_failed=health.failed)
        sync_pool.open(wait=False)
        return read, sync_pool

    health = DatabaseHealth()
    read, sync_pool = await new_pools(health)
    database = Database(read=read,
                        sync=SyncConnections(sync_pool, timeout=timeout, health=health),
                        timeout=timeout, health=health, conninfo=conninfo, new_pools=new_pools)
    database.sync.on_dead = database.recover
    return database
