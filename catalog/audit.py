"""The append-only, hash-chained audit log: every anonymization step, decision and
publication, each entry's hash covering the one before it."""

from __future__ import annotations

import json
from typing import Any

import psycopg

from catalog.rows import one_row

GENESIS_HASH = "0" * 64


def canonical_json(details: dict[str, Any]) -> str:
    return json.dumps(details, sort_keys=True, default=str, separators=(",", ":"))


def append_audit(
    conn: psycopg.Connection, *, actor: str, action: str, slug: str | None,
    details: dict[str, Any] | None = None,
) -> str:
    """Append one entry to the hash-chained audit log and return its hash.

    Each hash covers the previous hash, so editing or deleting any past entry breaks
    every later link (see `verify_audit_chain`). The hashing lives in SQL
    (`catalog.append_audit`) so that decisions recorded there chain the same way.
    """
    row = one_row(conn.execute(
        "SELECT catalog.append_audit(%s, %s, %s, %s::jsonb)",
        (actor, action, slug, canonical_json(details or {})),
    ))
    return row[0]


def verify_audit_chain(conn: psycopg.Connection) -> tuple[bool, int | None]:
    """Recompute every link with `catalog.audit_hash`, the function that wrote it;
    return (intact, id of the first broken entry)."""
    row = conn.execute(
        "SELECT id FROM (SELECT id, prev_hash, hash,"
        "   lag(hash, 1, %s) OVER (ORDER BY id) AS linked_hash,"
        "   catalog.audit_hash(prev_hash, at, actor, action, slug, details) AS computed_hash"
        "   FROM catalog.audit_log) AS entries"
        " WHERE prev_hash <> linked_hash OR hash <> computed_hash"
        " ORDER BY id LIMIT 1",
        (GENESIS_HASH,),
    ).fetchone()
    return (True, None) if row is None else (False, row[0])
