"""Residents talk back: dataset requests (upvoted, answered, linked to the dataset that
fulfils them) and feedback on a dataset. An e-mail given with either is kept only until
the answer is sent (`answered_*` clears it)."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import dict_row

_PUBLIC_REQUEST = ("id, title, description, created_at, upvotes, status, answer, answered_at,"
                   " slug")


async def _one(conn: psycopg.AsyncConnection, query: str, params: tuple) -> dict | None:
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(query, params)
        return await cur.fetchone()


async def _all(conn: psycopg.AsyncConnection, query: str, params: tuple = ()) -> list[dict]:
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(query, params)
        return await cur.fetchall()


async def add_request(conn: psycopg.AsyncConnection, *, title: str, description: str,
                      email: str | None) -> int:
    row = await _one(conn, "INSERT INTO catalog.dataset_requests (title, description, email)"
                           " VALUES (%s, %s, %s) RETURNING id", (title, description, email))
    assert row is not None
    return row["id"]


async def upvote_request(conn: psycopg.AsyncConnection, *, request_id: int) -> bool:
    row = await _one(conn, "UPDATE catalog.dataset_requests SET upvotes = upvotes + 1"
                           " WHERE id = %s RETURNING id", (request_id,))
    return row is not None


async def public_requests(conn: psycopg.AsyncConnection) -> list[dict[str, Any]]:
    """Every request without its e-mail, most wanted first."""
    return await _all(conn, f"SELECT {_PUBLIC_REQUEST} FROM catalog.dataset_requests"
                            " ORDER BY status = 'open' DESC, upvotes DESC, id DESC LIMIT 200")


async def admin_requests(conn: psycopg.AsyncConnection) -> list[dict[str, Any]]:
    return await _all(conn, f"SELECT {_PUBLIC_REQUEST}, email IS NOT NULL AS has_email"
                            " FROM catalog.dataset_requests ORDER BY answered_at IS NULL DESC,"
                            " upvotes DESC, id DESC LIMIT 500")


async def answer_request(conn: psycopg.AsyncConnection, *, request_id: int, answer: str,
                         status: str, slug: str | None) -> dict[str, Any] | None:
    """Record the answer; returns the request with the e-mail to answer (if one was
    given), which is cleared in the same statement."""
    return await _one(
        conn,
        "UPDATE catalog.dataset_requests r SET answer = %s, status = %s, slug = %s,"
        " answered_at = now(), email = NULL FROM (SELECT id, email FROM"
        " catalog.dataset_requests WHERE id = %s FOR UPDATE) old WHERE r.id = old.id"
        " RETURNING r.id, r.title, r.answer, r.status, r.slug, old.email",
        (answer, status, slug, request_id))


async def add_feedback(conn: psycopg.AsyncConnection, *, slug: str, message: str,
                       email: str | None) -> int:
    row = await _one(conn, "INSERT INTO catalog.dataset_feedback (slug, message, email)"
                           " VALUES (%s, %s, %s) RETURNING id", (slug, message, email))
    assert row is not None
    return row["id"]


async def admin_feedback(conn: psycopg.AsyncConnection) -> list[dict[str, Any]]:
    return await _all(conn, "SELECT id, slug, message, created_at, answer, answered_at,"
                            " email IS NOT NULL AS has_email FROM catalog.dataset_feedback"
                            " ORDER BY answered_at IS NULL DESC, id DESC LIMIT 500")


async def answer_feedback(conn: psycopg.AsyncConnection, *, feedback_id: int,
                          answer: str) -> dict[str, Any] | None:
    return await _one(
        conn,
        "UPDATE catalog.dataset_feedback f SET answer = %s, answered_at = now(), email = NULL"
        " FROM (SELECT id, email FROM catalog.dataset_feedback WHERE id = %s FOR UPDATE) old"
        " WHERE f.id = old.id RETURNING f.id, f.slug, f.message, f.answer, old.email",
        (answer, feedback_id))
