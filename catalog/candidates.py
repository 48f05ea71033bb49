"""`catalog.candidates`: each anonymized table in `review` that waits for approval, with
its reports (checks, quality, dictionary, DCAT, anonymization) and a small preview."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from catalog.rows import one_row


@dataclass(frozen=True)
class Candidate:
    id: int
    slug: str
    table_name: str
    row_count: int
    status: str
    checks_passed: bool | None
    needs_attention: bool
    attention_acknowledged_by: str | None
    created_at: datetime
    columns: list[dict[str, Any]]
    anonymization: dict[str, Any]
    dictionary: dict[str, Any]
    quality: dict[str, Any]
    checks: dict[str, Any]
    dcat: dict[str, Any]
    # re-identification risk of the release (see civic_assets/candidate/release_risk.py)
    risk: dict[str, Any]


_CANDIDATE_COLUMNS = (
    "id, slug, table_name, row_count, status, checks_passed, needs_attention,"
    " attention_acknowledged_by, created_at, columns, anonymization, dictionary, quality,"
    " checks, dcat, risk"
)


def document_json(value: dict[str, Any] | None) -> str:
    """A report as stored in a jsonb column: `{}` when there is none."""
    return json.dumps(value or {}, default=str)


def create_candidate(
    conn: psycopg.Connection, *, slug: str, table_name: str, row_count: int,
    columns: list[dict[str, Any]], anonymization: dict[str, Any] | None = None,
    dictionary: dict[str, Any] | None = None, quality: dict[str, Any] | None = None,
    dcat: dict[str, Any] | None = None, run_id: str | None = None,
    preview: list[dict[str, Any]] | None = None, risk: dict[str, Any] | None = None,
) -> int:
    row = one_row(conn.execute(
        "INSERT INTO catalog.candidates (slug, table_name, row_count, columns, anonymization,"
        " dictionary, quality, dcat, dagster_run_id, preview, risk)"
        " VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)"
        " RETURNING id",
        (slug, table_name, row_count, json.dumps(columns), document_json(anonymization),
         document_json(dictionary), document_json(quality), document_json(dcat), run_id,
         json.dumps(preview or [], default=str), document_json(risk)),
    ))
    return row[0]


def set_candidate_table(conn: psycopg.Connection, *, candidate_id: int,
                        table_name: str) -> None:
    """Name the `review` table once it is written (its name carries the candidate's id)."""
    conn.execute("UPDATE catalog.candidates SET table_name = %s WHERE id = %s",
                 (table_name, candidate_id))


def supersede_pending_candidates(conn: psycopg.Connection, *, slug: str,
                                 newer_than: int) -> None:
    """Older pending candidates of a dataset can no longer be approved once a newer one
    (id `newer_than`) exists."""
    conn.execute(
        "UPDATE catalog.candidates SET status = 'superseded'"
        " WHERE slug = %s AND status = 'pending' AND id <> %s", (slug, newer_than))


def record_checks(conn: psycopg.Connection, *, candidate_id: int, passed: bool,
                  checks: dict[str, Any], needs_attention: bool = False) -> None:
    conn.execute(
        "UPDATE catalog.candidates SET checks_passed = %s, checks = %s, needs_attention = %s"
        " WHERE id = %s",
        (passed, document_json(checks), needs_attention, candidate_id),
    )


def update_candidate_documents(conn: psycopg.Connection, *, candidate_id: int,
                               **documents: dict[str, Any]) -> None:
    """Store JSON documents (quality, dictionary, dcat, anonymization) on a candidate."""
    allowed = {"quality", "dictionary", "dcat", "anonymization"}
    for name, value in documents.items():
        if name not in allowed:
            raise ValueError(f"unknown candidate document {name!r}")
        conn.execute(
            sql.SQL("UPDATE catalog.candidates SET {} = %s WHERE id = %s").format(
                sql.Identifier(name)),
            (document_json(value), candidate_id),
        )


def get_candidate(conn: psycopg.Connection, candidate_id: int) -> Candidate | None:
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(
            f"SELECT {_CANDIDATE_COLUMNS} FROM catalog.candidates WHERE id = %s", (candidate_id,)
        ).fetchone()
    return Candidate(**row) if row else None


def latest_candidate(conn: psycopg.Connection, *, slug: str) -> Candidate | None:
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(
            f"SELECT {_CANDIDATE_COLUMNS} FROM catalog.candidates WHERE slug = %s"
            " ORDER BY id DESC LIMIT 1", (slug,)
        ).fetchone()
    return Candidate(**row) if row else None
