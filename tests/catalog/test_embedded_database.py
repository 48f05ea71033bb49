"""The embedded default: with CIVIC_DATABASE_URL unset the platform runs its own PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from catalog.database import ConnectionParts, libpq_url
from catalog.migrate import bootstrap
from tests.helpers import PROJECT_ROOT


@pytest.mark.slow
def test_civic_db_url_starts_an_embedded_server(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("CIVIC_DATABASE_URL", "CIVIC_API_DATABASE_URL")}
    env["CIVIC_VAR_DIR"] = str(tmp_path / "var")
    process = subprocess.Popen(
        [sys.executable, "-m", "civic_assets.cli", "db", "url", "--keep-running"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("postgresql://"), url
        parts = ConnectionParts.from_url(url)
        assert parts.host.startswith(str(tmp_path)), "the server's socket lives under var/"
        assert parts.dbname == "civic"
        bootstrap(url)
        with psycopg.connect(libpq_url(url)) as conn:
            schemas = {r[0] for r in conn.execute("SELECT nspname FROM pg_namespace")}
            version = conn.execute("SHOW server_version").fetchone()[0]
        assert {"raw", "staging", "marts", "review", "published", "catalog"} <= schemas
        assert version.startswith("16")
        api_url = parts.url(user="civic_api")
        with (psycopg.connect(libpq_url(api_url)) as api,
              pytest.raises(psycopg.errors.InsufficientPrivilege)):
            api.execute("SELECT * FROM catalog.ingest_log")
    finally:
        process.terminate()
        process.wait(timeout=30)
    # the server stops with the process that started it: nothing is left running
    socket = Path(parts.host) / f".s.PGSQL.{parts.port}"
    deadline = time.time() + 10
    while socket.exists() and time.time() < deadline:
        time.sleep(0.2)
    assert not socket.exists()
