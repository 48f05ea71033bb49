"""Publishing an approved candidate: a new immutable version table, the dataset's view in
`published` swapped to it, and the version's files (every format, see files.py) moved
into place, all as one transaction."""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.pq import TransactionStatus

from catalog.approvals import ApprovalError, assert_publishable
from catalog.candidates import latest_candidate
from catalog.datasets import upsert_dataset
from catalog.published_indexes import create_indexes
from catalog.rows import one_row
from catalog.versions import next_version, record_version
from civic_assets.publish.files import (
    install_version_folder,
    published_root,
    remove_interrupted_publications,
    temporal_coverage,
    version_folder,
    write_version_files,
)
from metadata.indexing import index_plan
from metadata.specs import DatasetSpec


class PublishingError(RuntimeError):
    """Publishing was called in a way that cannot keep its promises."""


@dataclass(frozen=True)
class PublishedVersion:
    slug: str
    version: int
    candidate_id: int
    table_name: str
    row_count: int
    # format → {path, bytes, sha256, media_type}, as in catalog.versions.files
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    # format → why it was not written
    skipped_formats: dict[str, str] = field(default_factory=dict)
    bbox: list[float] | None = None


def version_table_name(slug: str, version: int) -> str:
    return f"{slug}__v{version}"


def resolve_candidate_id(conn: psycopg.Connection, spec: DatasetSpec, candidate_id: int) -> int:
    """0 means the newest candidate of the dataset (what a hand-started run publishes)."""
    if candidate_id:
        return candidate_id
    # a transaction of its own, so that the connection is idle again for publish_candidate
    with conn.transaction():
        candidate = latest_candidate(conn, slug=spec.slug)
    if candidate is None:
        raise ApprovalError(
            f"dataset '{spec.slug}' has no candidate; materialize {spec.slug}/candidate first")
    return candidate.id


def publish_candidate(conn: psycopg.Connection, spec: DatasetSpec, candidate_id: int, *,
                      published_dir: Path | None = None) -> PublishedVersion:
    """Publish one approved candidate; raise ApprovalError (and change nothing) otherwise.

    The version table, the view swap and the catalogue rows commit together or not at
    all, so the public never sees a half-published version and the previous one keeps
    being served on failure. The files are written into a staging folder during that
    transaction and renamed, complete, into `<published_dir>/<slug>/v<N>` just before
    the commit: the API serves only what the catalogue records, so the folder is not
    public until the commit, and a committed version always has its files. On failure
    the folder is removed; a process killed on the way leaves a staging or uncatalogued
    version folder, which the next publication of the dataset removes. The caller's
    connection must be idle (no transaction of its own open), that the commit here is a
    real one.
    """
    if conn.info.transaction_status != TransactionStatus.IDLE:
        # nested in the caller's transaction, our commit would only be a savepoint: the
        # files would go public before the version is durable
        raise PublishingError(
            "publish_candidate needs a connection outside any transaction; commit or roll "
            "back first")
    root = published_dir or published_root()
    staging: Path | None = None
    installed: Path | None = None
    committed = False
    try:
        with conn.transaction():
            # one publication per dataset at a time; the chain is re-checked under the lock
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))",
                         (f"publish:{spec.slug}",))
            candidate = assert_publishable(conn, candidate_id=candidate_id,
                                           chain=spec.approval.chain)
            if candidate.slug != spec.slug:
                raise ApprovalError(
                    f"candidate {candidate_id} belongs to '{candidate.slug}', not '{spec.slug}'")
            version = next_version(conn, slug=spec.slug)
            # under the lock, any folder no catalogued version owns was left by a
            # publication that died (killed, or its machine lost) before its commit
            remove_interrupted_publications(root / spec.slug, next_version=version)
            table = version_table_name(spec.slug, version)
            conn.execute(sql.SQL("CREATE TABLE published.{} AS SELECT * FROM review.{}").format(
                sql.Identifier(table), sql.Identifier(candidate.table_name)))
            # the query API's filters, sorts, search and spatial filters read these
            create_indexes(conn, schema="published", table=table, plan=index_plan(
                candidate.dictionary or {}, overrides=spec.dictionary,
                key_columns=spec.validation.key_columns))

            (root / spec.slug).mkdir(parents=True, exist_ok=True)
            # beside its final place, so that the rename into place is atomic
            staging = Path(tempfile.mkdtemp(prefix=f".v{version}-", suffix=".staging",
                                            dir=root / spec.slug))
            published_at = one_row(conn.execute("SELECT now()"))[0]
            exported = write_version_files(
                conn, spec, table=table, version=version, row_count=candidate.row_count,
                columns=candidate.columns, dictionary=candidate.dictionary,
                published_at=published_at, folder=staging)

            # the view swap locks `latest` until commit: done last, after the slow exports
            conn.execute(sql.SQL("DROP VIEW IF EXISTS published.{}").format(
                sql.Identifier(spec.slug)))
            conn.execute(sql.SQL("CREATE VIEW published.{} AS SELECT * FROM published.{}").format(
                sql.Identifier(spec.slug), sql.Identifier(table)))
            dcat = {**candidate.dcat, "bbox": exported.bbox,
                    "temporal": temporal_coverage(conn, spec, table),
                    "skipped_formats": exported.skipped}
            record_version(conn, slug=spec.slug, version=version,
                           candidate=dataclasses.replace(candidate, dcat=dcat),
                           table_name=table, files=exported.files)
            upsert_dataset(conn, slug=spec.slug, title_en=spec.title.en, title_fr=spec.title.fr,
                           spec=spec.model_dump(mode="json"))
            installed = version_folder(root, spec.slug, version)
            install_version_folder(staging, installed)
        committed = True
    finally:
        if not committed:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
            # a connection lost during COMMIT may have committed: then the folder is the
            # version's, and if not, the next publication removes it
            if installed is not None and not conn.broken:
                shutil.rmtree(installed, ignore_errors=True)
    return PublishedVersion(spec.slug, version, candidate.id, table, candidate.row_count,
                            files=exported.files, skipped_formats=exported.skipped,
                            bbox=exported.bbox)
