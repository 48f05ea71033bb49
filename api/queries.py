"""Every SQL statement the API runs. Keyword-only functions, parameterized SQL only;
identifiers come from the catalogue, never from the request."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row


def list_published(conn: psycopg.Connection) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            "SELECT DISTINCT ON (v.slug) v.slug, d.title_en, d.title_fr, d.spec,"
            " v.version, v.row_count, v.published_at"
            " FROM catalog.versions v JOIN catalog.datasets d ON d.slug = v.slug"
            " ORDER BY v.slug, v.version DESC"
        ).fetchall()


def get_dataset(conn: psycopg.Connection, *, slug: str) -> dict[str, Any] | None:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            "SELECT slug, title_en, title_fr, spec FROM catalog.datasets WHERE slug = %s",
            (slug,),
        ).fetchone()


_VERSION_COLUMNS = ("slug, version, table_name, row_count, columns, quality, dictionary, dcat,"
                    " files, published_at")


def list_versions(conn: psycopg.Connection, *, slug: str) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            f"SELECT {_VERSION_COLUMNS} FROM catalog.versions WHERE slug = %s"
            " ORDER BY version DESC",
            (slug,),
        ).fetchall()


def get_version(conn: psycopg.Connection, *, slug: str,
                version: int | None = None) -> dict[str, Any] | None:
    """One published version, or the latest when `version` is None."""
    query = f"SELECT {_VERSION_COLUMNS} FROM catalog.versions WHERE slug = %s"
    params: tuple = (slug,)
    if version is not None:
        query += " AND version = %s"
        params += (version,)
    query += " ORDER BY version DESC LIMIT 1"
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(query, params).fetchone()


def _where(filters: dict[str, str]) -> tuple[sql.Composable, list[Any]]:
    if not filters:
        return sql.SQL(""), []
    clauses = [sql.SQL("{}::text = %s").format(sql.Identifier(col)) for col in filters]
    return sql.SQL(" WHERE ") + sql.SQL(" AND ").join(clauses), list(filters.values())


def page_rows(conn: psycopg.Connection, *, table: str, order_by: str | None, limit: int,
              offset: int, filters: dict[str, str]) -> tuple[int, list[dict[str, Any]]]:
    """(matching row count, one page of rows) of a published version table."""
    where, params = _where(filters)
    target = sql.SQL("published.{}").format(sql.Identifier(table))
    order = sql.SQL(" ORDER BY {}").format(sql.Identifier(order_by)) if order_by else sql.SQL("")
    with conn.cursor(row_factory=dict_row) as cur:
        total = cur.execute(sql.SQL("SELECT count(*) AS n FROM {}{}").format(target, where),
                            params).fetchone()["n"]
        rows = cur.execute(
            sql.SQL("SELECT * FROM {}{}{} LIMIT %s OFFSET %s").format(target, where, order),
            [*params, limit, offset],
        ).fetchall()
    return total, rows


def list_published_specs(conn: psycopg.Connection) -> list[dict[str, Any]]:
    """slug and spec of every dataset with at least one published version."""
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            "SELECT d.slug, d.spec FROM catalog.datasets d WHERE EXISTS"
            " (SELECT 1 FROM catalog.versions v WHERE v.slug = d.slug) ORDER BY d.slug"
        ).fetchall()


def list_all_versions(conn: psycopg.Connection) -> list[dict[str, Any]]:
    """Every published version of every dataset (what the DCAT catalogue describes)."""
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            "SELECT slug, version, row_count, columns, dcat, files, published_at"
            " FROM catalog.versions ORDER BY slug, version"
        ).fetchall()


def record_usage(conn: psycopg.Connection, *, slug: str, path: str, fmt: str | None) -> None:
    conn.execute("INSERT INTO catalog.usage_events (slug, path, format) VALUES (%s, %s, %s)",
                 (slug, path, fmt))


def get_review_request(conn: psycopg.Connection, *, token_hash: str) -> dict[str, Any] | None:
    """The approval request a reviewer's link names, with its candidate's reports (never
    its data: only the stored 20-row anonymized preview)."""
    with conn.cursor(row_factory=dict_row) as cur:
        found = cur.execute(
            "SELECT r.id AS request_id, r.role, r.chain, r.title, r.sent_to, r.created_at,"
            " c.id AS candidate_id, c.slug, c.row_count, c.status, c.checks_passed,"
            " c.needs_attention, c.attention_acknowledged_by, c.columns, c.checks,"
            " c.quality, c.anonymization, c.preview, c.created_at AS candidate_created_at"
            " FROM catalog.approval_requests r"
            " JOIN catalog.candidates c ON c.id = r.candidate_id"
            " WHERE r.token_hash = %s AND r.kind = 'approval'",
            (token_hash,),
        ).fetchone()
        if found is None:
            return None
        found["decisions"] = cur.execute(
            "SELECT role, reviewer, decision, comment, decided_at FROM catalog.approvals"
            " WHERE candidate_id = %s ORDER BY id", (found["candidate_id"],),
        ).fetchall()
    return found
