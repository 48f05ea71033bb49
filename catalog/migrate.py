"""Numbered schema migrations: `catalog/migrations/NNNN_<name>.sql`, applied in order, each
in its own transaction, and recorded in `catalog.schema_migrations` with the file's SHA-256.

An applied migration is never edited: `upgrade` refuses to run when a file no longer
matches its recorded checksum. A database made before migrations existed (the registry
tables are there, the version table is not) is recognised and 0001 recorded as its
baseline. The API role's grants are re-applied after every upgrade.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import psycopg
from psycopg import sql

from catalog.database import API_ROLE, ConnectionParts, ensure_database, libpq_url
from catalog.rows import one_row

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
API_GRANTS = Path(__file__).parent / "sql" / "api_role.sql"
# CLI, API and Dagster may start together: one upgrade at a time per database
_LOCK_KEY = "civic.schema_migrations"
_FILE_NAME = re.compile(r"(?P<version>\d{4})_(?P<label>[a-z0-9_]+)\.sql")
# what a database made before migrations must already have to count as 0001
_BASELINE_SHAPE = {
    "catalog.candidates": ["preview"],
    "catalog.audit_log": ["scheme"],
    "catalog.approval_requests": ["token_hash"],
}


class MigrationError(RuntimeError):
    """The schema cannot be brought up to date safely; the message says why."""


@dataclass(frozen=True)
class Migration:
    """One migration file."""

    version: int
    name: str
    path: Path

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class AppliedMigration:
    """One row of `catalog.schema_migrations`."""

    version: int
    name: str
    sha256: str
    applied_at: datetime
    baseline: bool


@dataclass(frozen=True)
class ChangedMigration:
    migration: Migration
    recorded: AppliedMigration

    def message(self) -> str:
        return (f"migration {self.migration.path.name} was changed after it was applied to "
                f"this database (recorded sha256 {self.recorded.sha256[:12]}…, the file's is "
                f"now {self.migration.sha256[:12]}…). An applied migration must never be "
                "edited: restore the file and put the change in a new numbered migration.")


@dataclass(frozen=True)
class SchemaStatus:
    applied: list[AppliedMigration]
    pending: list[Migration]
    changed: list[ChangedMigration]
    # made before migrations existed: `upgrade` records 0001 as its baseline
    unversioned: bool
    # applied versions no migration file describes (a newer release upgraded it)
    unknown: list[AppliedMigration]


def migration_files(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The migrations in `directory`, numbered 0001, 0002, … without gaps."""
    found = []
    for path in sorted(directory.glob("*.sql")):
        match = _FILE_NAME.fullmatch(path.name)
        if match is None:
            raise MigrationError(
                f"{path}: a migration file is named NNNN_lower_case_name.sql")
        found.append(Migration(int(match["version"]), path.stem, path))
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise MigrationError(
                f"{migration.path}: migrations are numbered without gaps or repeats; "
                f"expected {expected:04d} here")
    return found


def status(url: str, *, directory: Path = MIGRATIONS_DIR) -> SchemaStatus:
    """What is applied and what is pending, without changing anything."""
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        unversioned = _is_unversioned(conn)
        applied = [] if unversioned or not _has_version_table(conn) else _applied(conn)
    return _compare(applied, migration_files(directory), unversioned=unversioned)


def upgrade(url: str, *, directory: Path = MIGRATIONS_DIR,
            target: int | None = None) -> list[AppliedMigration]:
    """Apply the pending migrations (up to `target`, default all) in order and re-apply
    the API role's grants; return what this call recorded, oldest first."""
    available = migration_files(directory)
    if target is not None:
        available = [m for m in available if m.version <= target]
    recorded: list[AppliedMigration] = []
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(hashtext(%s))", (_LOCK_KEY,))
        try:
            if _is_unversioned(conn):
                recorded.append(_record_baseline(conn, available[0]))
            else:
                _create_version_table(conn)
            state = _compare(_applied(conn), available, unversioned=False)
            if state.changed:
                raise MigrationError(state.changed[0].message())
            if state.unknown:
                newest = state.unknown[-1]
                raise MigrationError(
                    f"this database is at schema version {newest.version:04d} "
                    f"({newest.name}), which this code does not know: a newer release "
                    "upgraded it. Run that release, or restore a backup.")
            for migration in state.pending:
                recorded.append(_apply(conn, migration))
            _grant_api_role(conn, ConnectionParts.from_url(url).dbname)
        finally:
            conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (_LOCK_KEY,))
    return recorded


def bootstrap(url: str) -> list[AppliedMigration]:
    """Create the database if needed and bring its schema up to date (every process
    calls this on start)."""
    ensure_database(url)
    return upgrade(url)


def _compare(applied: list[AppliedMigration], available: list[Migration], *,
             unversioned: bool) -> SchemaStatus:
    by_version = {m.version: m for m in available}
    done = {a.version for a in applied}
    changed = [ChangedMigration(by_version[a.version], a) for a in applied
               if a.version in by_version and a.sha256 != by_version[a.version].sha256]
    unknown = [a for a in applied if a.version not in by_version]
    pending = [m for m in available if m.version not in done]
    return SchemaStatus(applied, pending, changed, unversioned, unknown)


def _has_version_table(conn: psycopg.Connection) -> bool:
    return one_row(conn.execute(
        "SELECT to_regclass('catalog.schema_migrations') IS NOT NULL"))[0]


def _is_unversioned(conn: psycopg.Connection) -> bool:
    """Made by a release before migrations: registry tables but no version table."""
    has_registry = one_row(conn.execute(
        "SELECT to_regclass('catalog.candidates') IS NOT NULL"))[0]
    return has_registry and not _has_version_table(conn)


def _create_version_table(conn: psycopg.Connection) -> None:
    conn.execute(
        "CREATE SCHEMA IF NOT EXISTS catalog;"
        " CREATE TABLE IF NOT EXISTS catalog.schema_migrations ("
        "   version     integer PRIMARY KEY,"
        "   name        text NOT NULL,"
        "   sha256      text NOT NULL,"
        "   applied_at  timestamptz NOT NULL DEFAULT now(),"
        "   baseline    boolean NOT NULL DEFAULT false)")


def _applied(conn: psycopg.Connection) -> list[AppliedMigration]:
    rows = conn.execute(
        "SELECT version, name, sha256, applied_at, baseline FROM catalog.schema_migrations"
        " ORDER BY version").fetchall()
    return [AppliedMigration(*row) for row in rows]


def _insert_applied(conn: psycopg.Connection, migration: Migration, *,
                    baseline: bool) -> AppliedMigration:
    row = one_row(conn.execute(
        "INSERT INTO catalog.schema_migrations (version, name, sha256, baseline)"
        " VALUES (%s, %s, %s, %s) RETURNING version, name, sha256, applied_at, baseline",
        (migration.version, migration.name, migration.sha256, baseline)))
    return AppliedMigration(*row)


def _record_baseline(conn: psycopg.Connection, initial: Migration) -> AppliedMigration:
    missing = [f"{table}.{column}" for table, columns in _BASELINE_SHAPE.items()
               for column in columns if not _has_column(conn, table, column)]
    if missing:
        raise MigrationError(
            "this database's catalog schema is older than the one migration "
            f"{initial.name} describes (no {', '.join(missing)}); it cannot be taken as "
            "its baseline. Bring it to that schema by hand, or export and reload its data.")
    with conn.transaction():
        _create_version_table(conn)
        return _insert_applied(conn, initial, baseline=True)


def _has_column(conn: psycopg.Connection, table: str, column: str) -> bool:
    schema, name = table.split(".")
    return conn.execute(
        "SELECT 1 FROM information_schema.columns"
        " WHERE table_schema = %s AND table_name = %s AND column_name = %s",
        (schema, name, column)).fetchone() is not None


def _apply(conn: psycopg.Connection, migration: Migration) -> AppliedMigration:
    try:
        with conn.transaction():
            conn.execute(migration.path.read_text())
            return _insert_applied(conn, migration, baseline=False)
    except psycopg.Error as error:
        diag = error.diag
        parts = [diag.message_primary or str(error), diag.message_detail, diag.message_hint]
        raise MigrationError(
            f"migration {migration.path.name} failed and was rolled back: "
            + " ".join(p for p in parts if p)) from error


def _grant_api_role(conn: psycopg.Connection, dbname: str) -> None:
    """The API's role reads only `published` and the public parts of `catalog`."""
    role_exists = conn.execute(
        "SELECT 1 FROM pg_roles WHERE rolname = %s", (API_ROLE,)).fetchone()
    if not role_exists:
        # roles are server-wide: another database's bootstrap may make it at the same time
        with contextlib.suppress(psycopg.errors.DuplicateObject, psycopg.errors.UniqueViolation):
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(API_ROLE)))
    grants = API_GRANTS.read_text()
    conn.execute(grants.replace("{role}", API_ROLE).replace("{database}", dbname))
