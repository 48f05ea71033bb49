"""What the public API reads from the catalogue: published datasets and their versions.
Only tables the API's read-only role (`civic_api`) may SELECT."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

_LIST_PUBLISHED = (
    "SELECT DISTINCT ON (v.slug) v.slug, d.title_en, d.title_fr, d.spec,"
    " v.version, v.row_count, v.published_at"
    " FROM catalog.versions v JOIN catalog.datasets d ON d.slug = v.slug"
    " ORDER BY v.slug, v.version DESC")
_GET_DATASET = "SELECT slug, title_en, title_fr, spec FROM catalog.datasets WHERE slug = %s"
_VERSION_COLUMNS = ("slug, version, table_name, row_count, columns, quality, dictionary, dcat,"
                    " files, published_at, provenance")
_LIST_VERSIONS = (f"SELECT {_VERSION_COLUMNS} FROM catalog.versions WHERE slug = %s"
                  " ORDER BY version DESC")
_LATEST_VERSION_NUMBER = "SELECT max(version) FROM catalog.versions WHERE slug = %s"


def _version_query(slug: str, version: int | None) -> tuple[str, tuple]:
    query = f"SELECT {_VERSION_COLUMNS} FROM catalog.versions WHERE slug = %s"
    params: tuple = (slug,)
    if version is not None:
        query += " AND version = %s"
        params += (version,)
    return query + " ORDER BY version DESC LIMIT 1", params


def list_published(conn: psycopg.Connection) -> list[dict[str, Any]]:
    """The latest version of every published dataset, with its titles and spec."""
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(_LIST_PUBLISHED).fetchall()


def get_dataset(conn: psycopg.Connection, *, slug: str) -> dict[str, Any] | None:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(_GET_DATASET, (slug,)).fetchone()


def list_versions(conn: psycopg.Connection, *, slug: str) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(_LIST_VERSIONS, (slug,)).fetchall()


def get_version(conn: psycopg.Connection, *, slug: str,
                version: int | None = None) -> dict[str, Any] | None:
    """One published version, or the latest when `version` is None."""
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(*_version_query(slug, version)).fetchone()


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
            "SELECT slug, version, row_count, columns, dcat, files, published_at, provenance"
            " FROM catalog.versions ORDER BY slug, version"
        ).fetchall()


# ---- the same reads on an async connection, for the API's async routes


async def list_published_async(conn: psycopg.AsyncConnection) -> list[dict[str, Any]]:
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(_LIST_PUBLISHED)
        return await cur.fetchall()


async def get_dataset_async(conn: psycopg.AsyncConnection, *,
                            slug: str) -> dict[str, Any] | None:
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(_GET_DATASET, (slug,))
        return await cur.fetchone()


async def list_versions_async(conn: psycopg.AsyncConnection, *,
                              slug: str) -> list[dict[str, Any]]:
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(_LIST_VERSIONS, (slug,))
        return await cur.fetchall()


async def get_version_async(conn: psycopg.AsyncConnection, *, slug: str,
                            version: int | None = None) -> dict[str, Any] | None:
    """One published version, or the latest when `version` is None."""
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(*_version_query(slug, version))
        return await cur.fetchone()


def latest_version_number_sql() -> sql.SQL:
    """The same lookup as a scalar subquery with one placeholder (the slug), for a
    statement of the API that checks, in its own round trip and snapshot, that the
    version it read is still the latest."""
    return sql.SQL("(" + _LATEST_VERSION_NUMBER + ")")


async def latest_version_number_async(conn: psycopg.AsyncConnection, *,
                                      slug: str) -> int | None:
    """The number of a dataset's latest published version (one index probe)."""
    async with conn.cursor() as cur:
        await cur.execute(_LATEST_VERSION_NUMBER, (slug,))
        row = await cur.fetchone()
    return row[0] if row else None
