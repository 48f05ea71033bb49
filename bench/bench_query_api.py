"""The query API on a published 1M-row dataset, loaded from separate processes.

The dataset (synthetic 311 requests generated in SQL, published by the real publication
with its indexes) lives in a database of its own beside the configured one,
`<database>_bench_query`, and is reused by later runs. The API runs as `python -m api`
with its default worker count. Each figure is a ratio to a baseline taken in the same
run:

- a filtered, sorted 100-row page with 50 concurrent clients (wrk): p50, p99 and
  requests/s against the very SQL of that page run by 50 pgbench clients (goals: p99 <=
  20 ms, throughput >= 0.5x pgbench);
- the last page by cursor against the first page (goal <= 2x);
- a group_by count over the 1M rows against the same SQL timed by psql;
- the API as a user finds it: the default page with 200 concurrent clients against 50.

Run: `python -m bench query_api`.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import httpx
import psycopg

from api.query.execute import page_statement
from api.query.params import parse_query
from api.query.schema import TableSchema, table_schema
from api.query.sorting import total_order
from api.query.statements import aggregate, where
from bench.common import BenchResult, result
from bench.load import pgbench, psql_median_ms, serve_api, wrk, wrk_available
from catalog import public
from catalog.database import PROJECT_ROOT, ConnectionParts, api_url_for, libpq_url
from catalog.migrate import bootstrap
from civic_assets.components.dataset import load_dataset_spec
from civic_assets.demo.synthetic import publish_synthetic_requests
from civic_assets.settings import database_url

SLUG = "bench_query_requests"
ROWS = 1_000_000
SECONDS = 15
FILTERED_PAGE = {"status": "closed", "sort": "-created_at", "limit": "100"}
DEFAULT_PAGE = {"limit": "100"}
GROUPS = {"group_by": "neighbourhood", "agg": "count", "limit": "100"}
SEQUENTIAL_REPEATS = 30


def _bench_database() -> str:
    parts = ConnectionParts.from_url(database_url())
    url = parts.url(dbname=f"{parts.dbname}_bench_query")
    bootstrap(url)
    return url


def _published(url: str) -> TableSchema:
    """The 1M-row dataset, published now unless an earlier run left it."""
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        found = public.get_version(conn, slug=SLUG)
        if found is None or found["row_count"] != ROWS:
            spec = load_dataset_spec(
                PROJECT_ROOT / "civic_assets/defs/datasets/service_requests/defs.yaml")
            print(f"  publishing {ROWS:,} synthetic rows as '{SLUG}' (once) …", flush=True)
            # the query API reads the table; the version's files are not kept
            with tempfile.TemporaryDirectory(prefix="civic-bench-query-") as folder:
                publish_synthetic_requests(conn, spec.model_copy(update={"slug": SLUG}),
                                           rows=ROWS, published_dir=Path(folder))
            found = public.get_version(conn, slug=SLUG)
        if found is None:
            raise RuntimeError(f"'{SLUG}' was not published")
        return table_schema(found)


def _literal(conn: psycopg.Connection, fragment) -> str:
    return psycopg.ClientCursor(conn).mogrify(fragment.sql, fragment.params)


def _page_sql(conn: psycopg.Connection, schema: TableSchema, params: dict[str, str]) -> str:
    """The SQL of the page the API runs for these parameters (one row more than the
    page, to know whether another follows), with its values inlined."""
    query = parse_query(schema, list(params.items()))
    statement = page_statement(schema, query, keys=total_order(schema, query.sort),
                               columns=schema.names, limit=int(params["limit"]) + 1,
                               offset=0, after=None)
    return _literal(conn, statement)


def _groups_sql(conn: psycopg.Connection, schema: TableSchema) -> str:
    query = parse_query(schema, list(GROUPS.items()))
    return _literal(conn, aggregate(schema, query, where(schema, query),
                                    limit=int(GROUPS["limit"]), offset=0))


def _median_ms(url: str, params: dict[str, str], repeats: int) -> float:
    timings = []
    with httpx.Client(timeout=120) as client:
        for _ in range(repeats + 2):
            started = time.perf_counter()
            response = client.get(url, params=params)
            timings.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
    return statistics.median(timings[2:])  # the first two warm the caches


def _matching(conn: psycopg.Connection, schema: TableSchema, params: dict[str, str]) -> int:
    condition = where(schema, parse_query(schema, list(params.items())))
    statement = psycopg.sql.SQL("SELECT count(*) FROM {} WHERE {}").format(
        psycopg.sql.Identifier("published", schema.table), condition.sql)
    row = conn.execute(statement, condition.params).fetchone()
    return row[0] if row else 0


def _last_page_cursor(data_url: str, params: dict[str, str], matching: int) -> str:
    """The cursor of the page holding the last 100 matching rows."""
    before_last = httpx.get(data_url, params={**params, "limit": "1",
                                              "offset": str(matching - 101)},
                            timeout=300).json()
    return httpx.URL(before_last["next"]).params["cursor"]


def run() -> list[BenchResult]:
    url = _bench_database()
    schema = _published(url)
    api_url = api_url_for(url)
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        page_sql = _page_sql(conn, schema, FILTERED_PAGE)
        groups_sql = _groups_sql(conn, schema)
        matching = {label: _matching(conn, schema, params)
                    for label, params in (("default", DEFAULT_PAGE), ("filtered", FILTERED_PAGE))}
    results: list[BenchResult] = []
    env = {"CIVIC_DATABASE_URL": url, "CIVIC_API_DATABASE_URL": api_url}
    with serve_api(env) as base:
        data_url = f"{base}/datasets/{SLUG}/data"
        filtered = str(httpx.URL(data_url, params=FILTERED_PAGE))
        if wrk_available():
            wrk(filtered, connections=50, seconds=3)  # warm-up
            api = wrk(filtered, connections=50, seconds=SECONDS)
            sql = pgbench(api_url, page_sql, clients=50, seconds=SECONDS)
            print(f"  wrk: {api}\n  pgbench: {sql}", flush=True)
            name = "filtered sorted 100-row page, 50 clients"
            results += [
                result(f"{name}: p50 ms", api.p50_ms, "ms", "pgbench same SQL p50 ms",
                       sql.p50_ms),
                result(f"{name}: p99 ms (goal <= 20)", api.p99_ms, "ms",
                       "pgbench same SQL p99 ms", sql.p99_ms),
                result(f"{name}: req/s (goal >= 0.5x)", api.requests_per_second, "req/s",
                       "pgbench same SQL tps", sql.requests_per_second)]
            if api.failed:
                results.append(result(f"{name}: failed requests", api.failed, "requests",
                                      "requests", api.requests))
        else:
            print("  wrk is not installed (apt-get install wrk): load figures skipped")

        for label, params in (("default", DEFAULT_PAGE), ("filtered", FILTERED_PAGE)):
            token = _last_page_cursor(data_url, params, matching[label])
            first = _median_ms(data_url, params, SEQUENTIAL_REPEATS)
            last = _median_ms(data_url, {**params, "cursor": token}, SEQUENTIAL_REPEATS)
            label = "&".join(f"{k}={v}" for k, v in params.items())
            results.append(result(f"last page by cursor ({label}), ms (goal <= 2x)", last,
                                  "ms", "first page ms", first))

        api_groups = _median_ms(data_url, GROUPS, 5)
        psql_groups = psql_median_ms(api_url, groups_sql, repeats=5)
        results.append(result("group_by neighbourhood count over 1M rows, ms", api_groups,
                              "ms", "same SQL in psql ms", psql_groups))

        if wrk_available():
            default = str(httpx.URL(data_url, params=DEFAULT_PAGE))
            at_50 = wrk(default, connections=50, seconds=SECONDS)
            at_200 = wrk(default, connections=200, seconds=SECONDS)
            print(f"  50 clients: {at_50}\n  200 clients: {at_200}", flush=True)
            name = "default 100-row page"
            results += [
                result(f"{name}: req/s at 200 clients", at_200.requests_per_second, "req/s",
                       "req/s at 50 clients", at_50.requests_per_second),
                result(f"{name}: p99 ms at 200 clients", at_200.p99_ms, "ms",
                       "p99 ms at 50 clients", at_50.p99_ms),
                result(f"{name}: failed requests at 200 clients", at_200.failed, "requests",
                       "requests at 200 clients", at_200.requests)]
    return results
