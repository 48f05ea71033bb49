"""Databases for the migration tests: a fresh one, or one restored from the dump of a
database made by the code before numbered migrations (`fixtures/main_2026_11_schema.sql`)."""

from __future__ import annotations

from pathlib import Path

import psycopg

from catalog.database import ConnectionParts, libpq_url

FIXTURE = Path(__file__).parent / "fixtures" / "main_2026_11_schema.sql"


def fresh_database(base_url: str, name: str) -> str:
    """An empty database `name` on the server of `base_url` (dropped first if it exists)."""
    url = ConnectionParts.from_url(base_url).url(dbname=name)
    with psycopg.connect(libpq_url(ConnectionParts.from_url(url).url(dbname="postgres")),
                         autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return url


def restore_fixture(url: str) -> None:
    # plain SQL from pg_dump --inserts; psql's meta-commands (\restrict …) are not SQL
    dump = "\n".join(line for line in FIXTURE.read_text().splitlines()
                     if not line.startswith("\\"))
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        conn.execute(dump)
