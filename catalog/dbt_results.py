"""`catalog.dbt_test_results`: what each dbt test said about a dataset's models."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.rows import dict_row


@dataclass(frozen=True)
class DbtTestResult:
    """One test of one `dbt build`, as its run_results.json reports it."""

    slug: str
    unique_id: str
    test_name: str
    asset: str
    status: str
    failures: int | None = None
    message: str | None = None


def record_dbt_test_results(conn: psycopg.Connection, results: Iterable[DbtTestResult], *,
                            run_id: str, invocation_id: str | None) -> int:
    """Append the results of one dbt invocation; return how many were recorded."""
    rows = [(r.slug, r.unique_id, r.test_name, r.asset, r.status, r.failures, r.message,
             run_id, invocation_id) for r in results]
    with conn.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO catalog.dbt_test_results (slug, unique_id, test_name, asset, status,"
            " failures, message, run_id, invocation_id) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s)",
            rows)
    return len(rows)


def latest_dbt_test_results(conn: psycopg.Connection, *, slug: str) -> list[dict[str, Any]]:
    """The latest result of each dbt test of a dataset, as the quality card counts them
    ({name, asset, status, run_id, evaluated_at}). A test never run has no result: no
    result is not a passing result."""
    with conn.cursor(row_factory=dict_row) as cursor:
        return cursor.execute(
            "SELECT DISTINCT ON (unique_id) test_name AS name, asset, status, failures,"
            " run_id, evaluated_at FROM catalog.dbt_test_results WHERE slug = %s"
            " ORDER BY unique_id, id DESC", (slug,)).fetchall()
