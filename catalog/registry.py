"""The catalogue registry in PostgreSQL: bootstrap, audit log, candidates, approvals,
versions. Keyword-only functions over a psycopg connection; parameterized SQL only."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from catalog.database import API_ROLE, ConnectionParts, ensure_database, libpq_url

SQL_DIR = Path(__file__).parent / "sql"
GENESIS_HASH = "0" * 64


class ApprovalError(RuntimeError):
    """A candidate may not be published: its approval chain is incomplete or it failed."""


def bootstrap(url: str) -> None:
    """Create the database, schemas, registry tables and the API's read-only role."""
    ensure_database(url)
    parts = ConnectionParts.from_url(url)
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        # serialize concurrent bootstraps (CLI, API and Dagster may start together)
        conn.execute("SELECT pg_advisory_lock(hashtext('civic.bootstrap'))")
        try:
            conn.execute((SQL_DIR / "registry.sql").read_text())
            role_exists = conn.execute(
                "SELECT 1 FROM pg_roles WHERE rolname = %s", (API_ROLE,)
            ).fetchone()
            if not role_exists:
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(API_ROLE)))
            grants = (SQL_DIR / "api_role.sql").read_text()
            conn.execute(grants.replace("{role}", API_ROLE).replace("{database}", parts.dbname))
        finally:
            conn.execute("SELECT pg_advisory_unlock(hashtext('civic.bootstrap'))")


def _utc(moment: datetime) -> str:
    # the session's TimeZone must not change a hash
    return moment.astimezone(UTC).isoformat()


def _canonical(details: dict[str, Any]) -> str:
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
    row = conn.execute(
        "SELECT catalog.append_audit(%s, %s, %s, %s::jsonb)",
        (actor, action, slug, _canonical(details or {})),
    ).fetchone()
    return row[0]


def verify_audit_chain(conn: psycopg.Connection) -> tuple[bool, int | None]:
    """Recompute every link; return (intact, id of the first broken entry).

    Scheme 1 entries were hashed in Python (below); scheme 2 entries by
    `catalog.append_audit`, recomputed here with the same SQL function.
    """
    prev = GENESIS_HASH
    rows = conn.execute(
        "SELECT id, at, actor, action, slug, details, prev_hash, hash, scheme,"
        " catalog.audit_hash(prev_hash, at, actor, action, slug, details)"
        " FROM catalog.audit_log ORDER BY id"
    )
    for id_, at, actor, action, slug, details, prev_hash, digest, scheme, sql_digest in rows:
        if scheme == 1:
            payload = "|".join([prev, _utc(at), actor, action, slug or "", _canonical(details)])
            expected = hashlib.sha256(payload.encode()).hexdigest()
        else:
            expected = sql_digest
        if prev_hash != prev or expected != digest:
            return False, id_
        prev = digest
    return True, None


def upsert_dataset(conn: psycopg.Connection, *, slug: str, title_en: str | None,
                   title_fr: str | None, spec: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO catalog.datasets (slug, title_en, title_fr, spec) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT (slug) DO UPDATE SET title_en = EXCLUDED.title_en,"
        " title_fr = EXCLUDED.title_fr, spec = EXCLUDED.spec, updated_at = now()",
        (slug, title_en, title_fr, json.dumps(spec, default=str)),
    )


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


_CANDIDATE_COLUMNS = (
    "id, slug, table_name, row_count, status, checks_passed, needs_attention,"
    " attention_acknowledged_by, created_at, columns, anonymization, dictionary, quality,"
    " checks, dcat"
)


def create_candidate(
    conn: psycopg.Connection, *, slug: str, table_name: str, row_count: int,
    columns: list[dict[str, Any]], anonymization: dict[str, Any] | None = None,
    dictionary: dict[str, Any] | None = None, quality: dict[str, Any] | None = None,
    dcat: dict[str, Any] | None = None, run_id: str | None = None,
    preview: list[dict[str, Any]] | None = None,
) -> int:
    row = conn.execute(
        "INSERT INTO catalog.candidates (slug, table_name, row_count, columns, anonymization,"
        " dictionary, quality, dcat, dagster_run_id, preview)"
        " VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)"
        " RETURNING id",
        (slug, table_name, row_count, json.dumps(columns), _json(anonymization),
         _json(dictionary), _json(quality), _json(dcat), run_id,
         json.dumps(preview or [], default=str)),
    ).fetchone()
    return row[0]


def _json(value: dict[str, Any] | None) -> str:
    return json.dumps(value or {}, default=str)


def record_checks(conn: psycopg.Connection, *, candidate_id: int, passed: bool,
                  checks: dict[str, Any], needs_attention: bool = False) -> None:
    conn.execute(
        "UPDATE catalog.candidates SET checks_passed = %s, checks = %s, needs_attention = %s"
        " WHERE id = %s",
        (passed, _json(checks), needs_attention, candidate_id),
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
            (_json(value), candidate_id),
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


def _approval_refusal(error: psycopg.errors.RaiseException) -> ApprovalError | None:
    if error.diag.message_hint == "civic.approval":
        return ApprovalError(error.diag.message_primary)
    return None


def record_decision(
    conn: psycopg.Connection, *, candidate_id: int, role: str, reviewer: str,
    decision: str, comment: str | None = None, chain: list[str],
) -> str:
    """Record one reviewer's decision and append it to the audit log; return the
    candidate's status afterwards.

    The rule (chain order, checks passed, flagged changes acknowledged, a rejection ends
    the chain) lives in SQL, `catalog.record_decision`, shared by the CLI, the pipeline and
    the approval pages; a refusal raises ApprovalError with its message.
    """
    try:
        with conn.transaction():
            row = conn.execute(
                "SELECT catalog.record_decision(%s, %s, %s, %s, %s, %s::text[])",
                (candidate_id, role, reviewer, decision, comment, list(chain)),
            ).fetchone()
    except psycopg.errors.RaiseException as error:
        refusal = _approval_refusal(error)
        if refusal is None:
            raise
        raise refusal from None
    return row[0]


def acknowledge_attention(conn: psycopg.Connection, *, candidate_id: int,
                          reviewer: str) -> None:
    """Record that `reviewer` saw the changes flagged on a pending candidate."""
    try:
        with conn.transaction():
            conn.execute("SELECT catalog.acknowledge_attention(%s, %s)",
                         (candidate_id, reviewer))
    except psycopg.errors.RaiseException as error:
        refusal = _approval_refusal(error)
        if refusal is None:
            raise
        raise refusal from None


def approved_roles(conn: psycopg.Connection, *, candidate_id: int) -> set[str]:
    rows = conn.execute(
        "SELECT role FROM catalog.approvals WHERE candidate_id = %s AND decision = 'approved'",
        (candidate_id,),
    ).fetchall()
    return {r[0] for r in rows}


def assert_publishable(conn: psycopg.Connection, *, candidate_id: int,
                       chain: list[str]) -> Candidate:
    """Raise ApprovalError unless every role of the chain approved a passing candidate."""
    candidate = get_candidate(conn, candidate_id)
    if candidate is None:
        raise ApprovalError(f"candidate {candidate_id} does not exist")
    if candidate.status == "published":
        raise ApprovalError(f"candidate {candidate_id} of '{candidate.slug}' is already published")
    if candidate.checks_passed is not True:
        raise ApprovalError(
            f"candidate {candidate_id} of '{candidate.slug}' has not passed its checks; "
            "it cannot be published")
    missing = [role for role in chain if role not in approved_roles(conn, candidate_id=candidate_id)]
    if missing or candidate.status != "approved":
        raise ApprovalError(
            f"candidate {candidate_id} of '{candidate.slug}' is not approved: missing "
            f"approval from {', '.join(missing) or 'the chain'}; refusing to publish")
    return candidate


def approved_unpublished_candidates(conn: psycopg.Connection) -> list[tuple[int, str]]:
    """(candidate id, slug) of every approved candidate without a published version."""
    return [tuple(r) for r in conn.execute(
        "SELECT c.id, c.slug FROM catalog.candidates c"
        " LEFT JOIN catalog.versions v ON v.candidate_id = c.id"
        " WHERE c.status = 'approved' AND v.candidate_id IS NULL ORDER BY c.id"
    ).fetchall()]


def next_version(conn: psycopg.Connection, *, slug: str) -> int:
    row = conn.execute(
        "SELECT coalesce(max(version), 0) + 1 FROM catalog.versions WHERE slug = %s", (slug,)
    ).fetchone()
    return row[0]


def record_version(
    conn: psycopg.Connection, *, slug: str, version: int, candidate: Candidate,
    table_name: str, files: dict[str, Any] | None = None,
) -> None:
    conn.execute(
        "INSERT INTO catalog.versions (slug, version, candidate_id, table_name, row_count,"
        " columns, quality, dictionary, dcat, files) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
        (slug, version, candidate.id, table_name, candidate.row_count,
         json.dumps(candidate.columns), _json(candidate.quality), _json(candidate.dictionary),
         _json(candidate.dcat), _json(files)),
    )
    conn.execute("UPDATE catalog.candidates SET status = 'published' WHERE id = %s",
                 (candidate.id,))
    append_audit(conn, actor="pipeline", action="publish", slug=slug,
                 details={"candidate_id": candidate.id, "version": version,
                          "table": table_name, "rows": candidate.row_count})
