"""`catalog.versions`: the immutable published versions of each dataset."""

from __future__ import annotations

import json
from typing import Any

import psycopg

from catalog.audit import append_audit
from catalog.candidates import Candidate, document_json
from catalog.rows import one_row


def next_version(conn: psycopg.Connection, *, slug: str) -> int:
    row = one_row(conn.execute(
        "SELECT coalesce(max(version), 0) + 1 FROM catalog.versions WHERE slug = %s", (slug,)
    ))
    return row[0]


def has_publication(conn: psycopg.Connection, *, slug: str) -> bool:
    return conn.execute("SELECT 1 FROM catalog.versions WHERE slug = %s LIMIT 1",
                        (slug,)).fetchone() is not None


def latest_version_summary(conn: psycopg.Connection, *, slug: str) -> dict[str, Any] | None:
    """version, row_count, quality, dictionary, risk and table_name (in `published`) of the
    newest version (what a new candidate is compared with), or None before the first
    publication."""
    row = conn.execute(
        "SELECT version, row_count, quality, dictionary, risk, table_name FROM catalog.versions"
        " WHERE slug = %s ORDER BY version DESC LIMIT 1", (slug,)).fetchone()
    if not row:
        return None
    return {"version": row[0], "row_count": row[1], "quality": row[2], "dictionary": row[3],
            "risk": row[4], "table_name": row[5]}


def risk_history(conn: psycopg.Connection, *, slug: str) -> list[dict[str, Any]]:
    """Every published version's risk, oldest first: {version, published_at, risk}."""
    rows = conn.execute(
        "SELECT version, published_at, risk FROM catalog.versions WHERE slug = %s"
        " ORDER BY version", (slug,)).fetchall()
    return [{"version": r[0], "published_at": r[1], "risk": r[2]} for r in rows]


def record_version(
    conn: psycopg.Connection, *, slug: str, version: int, candidate: Candidate,
    table_name: str, files: dict[str, Any] | None = None,
) -> None:
    conn.execute(
        "INSERT INTO catalog.versions (slug, version, candidate_id, table_name, row_count,"
        " columns, quality, dictionary, dcat, files, risk)"
        " VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
        (slug, version, candidate.id, table_name, candidate.row_count,
         json.dumps(candidate.columns), document_json(candidate.quality),
         document_json(candidate.dictionary), document_json(candidate.dcat),
         document_json(files), document_json(candidate.risk)),
    )
    conn.execute("UPDATE catalog.candidates SET status = 'published' WHERE id = %s",
                 (candidate.id,))
    append_audit(conn, actor="pipeline", action="publish", slug=slug,
                 details={"candidate_id": candidate.id, "version": version,
                          "table": table_name, "rows": candidate.row_count})
