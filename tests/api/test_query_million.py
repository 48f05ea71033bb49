"""The query API on a published 1M-row dataset (generated in SQL, published by the real
publication with its indexes): filtered pages read an index, the last page by cursor
reads no more than the first, totals are estimated (and said so) when counting would
read too much."""

from __future__ import annotations

import statistics
import time
from typing import Any

import httpx
import psycopg
import pytest

from api.query.cursor import decode_cursor, query_digest, read_cursor
from api.query.execute import page_statement
from api.query.params import parse_query
from api.query.schema import TableSchema, table_schema
from api.query.sorting import total_order
from catalog import public
from catalog.database import libpq_url
from civic_assets.demo.synthetic import publish_synthetic_requests
from tests.api.published_data import service_requests_spec

pytestmark = pytest.mark.slow

SLUG = "requests_million"
ROWS = 1_000_000


@pytest.fixture(scope="module")
def million(database_url: str, tmp_path_factory) -> TableSchema:
    spec = service_requests_spec().model_copy(update={"slug": SLUG})
    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        publish_synthetic_requests(conn, spec, rows=ROWS,
                                   published_dir=tmp_path_factory.mktemp("million"))
        return table_schema(public.get_version(conn, slug=SLUG))


def _plan(conn: psycopg.Connection, schema: TableSchema, params: list[tuple[str, str]], *,
          after: list[Any] | None = None, analyze: bool = False) -> dict:
    """The plan of the page the API runs for these parameters."""
    query = parse_query(schema, params)
    keys = total_order(schema, query.sort)
    statement = page_statement(schema, query, keys=keys, columns=schema.names, limit=101,
                               offset=0, after=after)
    options = "ANALYZE, BUFFERS, FORMAT JSON" if analyze else "FORMAT JSON"
    explain = psycopg.sql.SQL("EXPLAIN ({}) ").format(psycopg.sql.SQL(options))
    row = conn.execute(explain + statement.sql, statement.params).fetchone()
    return row[0][0]


def _nodes(plan: dict) -> list[dict]:
    found, stack = [], [plan["Plan"]]
    while stack:
        node = stack.pop()
        found.append(node)
        stack += node.get("Plans", [])
    return found


@pytest.mark.parametrize("params", [
    [("status", "closed"), ("sort", "-created_at")],
    [("neighbourhood", "Old Town")],
    [("request_type__in", "Pothole repair,Snow removal"), ("sort", "request_type")],
    [("created_at__gte", "2024-06-01"), ("created_at__lt", "2024-06-02"), ("sort", "created_at")],
    [("closed_at__null", "true"), ("sort", "-closed_at")],
    [("q", "urgent bank"), ("status", "open")],
    [("bbox", "-75.7,45.35,-75.69,45.36")],
    [("near", "-75.7,45.4,300")],
    [("request_id", "SR-00500000")],
], ids=lambda params: "&".join(f"{k}={v}" for k, v in params))
def test_a_filtered_page_reads_an_index(conn, million, params):
    nodes = _nodes(_plan(conn, million, params))
    kinds = {node["Node Type"] for node in nodes}
    assert kinds & {"Index Scan", "Index Only Scan", "Bitmap Index Scan"}, kinds
    assert "Seq Scan" not in kinds


def _last_page_cursor(api: str, conn: psycopg.Connection, schema: TableSchema, params: dict,
                      where: str) -> str:
    """The cursor of the page holding the last 100 rows (which offset paging reaches only
    by reading every row before them)."""
    matching = conn.execute(f"SELECT count(*) FROM published.{schema.table} WHERE {where}"
                            ).fetchone()[0]
    before_last = httpx.get(f"{api}/datasets/{SLUG}/data",
                            params={**params, "limit": 1, "offset": matching - 101},
                            timeout=120).json()
    return httpx.URL(before_last["next"]).params["cursor"]


@pytest.mark.parametrize(("params", "where"), [
    ({}, "TRUE"), ({"sort": "-created_at"}, "TRUE"),
    ({"status": "closed", "sort": "created_at"}, "status = 'closed'"),
])
def test_the_last_page_by_cursor_reads_no_more_than_the_first(conn, api, million, params,
                                                              where):
    token = _last_page_cursor(api, conn, million, params, where)
    query = parse_query(million, list(params.items()))
    keys = total_order(million, query.sort)
    after = decode_cursor(read_cursor(token, secret=None), keys=keys,
                          query=query_digest(query.canonical())).values
    first = _plan(conn, million, list(params.items()), analyze=True)
    last = _plan(conn, million, list(params.items()), after=after, analyze=True)

    def blocks(plan: dict) -> int:
        return plan["Plan"]["Shared Hit Blocks"] + plan["Plan"].get("Shared Read Blocks", 0)

    # an index range from the cursor's row: a page's worth of rows, not the table's
    assert last["Plan"]["Actual Rows"] <= 101
    assert blocks(last) <= 3 * blocks(first) + 50, (blocks(first), blocks(last))

    def median_seconds(request_params: dict) -> float:
        timings = []
        for _ in range(15):
            started = time.perf_counter()
            response = httpx.get(f"{api}/datasets/{SLUG}/data", params=request_params,
                                 timeout=60)
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200
        return statistics.median(timings)

    first_page = median_seconds({**params, "limit": 100})
    last_page = median_seconds({**params, "limit": 100, "cursor": token})
    page = httpx.get(f"{api}/datasets/{SLUG}/data", params={**params, "limit": 100,
                                                            "cursor": token}).json()
    assert len(page["rows"]) == 100 and page["next"] is None
    # the goal is 2x; the slack absorbs a machine other processes share
    assert last_page <= 2 * first_page + 0.02, (first_page, last_page)


def test_totals_are_estimated_when_counting_would_read_too_much(api, conn, million):
    url = f"{api}/datasets/{SLUG}/data"
    closed = conn.execute(f"SELECT count(*) FROM published.{million.table}"
                          " WHERE status = 'closed'").fetchone()[0]
    page = httpx.get(url, params={"status": "closed", "limit": 1}, timeout=60).json()
    assert page["total_is_estimate"] is True
    assert abs(page["total"] - closed) <= 0.1 * closed
    everything = httpx.get(url, params={"limit": 1}, timeout=60).json()
    assert everything["total"] == ROWS and everything["total_is_estimate"] is False
    rare = httpx.get(url, params={"created_at__gte": "2024-03-01T10:00:00",
                                  "created_at__lt": "2024-03-01T10:30:00"}, timeout=60).json()
    assert rare["total_is_estimate"] is False and rare["total"] == len(rare["rows"]) > 0


def test_group_by_over_a_million_rows_matches_sql(api, conn, million):
    page = httpx.get(f"{api}/datasets/{SLUG}/data",
                     params={"group_by": "neighbourhood", "agg": "count", "limit": 100},
                     timeout=60).json()
    expected = dict(conn.execute(f"SELECT neighbourhood, count(*) FROM published.{million.table}"
                                 " GROUP BY 1").fetchall())
    assert {row["neighbourhood"]: row["count"] for row in page["rows"]} == expected
    assert sum(expected.values()) == ROWS
