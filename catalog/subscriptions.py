"""E-mail subscriptions to a dataset's publications (`catalog.subscriptions`), and the
record of the change notices sent (`catalog.publication_notices`).

Double opt-in: `request_subscription` stores a pending address and returns the token the
confirmation mail carries; only `confirm_subscription` makes it receive notices. The
same token unsubscribes, which deletes the address."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import psycopg
from psycopg.rows import dict_row

# a second request for the same pending address re-sends the confirmation at most this often
RESEND_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class SubscriptionRequest:
    token: str
    # False when the address is already confirmed, or was invited too recently
    send_confirmation: bool
    already_confirmed: bool


async def request_subscription(conn: psycopg.AsyncConnection, *, slug: str,
                               email: str) -> SubscriptionRequest:
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            "INSERT INTO catalog.subscriptions (slug, email, token) VALUES (%s, %s, %s)"
            " ON CONFLICT (slug, email) DO UPDATE SET invited_at = CASE"
            "   WHEN subscriptions.confirmed_at IS NULL"
            "    AND subscriptions.invited_at < now() - %s THEN now()"
            "   ELSE subscriptions.invited_at END"
            " RETURNING token, confirmed_at IS NOT NULL AS confirmed,"
            "  (xmax = 0 OR invited_at = now()) AS invite",
            (slug, email, secrets.token_urlsafe(32), RESEND_AFTER))
        row = await cur.fetchone()
    assert row is not None
    return SubscriptionRequest(row["token"], bool(row["invite"]) and not row["confirmed"],
                               bool(row["confirmed"]))


async def confirm_subscription(conn: psycopg.AsyncConnection, *,
                               token: str) -> dict[str, Any] | None:
    """The subscription of `token`, now confirmed; None for an unknown token."""
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            "UPDATE catalog.subscriptions SET confirmed_at = coalesce(confirmed_at, now())"
            " WHERE token = %s RETURNING slug, email", (token,))
        return await cur.fetchone()


async def find_subscription(conn: psycopg.AsyncConnection, *,
                            token: str) -> dict[str, Any] | None:
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute("SELECT slug, email, confirmed_at FROM catalog.subscriptions"
                          " WHERE token = %s", (token,))
        return await cur.fetchone()


async def delete_subscription(conn: psycopg.AsyncConnection, *, token: str) -> str | None:
    """Forget the address of `token`; the dataset's slug, or None if it was unknown."""
    async with conn.cursor() as cur:
        await cur.execute("DELETE FROM catalog.subscriptions WHERE token = %s RETURNING slug",
                          (token,))
        row = await cur.fetchone()
    return row[0] if row else None


def confirmed_subscribers(conn: psycopg.Connection, *, slug: str) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            "SELECT email, token FROM catalog.subscriptions"
            " WHERE slug = %s AND confirmed_at IS NOT NULL ORDER BY id", (slug,)).fetchall()


def publications_after(conn: psycopg.Connection, *, after_id: str | None,
                       limit: int = 100) -> list[dict[str, Any]]:
    """Published versions in publication order, after the cursor `after_id`
    ("<published_at ISO>|<slug>|<version>"), for the notice sensor."""
    query = ("SELECT slug, version, published_at FROM catalog.versions")
    params: tuple = ()
    if after_id:
        moment, slug, version = after_id.split("|")
        query += " WHERE (published_at, slug, version) > (%s::timestamptz, %s, %s)"
        params = (moment, slug, int(version))
    query += " ORDER BY published_at, slug, version LIMIT %s"
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(query, (*params, limit)).fetchall()


def version_change(conn: psycopg.Connection, *, slug: str, version: int) -> dict[str, Any]:
    """What a version changed against the one before it: record counts and columns."""
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(
            "SELECT d.title_en, d.title_fr, v.version, v.row_count, v.columns"
            " FROM catalog.versions v JOIN catalog.datasets d ON d.slug = v.slug"
            " WHERE v.slug = %s AND v.version <= %s ORDER BY v.version DESC LIMIT 2",
            (slug, version)).fetchall()
    if not rows or rows[0]["version"] != version:
        raise LookupError(f"dataset '{slug}' has no published version {version}")
    current = rows[0]
    before = rows[1] if len(rows) > 1 else None
    names = [c["name"] for c in current["columns"]]
    old = [c["name"] for c in before["columns"]] if before else []
    return {"title_en": current["title_en"], "title_fr": current["title_fr"],
            "version": version, "row_count": current["row_count"],
            "previous_row_count": before["row_count"] if before else None,
            "columns_added": [n for n in names if n not in old] if before else [],
            "columns_removed": [n for n in old if n not in names]}


def record_notice(conn: psycopg.Connection, *, slug: str, version: int,
                  recipients: int) -> None:
    conn.execute("INSERT INTO catalog.publication_notices (slug, version, recipients)"
                 " VALUES (%s, %s, %s) ON CONFLICT (slug, version) DO UPDATE"
                 " SET recipients = excluded.recipients, sent_at = now()",
                 (slug, version, recipients))
