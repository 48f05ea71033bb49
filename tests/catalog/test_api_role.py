"""The API's role reads only `published` and the public parts of `catalog`."""

import psycopg
import pytest

from catalog.database import ConnectionParts, libpq_url


def test_api_role_reads_only_published_and_catalog(database_url, conn):
    conn.execute("CREATE TABLE IF NOT EXISTS raw.secret_people (name text)")
    conn.execute("CREATE TABLE IF NOT EXISTS review.secret_candidate (name text)")
    conn.execute("CREATE TABLE IF NOT EXISTS staging.secret_stage (name text)")
    conn.execute("CREATE TABLE IF NOT EXISTS published.open_table (n int)")
    api_url = ConnectionParts.from_url(database_url).url(user="civic_api")
    with psycopg.connect(libpq_url(api_url), autocommit=True) as api:
        api.execute("SELECT * FROM published.open_table")
        api.execute("SELECT * FROM catalog.versions")
        # the approval pages: candidate reports and a preview, never the review tables
        api.execute("SELECT id, checks, quality, preview FROM catalog.candidates")
        api.execute("SELECT * FROM catalog.approval_requests")
        for table in ("raw.secret_people", "review.secret_candidate", "staging.secret_stage",
                      "catalog.ingest_log", "catalog.credentials", "catalog.audit_log"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                api.execute(f"SELECT * FROM {table}")
