"""The audit log on real PostgreSQL: hash-chained, append-only, tampering detected."""

import psycopg
import pytest

from catalog.audit import append_audit, verify_audit_chain


def test_audit_log_is_hash_chained_and_append_only(conn):
    append_audit(conn, actor="tester", action="test.one", slug="x", details={"n": 1})
    append_audit(conn, actor="tester", action="test.two", slug="x", details={"n": 2})
    assert verify_audit_chain(conn) == (True, None)
    with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
        conn.execute("UPDATE catalog.audit_log SET actor = 'mallory'")
    with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
        conn.execute("DELETE FROM catalog.audit_log")


def test_tampering_breaks_the_chain(conn):
    append_audit(conn, actor="tester", action="test.tamper", slug="x")
    conn.execute("ALTER TABLE catalog.audit_log DISABLE TRIGGER audit_log_append_only")
    try:
        first, actor = conn.execute(
            "SELECT id, actor FROM catalog.audit_log ORDER BY id LIMIT 1").fetchone()
        conn.execute("UPDATE catalog.audit_log SET actor = 'mallory' WHERE id = %s", (first,))
        intact, broken = verify_audit_chain(conn)
        assert not intact and broken == first
    finally:
        conn.execute("UPDATE catalog.audit_log SET actor = %s WHERE id = %s", (actor, first))
        conn.execute("ALTER TABLE catalog.audit_log ENABLE TRIGGER audit_log_append_only")
    assert verify_audit_chain(conn) == (True, None)
