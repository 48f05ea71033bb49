"""Schema migrations on real PostgreSQL: a database made by the code before migrations
(`fixtures/main_2026_11_schema.sql`, see its header) upgrades without losing a row or
breaking the audit chain; a fresh database gets the same schema; edits to applied
migrations are refused."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from catalog.approvals import record_decision
from catalog.audit import verify_audit_chain
from catalog.database import ConnectionParts, libpq_url
from catalog.migrate import (
    MIGRATIONS_DIR,
    MigrationError,
    bootstrap,
    migration_files,
    status,
    upgrade,
)
from metadata.specs import DatasetSpec
from tests.catalog.old_main import fresh_database, restore_fixture

CHAIN = ["data_owner", "open_data_coordinator", "privacy_reviewer", "final_approver"]
# what the fixture holds (written by make_main_2026_11_schema.py)
FIXTURE_COUNTS = {
    "datasets": 2, "ingest_log": 3, "candidates": 6, "approvals": 10, "versions": 2,
    "audit_log": 23, "credentials": 1, "usage_events": 2, "approval_requests": 5,
}
LEGACY_ENTRIES = 10
PENDING_CANDIDATE = 5
# tables a migration dropped after moving their rows: where the rows went (0013)
MOVED = {"usage_events": "usage_log"}
# the fixture's usage_events as usage_log rows: a download, and an API call that an early
# version recorded there too; no visitor or status was recorded then
MOVED_USAGE = [  # (kind, endpoint, slug, format, status, visitor)
    ("download", "data.csv", "service_requests", "csv", None, None),
    ("api", "/datasets/{slug}", "service_requests", None, None, None),
]


def table_rows(conn: psycopg.Connection, table: str, columns: str = "*") -> list[tuple]:
    return conn.execute(f"SELECT {columns} FROM catalog.{table} ORDER BY 1, 2").fetchall()


AUDIT_CONTENT = "id, at, actor, action, slug, details"


def _without_source_name(spec: dict) -> dict:
    return {**spec, "dbt": {k: v for k, v in spec["dbt"].items() if k != "source_name"}}


@pytest.fixture
def old_main_url(database_url: str) -> str:
    """A database restored from the dump of one made before migrations."""
    url = fresh_database(database_url, f"{ConnectionParts.from_url(database_url).dbname}_old")
    restore_fixture(url)
    return url


def test_upgrade_keeps_every_row_and_rechains_the_audit_log(old_main_url):
    with psycopg.connect(libpq_url(old_main_url), autocommit=True) as conn:
        before = {table: table_rows(conn, table) for table in FIXTURE_COUNTS
                  if table != "audit_log"}
        # later migrations add columns (with defaults): the rows kept are compared on the
        # columns they had
        old_columns = {table: ", ".join(r[0] for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema ="
            " 'catalog' AND table_name = %s ORDER BY ordinal_position", (table,)))
            for table in before}
        audit_before = table_rows(conn, "audit_log", AUDIT_CONTENT)
        old_head = conn.execute(
            "SELECT hash FROM catalog.audit_log ORDER BY id DESC LIMIT 1").fetchone()[0]
        schemes = dict(conn.execute(
            "SELECT scheme, count(*) FROM catalog.audit_log GROUP BY scheme").fetchall())
        published = conn.execute("SELECT count(*) FROM published.service_requests").fetchone()
    assert {table: len(rows) for table, rows in before.items()} == {
        t: n for t, n in FIXTURE_COUNTS.items() if t != "audit_log"}
    assert schemes == {1: LEGACY_ENTRIES, 2: FIXTURE_COUNTS["audit_log"] - LEGACY_ENTRIES}

    applied = upgrade(old_main_url)

    assert [(m.name, m.baseline) for m in applied] == [
        (m.name, m.version == 1) for m in migration_files()]
    with psycopg.connect(libpq_url(old_main_url), autocommit=True) as conn:
        for table, rows in before.items():
            if table in MOVED:
                assert conn.execute("SELECT to_regclass(%s)", (f"catalog.{table}",)
                                    ).fetchone()[0] is None, f"catalog.{table} is dropped"
                continue
            if table == "datasets":  # 0004 drops the unused dbt.source_name from specs
                rows = [(*row[:3], _without_source_name(row[3]), *row[4:]) for row in rows]
            assert table_rows(conn, table, old_columns[table]) == rows, \
                f"catalog.{table} changed"
        # the usage history moved, row for row, into the one usage table
        assert conn.execute(
            "SELECT at, kind, endpoint, slug, format, status, visitor"
            " FROM catalog.usage_log ORDER BY id").fetchall() == [
            (old[1], *moved) for old, moved in zip(before["usage_events"], MOVED_USAGE,
                                                   strict=True)]
        # the API reads the stored specs back with the current spec model
        for (spec,) in conn.execute("SELECT spec FROM catalog.datasets"):
            DatasetSpec.model_validate(spec)
        audit_after = table_rows(conn, "audit_log", AUDIT_CONTENT)
        kept = len(audit_before)
        assert audit_after[:kept] == audit_before, "every audit entry kept, in order"
        rechain = audit_after[kept]
        assert rechain[2:4] == ("schema migration", "audit.rechain")
        assert rechain[5] == {"migration": "0002_single_audit_hash",
                              "previous_head_hash": old_head,
                              "legacy_entries": LEGACY_ENTRIES,
                              "rehashed_entries": FIXTURE_COUNTS["audit_log"]}
        assert verify_audit_chain(conn) == (True, None)
        columns = {r[0] for r in conn.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = 'catalog' AND table_name = 'audit_log'")}
        assert "scheme" not in columns
        legacy = conn.execute("SELECT count(*) FROM pg_proc p JOIN pg_namespace n"
                              " ON n.oid = p.pronamespace WHERE n.nspname = 'catalog'"
                              " AND p.proname LIKE 'legacy%'").fetchone()[0]
        assert legacy == 0
        # a few values as the old code wrote them
        assert conn.execute("SELECT comment FROM catalog.approvals WHERE role ="
                            " 'privacy_reviewer' ORDER BY id LIMIT 1").fetchone()[0] == "Vérifié"
        assert conn.execute("SELECT attention_acknowledged_by, preview->0->>'neighbourhood'"
                            " FROM catalog.candidates WHERE id = 2").fetchone() == (
            "Dana Owner", "Côte-de-Sable")
        assert conn.execute("SELECT details->>'note' FROM catalog.audit_log WHERE id = 5"
                            ).fetchone()[0] == "Quartier « Côte-de-Sable » — données 😀\n\"ok\""
        assert conn.execute("SELECT count(*) FROM published.service_requests").fetchone() \
            == published
        state = status(old_main_url)
        assert [r.name for r in state.applied] == [m.name for m in migration_files()]
        assert state.pending == []

        # the registry keeps working: a decision appends and the chain still holds
        assert record_decision(conn, candidate_id=PENDING_CANDIDATE,
                               role="open_data_coordinator", reviewer="Oren Coordinator",
                               decision="approved", chain=CHAIN) == "pending"
        assert verify_audit_chain(conn) == (True, None)

        # and a formerly scheme-1 entry, edited behind the trigger's back, is caught
        conn.execute("ALTER TABLE catalog.audit_log DISABLE TRIGGER audit_log_append_only")
        conn.execute("UPDATE catalog.audit_log SET details = details || '{\"rows\": 4}'"
                     " WHERE id = 5")
        conn.execute("ALTER TABLE catalog.audit_log ENABLE TRIGGER audit_log_append_only")
        assert verify_audit_chain(conn) == (False, 5)

    assert upgrade(old_main_url) == [], "a second upgrade applies nothing"


def test_api_role_keeps_its_rights_after_the_upgrade(old_main_url):
    upgrade(old_main_url)
    api_url = ConnectionParts.from_url(old_main_url).url(user="civic_api")
    with psycopg.connect(libpq_url(api_url), autocommit=True) as api:
        assert api.execute("SELECT count(*) FROM catalog.versions").fetchone()[0] == 2
        assert api.execute("SELECT count(*) FROM published.service_requests").fetchone()[0] == 3
        for statement in ("SELECT * FROM catalog.audit_log",
                          "SELECT * FROM catalog.schema_migrations",
                          "SELECT * FROM review.candidate_5",
                          "SELECT catalog.append_audit('x', 'y', NULL, '{}')"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                api.execute(statement)
        record_decision(api, candidate_id=PENDING_CANDIDATE, role="open_data_coordinator",
                        reviewer="r", decision="approved", chain=CHAIN)
    with psycopg.connect(libpq_url(old_main_url)) as conn:
        assert verify_audit_chain(conn) == (True, None)


def test_a_broken_chain_stops_the_upgrade_and_changes_nothing(old_main_url):
    with psycopg.connect(libpq_url(old_main_url), autocommit=True) as conn:
        conn.execute("ALTER TABLE catalog.audit_log DISABLE TRIGGER audit_log_append_only")
        conn.execute("UPDATE catalog.audit_log SET actor = 'mallory' WHERE id = 7")
        conn.execute("ALTER TABLE catalog.audit_log ENABLE TRIGGER audit_log_append_only")
        audit_before = table_rows(conn, "audit_log", "id, hash, prev_hash, scheme, actor")

    with pytest.raises(MigrationError, match=r"0002_single_audit_hash.sql failed and was "
                       r"rolled back: the audit log is already broken at entry 7 "
                       r"\(approval.approved"):
        upgrade(old_main_url)

    with psycopg.connect(libpq_url(old_main_url), autocommit=True) as conn:
        assert table_rows(conn, "audit_log", "id, hash, prev_hash, scheme, actor") \
            == audit_before
        trigger = conn.execute("SELECT tgenabled FROM pg_trigger"
                               " WHERE tgname = 'audit_log_append_only'").fetchone()[0]
        assert trigger == "O", "the append-only trigger is on"
    state = status(old_main_url)
    assert [m.name for m in state.applied] == ["0001_initial"]
    assert state.pending[0].name == "0002_single_audit_hash"


SCHEMA_SHAPE = """
SELECT 'column', c.relname || '.' || a.attname,
       a.attnum || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull
       || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE n.nspname = 'catalog' AND a.attnum > 0 AND NOT a.attisdropped
   AND c.relkind IN ('r', 'v') AND c.relname <> 'schema_migrations'
UNION ALL
SELECT 'constraint', c.relname || '.' || k.conname, pg_get_constraintdef(k.oid)
  FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'catalog' AND c.relname <> 'schema_migrations'
UNION ALL
SELECT 'index', indexname, indexdef FROM pg_indexes
 WHERE schemaname = 'catalog' AND tablename <> 'schema_migrations'
UNION ALL
SELECT 'function', p.proname, pg_get_functiondef(p.oid)
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'catalog'
UNION ALL
SELECT 'trigger', t.tgname, pg_get_triggerdef(t.oid) || ' ' || t.tgenabled::text
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'catalog' AND NOT t.tgisinternal
UNION ALL
SELECT 'schema', nspname, '' FROM pg_namespace
 WHERE nspname IN ('raw', 'staging', 'marts', 'review', 'published', 'catalog')
ORDER BY 1, 2, 3
"""


def schema_shape(url: str) -> list[tuple]:
    with psycopg.connect(libpq_url(url)) as conn:
        return conn.execute(SCHEMA_SHAPE).fetchall()


def test_migrations_give_a_fresh_database_the_schema_of_an_upgraded_one(database_url,
                                                                        old_main_url):
    name = f"{ConnectionParts.from_url(database_url).dbname}_fresh"
    fresh = fresh_database(database_url, name)
    upgrade(fresh, target=1)
    assert schema_shape(fresh) == schema_shape(old_main_url), "0001 is the old schema"
    upgrade(fresh)
    upgrade(old_main_url)
    assert schema_shape(fresh) == schema_shape(old_main_url)


def test_an_applied_migration_that_changed_is_refused(database_url, tmp_path):
    directory = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, directory)
    url = fresh_database(database_url, f"{ConnectionParts.from_url(database_url).dbname}_edit")
    upgrade(url, directory=directory)
    edited = directory / "0002_single_audit_hash.sql"
    edited.write_text(edited.read_text() + "\n-- an afterthought\n")

    with pytest.raises(MigrationError, match=r"0002_single_audit_hash\.sql was changed after "
                       r"it was applied to this database"):
        upgrade(url, directory=directory)
    assert [c.migration.name for c in status(url, directory=directory).changed] == [
        "0002_single_audit_hash"]

    following = f"{len(migration_files()) + 1:04d}_next_thing"
    (directory / f"{following}.sql").write_text("CREATE TABLE catalog.next_thing (id int);\n")
    edited.write_text(MIGRATIONS_DIR.joinpath(edited.name).read_text())
    assert [m.name for m in upgrade(url, directory=directory)] == [following]


def test_migration_files_are_numbered_without_gaps(tmp_path):
    assert [m.version for m in migration_files()] == list(range(1, len(migration_files()) + 1))
    (tmp_path / "0001_first.sql").write_text("SELECT 1;")
    (tmp_path / "0003_third.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match="expected 0002 here"):
        migration_files(tmp_path)


def test_processes_starting_together_apply_each_migration_once(database_url):
    # CLI, API and Dagster bootstrap the same database when they start together
    url = fresh_database(database_url, f"{ConnectionParts.from_url(database_url).dbname}_race")
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: bootstrap(url), range(4)))
    applied = sorted((r for r in results if r), key=len)
    assert len(applied) == 1, "one of them applied everything, the others found it done"
    assert [m.name for m in applied[0]] == [m.name for m in migration_files()]
    assert [r.name for r in status(url).applied] == [m.name for m in migration_files()]
