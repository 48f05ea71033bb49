"""Counting every page view, API call and download without making a response wait:
an ASGI middleware classifies the request and puts one event on a queue; a task of
the worker process writes the queue to `catalog.usage_log` in batches.

The visitor is a SHA-256 of the day's salt (from the catalogue, deleted the next day),
the client address and its user agent: unique visitors per day can be counted, and
no address is ever stored or kept in a form that can be traced back after the day.

A download is counted once, with its format: a GET answered with the file (200), or
with a byte range from its first byte (206: the start of a resumable download). Not
counted: a HEAD, a 304 (the client revalidated the copy it has), the later ranges of a
resumed download, and failures."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from datetime import UTC, datetime

from api.portal.salt import DailySalt, daily_salt
from catalog.usage_log import Event, write_usage_async

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
FLUSH_SECONDS = 2.0
# a flood beyond this is dropped (and logged) rather than held in memory
QUEUE_LIMIT = 50_000

_DOWNLOAD = re.compile(r"^/datasets/(?P<slug>[a-z0-9_]+)/(latest|versions/\d+)/"
                       r"(data\.(?P<ext>[a-z]+)|datapackage\.json)$")
_DATASET_API = re.compile(r"^/datasets/(?P<slug>[a-z0-9_]+)(/.*)?$")
_PAGE = re.compile(r"^/portal/datasets/(?P<slug>[a-z0-9_]+)$")
_SITE_PAGES = {"/": "catalogue", "/dashboard": "dashboard"}
_FROM_THE_START = re.compile(r"^\s*bytes\s*=\s*0+\s*-", re.IGNORECASE)


def classify(path: str, query_format: str | None) -> tuple[str, str, str | None,
                                                             str | None] | None:
    """(kind, endpoint, slug, format) of a request worth counting; None for the rest
    (static files, health checks, the docs, forms)."""
    if path in _SITE_PAGES:
        return "page", _SITE_PAGES[path], None, None
    if (match := _PAGE.match(path)) is not None:
        return "page", "dataset page", match["slug"], None
    if (match := _DOWNLOAD.match(path)) is not None:
        return "download", path.rsplit("/", 1)[-1], match["slug"], match["ext"] or "datapackage"
    if (match := _DATASET_API.match(path)) is not None:
        rest = path[len(f"/datasets/{match['slug']}"):] or "/"
        endpoint = re.sub(r"/versions/\d+", "/versions/{n}", rest)
        return "api", f"/datasets/{{slug}}{endpoint}".rstrip("/"), match["slug"], \
            query_format or ("json" if endpoint.startswith("/data") else None)
    if path.startswith("/api/3/action/"):
        return "api", path, None, None
    if path in ("/catalog", "/data.json") or path.startswith("/catalog."):
        return "api", path, None, None
    return None


def is_a_download(method: str, status: int, byte_range: str | None) -> bool:
    """Whether a successful answer at a download URL is a download to count (see above)."""
    if method != "GET" or status == 304:
        return False
    return status != 206 or _FROM_THE_START.match(byte_range or "") is not None


class UsageRecorder:
    """One per worker process: the queue, the writer task and the day's salt."""

    def __init__(self, database, salt: DailySalt) -> None:
        self.database = database
        self.salt = salt
        self.queue: asyncio.Queue[tuple] = asyncio.Queue(maxsize=QUEUE_LIMIT)
        self._task: asyncio.Task | None = None
        self.dropped = 0

    def record(self, kind: str, endpoint: str, slug: str | None, fmt: str | None,
               status: int, client: str) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())
        try:
            self.queue.put_nowait((datetime.now(UTC), kind, endpoint, slug, fmt, status,
                                   client))
        except asyncio.QueueFull:
            self.dropped += 1

    async def flush(self) -> int:
        """Write what is queued now; the number of events written."""
        pending: list[tuple] = []
        while not self.queue.empty() and len(pending) < BATCH_SIZE:
            pending.append(self.queue.get_nowait())
        if not pending:
            return 0
        async with self.database.connection() as conn:
            events: list[Event] = []
            for at, kind, endpoint, slug, fmt, status, client in pending:
                visitor = await self.salt.hash(conn, client, day=at.date())
                events.append((at, kind, endpoint, slug, fmt, status, visitor))
            await write_usage_async(conn, events)
        return len(events)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(FLUSH_SECONDS)
            try:
                while await self.flush() == BATCH_SIZE:
                    pass
            except Exception:  # usage must never take the API down: log, retry next time
                logger.exception("usage events could not be written; retrying")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(Exception):
            while await self.flush():
                pass


class UsageMiddleware:
    """Pure ASGI, so streamed downloads are passed through untouched."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        found = re.search(r"(?:^|&)format=([a-z]+)", query)
        classified = classify(scope["path"], found.group(1) if found else None)
        if classified is None:
            await self.app(scope, receive, send)
            return
        status = {"code": 0}

        async def watch(message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self.app(scope, receive, watch)
        if status["code"] >= 400:
            return
        headers = dict(scope.get("headers") or [])
        if classified[0] == "download" and not is_a_download(
                scope["method"], status["code"],
                headers.get(b"range", b"").decode("latin-1")):
            return
        state = scope["app"].state
        recorder = getattr(state, "usage", None)
        if recorder is None:
            recorder = state.usage = UsageRecorder(state.database, daily_salt(state))
        client = (scope.get("client") or ("unknown", 0))[0]
        agent = headers.get(b"user-agent", b"").decode("latin-1")[:200]
        recorder.record(*classified, status["code"], f"{client}|{agent}")
