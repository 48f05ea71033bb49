"""Publishing an approved candidate: a new immutable version table, and the dataset's
view in `published` swapped to it, all in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql

from metadata.registry import (
    ApprovalError,
    assert_publishable,
    latest_candidate,
    next_version,
    record_version,
    upsert_dataset,
)
from metadata.specs import DatasetSpec


@dataclass(frozen=True)
class PublishedVersion:
    slug: str
    version: int
    candidate_id: int
    table_name: str
    row_count: int


def version_table_name(slug: str, version: int) -> str:
    return f"{slug}__v{version}"


def resolve_candidate_id(conn: psycopg.Connection, spec: DatasetSpec, candidate_id: int) -> int:
    """0 means the newest candidate of the dataset (what a hand-started run publishes)."""
    if candidate_id:
        return candidate_id
    candidate = latest_candidate(conn, slug=spec.slug)
    if candidate is None:
        raise ApprovalError(
            f"dataset '{spec.slug}' has no review candidate; materialize review/{spec.slug} first")
    return candidate.id


def publish_candidate(conn: psycopg.Connection, spec: DatasetSpec,
                      candidate_id: int) -> PublishedVersion:
    """Publish one approved candidate; raise ApprovalError (and change nothing) otherwise.

    The caller's connection must not be in autocommit: the version table, the view swap
    and the catalogue rows commit together or not at all, so the public never sees a
    half-published version and the previous one keeps being served on failure.
    """
    with conn.transaction():
        # one publication per dataset at a time; the chain is re-checked under the lock
        conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"publish:{spec.slug}",))
        candidate = assert_publishable(conn, candidate_id=candidate_id,
                                       chain=spec.approval.chain)
        if candidate.slug != spec.slug:
            raise ApprovalError(
                f"candidate {candidate_id} belongs to '{candidate.slug}', not '{spec.slug}'")
        version = next_version(conn, slug=spec.slug)
        table = version_table_name(spec.slug, version)
        conn.execute(sql.SQL("CREATE TABLE published.{} AS SELECT * FROM review.{}").format(
            sql.Identifier(table), sql.Identifier(candidate.table_name)))
        conn.execute(sql.SQL("DROP VIEW IF EXISTS published.{}").format(
            sql.Identifier(spec.slug)))
        conn.execute(sql.SQL("CREATE VIEW published.{} AS SELECT * FROM published.{}").format(
            sql.Identifier(spec.slug), sql.Identifier(table)))
        record_version(conn, slug=spec.slug, version=version, candidate=candidate,
                       table_name=table)
        upsert_dataset(conn, slug=spec.slug, title_en=spec.title.en, title_fr=spec.title.fr,
                       spec=spec.model_dump(mode="json"))
    return PublishedVersion(spec.slug, version, candidate.id, table, candidate.row_count)
