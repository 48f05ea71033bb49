"""Servers for the load and outage tests: the API as `python -m api` with several worker
processes, a throwaway PostgreSQL cluster that a test may stop and start (never the
machine's shared server), and a load of concurrent clients that records every answer."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.load import serve_api
from tests.helpers import free_port


def api_workers(env: dict[str, str], *, workers: int = 2):
    """`python -m api --workers N` on a free port; yields its base URL (the bench's server)."""
    return serve_api(env, workers=workers)


def _postgres_bindir() -> Path | None:
    found = shutil.which("pg_config")
    if found:
        bindir = Path(subprocess.run([found, "--bindir"], capture_output=True, text=True,
                                     check=True).stdout.strip())
        if (bindir / "pg_ctl").exists():
            return bindir
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return versions[-1].parent if versions else None


@dataclass
class ThrowawayPostgres:
    """A PostgreSQL cluster of the test's own, in a temporary folder."""

    bindir: Path
    folder: Path
    port: int
    # the server refuses to run as root: run its commands as this system user then
    run_as: str | None

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/civic"

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-w", "-t", "60",
                  "-l", str(self.folder / "server.log"),
                  "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
                        " -c fsync=off -c max_connections=100", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-w", "-m", mode, "stop")


@contextmanager
def throwaway_postgres() -> Iterator[ThrowawayPostgres]:
    bindir = _postgres_bindir()
    if bindir is None:
        raise RuntimeError("no PostgreSQL server binaries (pg_ctl) on this machine")
    run_as = "postgres" if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="civic-throwaway-pg-"))
    try:
        if run_as:
            shutil.chown(folder, run_as)
        cluster = ThrowawayPostgres(bindir, folder, free_port(), run_as)
        cluster._run("initdb", "-D", str(folder / "data"), "-U", "postgres", "--auth=trust",
                     "-E", "UTF8", "--no-sync")
        cluster.start()
        try:
            yield cluster
        finally:
            cluster.stop("immediate")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Answer:
    started: float
    seconds: float
    status: int  # 0: no answer (connection error or client timeout)
    retry_after: str | None = None


@dataclass
class Load:
    """Clients requesting URLs in a loop from a thread of their own until stopped."""

    urls: list[str]
    clients: int
    timeout: float = 30.0
    answers: list[Answer] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    async def _client(self, http: httpx.AsyncClient, number: int) -> None:
        turn = number
        while not self._stop.is_set():
            url = self.urls[turn % len(self.urls)]
            turn += 1
            started = time.monotonic()
            try:
                response = await http.get(url)
                answer = Answer(started, time.monotonic() - started, response.status_code,
                                response.headers.get("retry-after"))
            except httpx.HTTPError:
                answer = Answer(started, time.monotonic() - started, 0)
                await asyncio.sleep(0.05)
            self.answers.append(answer)

    async def _run(self) -> None:
        limits = httpx.Limits(max_connections=self.clients,
                              max_keepalive_connections=self.clients)
        async with httpx.AsyncClient(timeout=self.timeout, limits=limits) as http:
            await asyncio.gather(*(self._client(http, n) for n in range(self.clients)))

    @contextmanager
    def running(self) -> Iterator[Load]:
        thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            thread.join(timeout=self.timeout + 10)


async def _burst(urls: list[str], clients: int, timeout: float) -> list[Answer]:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as http:
        async def one(url: str) -> Answer:
            started = time.monotonic()
            try:
                response = await http.get(url)
            except httpx.HTTPError:
                return Answer(started, time.monotonic() - started, 0)
            return Answer(started, time.monotonic() - started, response.status_code,
                          response.headers.get("retry-after"))
        return await asyncio.gather(*(one(urls[n % len(urls)]) for n in range(clients)))


def burst(urls: list[str], *, clients: int, timeout: float = 60.0) -> list[Answer]:
    """`clients` requests sent at once (one connection each); every answer."""
    return asyncio.run(_burst(urls, clients, timeout))
