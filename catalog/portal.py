"""What the portal pages read from the catalogue: full-text search over the published
datasets (`catalog.search_documents`, kept by triggers) and download counts."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import dict_row

# both languages and plain words: a French query is stemmed as French, an English one as
# English, and a column name matches as it is written
_QUERY = ("(websearch_to_tsquery('english', %(q)s) || websearch_to_tsquery('french', %(q)s)"
          " || websearch_to_tsquery('simple', %(q)s))")

_PUBLISHED = """
SELECT DISTINCT ON (v.slug) v.slug, d.title_en, d.title_fr, d.spec, v.version, v.row_count,
       v.table_name, v.columns, v.quality, v.dcat, v.files, v.published_at,
       coalesce(u.downloads, 0) AS downloads, {rank} AS rank
  FROM catalog.versions v
  JOIN catalog.datasets d ON d.slug = v.slug
  LEFT JOIN catalog.search_documents s ON s.slug = v.slug
  LEFT JOIN (SELECT slug, count(*) AS downloads FROM catalog.usage_log
              WHERE kind = 'download' GROUP BY slug) u ON u.slug = v.slug
 WHERE {condition}
 ORDER BY v.slug, v.version DESC
"""


async def search_published_async(conn: psycopg.AsyncConnection, *,
                                 text: str | None) -> list[dict[str, Any]]:
    """The latest version of every published dataset matching `text` (all of them when
    it is empty), each with its rank for the text and its download count."""
    if text and text.strip():
        statement = _PUBLISHED.format(rank=f"ts_rank(s.document, {_QUERY})",
                                      condition=f"s.document @@ {_QUERY}")
        params: dict[str, Any] = {"q": text.strip()}
    else:
        statement = _PUBLISHED.format(rank="0.0", condition="true")
        params = {}
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(statement, params)
        return await cur.fetchall()


async def version_review_async(conn: psycopg.AsyncConnection, *, slug: str,
                               version: int) -> dict[str, Any] | None:
    """What was reviewed before a version was published: its candidate's anonymization
    report, checks and Dagster run, the reviewers' decisions in order, and the
    provenance stored with the version (migration 0007)."""
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            "SELECT c.id AS candidate_id, c.anonymization, c.checks, c.dagster_run_id,"
            " c.created_at, v.provenance,"
            " coalesce((SELECT jsonb_agg(jsonb_build_object('role', a.role, 'reviewer',"
            "   a.reviewer, 'decision', a.decision, 'decided_at', a.decided_at)"
            "   ORDER BY a.id) FROM catalog.approvals a WHERE a.candidate_id = c.id),"
            "  '[]'::jsonb) AS decisions"
            " FROM catalog.versions v JOIN catalog.candidates c ON c.id = v.candidate_id"
            " WHERE v.slug = %s AND v.version = %s", (slug, version))
        return await cur.fetchone()
