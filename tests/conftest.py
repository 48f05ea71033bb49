"""Shared fixtures: a real PostgreSQL database for the whole test session.

With CIVIC_DATABASE_URL set (CI: the server at 127.0.0.1:5432) the tests use a fresh
database on that server, named by CIVIC_TEST_DATABASE (default `civic_test`); without it
they start the embedded default (pgserver) in a temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest

from catalog.database import ConnectionParts, libpq_url
from catalog.migrate import bootstrap
from tests.city_fixtures import city_published  # noqa: F401 - a session fixture, shared
from tests.paths import SHARED_DATA


def _recreate_database(url: str) -> None:
    parts = ConnectionParts.from_url(url)
    with psycopg.connect(libpq_url(parts.url(dbname="postgres")), autocommit=True) as conn:
        for db in (parts.dbname, f"{parts.dbname}_dagster"):
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (db,),
            )
            conn.execute(f'DROP DATABASE IF EXISTS "{db}"')
        conn.execute(f'CREATE DATABASE "{parts.dbname}"')


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """URL of a freshly created, bootstrapped test database; exported to child processes."""
    test_db = os.environ.get("CIVIC_TEST_DATABASE", "civic_test")
    base = os.environ.get("CIVIC_DATABASE_URL")
    if base:
        url = ConnectionParts.from_url(base).url(dbname=test_db)
    else:
        import pgserver

        server = pgserver.get_server(str(tmp_path_factory.mktemp("pgdata")), cleanup_mode="stop")
        _EMBEDDED.append(server)
        url = ConnectionParts.from_url(server.get_uri()).url(dbname=test_db)
    _recreate_database(url)
    bootstrap(url)
    os.environ["CIVIC_DATABASE_URL"] = url
    os.environ.pop("CIVIC_API_DATABASE_URL", None)
    # published files of test runs never mix with a developer's var/published
    os.environ["CIVIC_PUBLISHED_DIR"] = str(tmp_path_factory.mktemp("published"))
    return url


_EMBEDDED: list = []


@pytest.fixture
def conn(database_url: str):
    with psycopg.connect(libpq_url(database_url), autocommit=True) as connection:
        yield connection


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.fail(f"shared data folder missing: {SHARED_DATA}")
    return SHARED_DATA
