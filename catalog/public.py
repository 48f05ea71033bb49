"""What the public API reads from the catalogue: published datasets and their versions.
Only tables the API's read-only role (`civic_api`) may SELECT."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import dict_row


def list_published(conn: psycopg.Connection) -> list[dict[str, Any]]:
    """The latest version of every published dataset, with its titles and spec."""
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
