"""`civic db init / upgrade / status`, run as a person runs them: the real command in a
subprocess, against a database of its own."""

from __future__ import annotations

import os
import subprocess
import sys

import psycopg

from catalog.database import ConnectionParts, libpq_url
from catalog.migrate import migration_files
from tests.catalog.old_main import fresh_database, restore_fixture
from tests.paths import PROJECT_ROOT


def civic_db(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CIVIC_DATABASE_URL": url}
    env.pop("CIVIC_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "civic_assets.cli", "db", *args], env=env,
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
                          check=False)


def test_status_and_upgrade_on_a_database_made_before_migrations(database_url):
    url = fresh_database(database_url, f"{ConnectionParts.from_url(database_url).dbname}_cli")
    restore_fixture(url)

    before = civic_db(url, "status")
    assert before.returncode == 0, before.stderr
    names = [m.name for m in migration_files()]
    assert before.stdout.splitlines() == [
        "  0001_initial: pending (the schema is there: `civic db upgrade` records it as the "
        "baseline)", *(f"  {name}: pending" for name in names[1:])]

    upgraded = civic_db(url, "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert upgraded.stdout.splitlines() == [
        "  0001_initial: recorded as applied (baseline: the database was made before "
        "migrations)", *(f"  {name}: applied" for name in names[1:])]

    after = civic_db(url, "status")
    assert after.returncode == 0, after.stderr
    lines = after.stdout.splitlines()
    assert lines[0].startswith("  0001_initial: applied ")
    assert lines[0].endswith("(baseline)")
    for line, name in zip(lines[1:-1], names[1:], strict=True):
        assert line.startswith(f"  {name}: applied 20")
    assert lines[-1] == "  nothing pending"

    again = civic_db(url, "upgrade")
    assert again.stdout.splitlines() == ["  the schema is up to date: nothing to apply"]


def test_a_changed_migration_is_refused_with_its_name(database_url):
    url = fresh_database(database_url, f"{ConnectionParts.from_url(database_url).dbname}_cli2")
    assert civic_db(url, "upgrade").returncode == 0
    # as if 0001 had been edited since it was applied to this database
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        conn.execute("UPDATE catalog.schema_migrations SET sha256 = repeat('0', 64)"
                     " WHERE version = 1")

    refused = civic_db(url, "upgrade")
    assert refused.returncode == 1
    assert refused.stderr.startswith(
        "civic db: error: migration 0001_initial.sql was changed after it was applied to this "
        "database (recorded sha256 000000000000…")
    assert "restore the file and put the change in a new numbered migration" in refused.stderr
    reported = civic_db(url, "status")
    assert reported.returncode == 1
    assert "0001_initial.sql was changed after it was applied" in reported.stderr


def test_init_creates_the_database_and_applies_every_migration(database_url):
    name = f"{ConnectionParts.from_url(database_url).dbname}_init"
    url = ConnectionParts.from_url(database_url).url(dbname=name)
    with psycopg.connect(libpq_url(ConnectionParts.from_url(url).url(dbname="postgres")),
                         autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    done = civic_db(url, "init")
    assert done.returncode == 0, done.stderr
    for migration in migration_files():
        assert f"  {migration.name}: applied" in done.stdout.splitlines()
    status_lines = civic_db(url, "status").stdout.splitlines()
    assert status_lines[-1] == "  nothing pending"
