"""Ingest of the 1M-row demo extract (the file `civic demo --rows 1000000` drops) against
`psql \\copy` of the same file into an empty table, measured in the same run."""

from __future__ import annotations

from pathlib import Path

import psycopg

from bench.common import BenchResult, psql_copy_seconds, result, stopwatch
from catalog.database import libpq_url
from catalog.migrate import bootstrap
from civic_assets.demo.generator import write_demo_files
from civic_assets.ingest import ingest_file
from civic_assets.settings import database_url

DATA = Path(__file__).parent / "data" / "demo"
ROWS = 1_000_000


def run() -> list[BenchResult]:
    url = database_url()
    bootstrap(url)
    csv_path = DATA / "service_requests.csv"
    with stopwatch() as generation:
        if not csv_path.exists():
            write_demo_files(DATA, rows=ROWS)
    psql_seconds, _ = psql_copy_seconds(url, csv_path, table="bench_demo_copy")
    with stopwatch() as timer:
        outcome = ingest_file(csv_path, slug="bench_demo", database_url=url, force=True)
    assert outcome.record_count == ROWS, outcome.record_count
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS raw.bench_demo")
    figures = [result("ingest 1M-row demo CSV rows/s", ROWS / timer["seconds"], "rows/s",
                      "psql \\copy same file", ROWS / psql_seconds)]
    if generation["seconds"] > 1:
        figures.append(result("generate 1M demo rows + write CSV, s", generation["seconds"], "s",
                              "psql \\copy of the result, s", psql_seconds))
    return figures
