"""Ingest of the 1M-row demo extract (the file `civic demo --rows 1000000` drops) against
`psql \\copy` of the same file into an empty table, measured in the same run."""

from __future__ import annotations

import subprocess
from pathlib import Path

import psycopg

from bench.common import BenchResult, psql_executable, result, stopwatch
from civic_assets.lib.demo_data import write_demo_files
from civic_assets.lib.ingest import ingest_file
from metadata.database import database_url, libpq_url
from metadata.registry import bootstrap

DATA = Path(__file__).parent / "data" / "demo"
ROWS = 1_000_000


def _psql_copy_seconds(url: str, path: Path) -> float:
    header = path.open(encoding="utf-8").readline().strip().split(",")
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS public.bench_demo_copy")
        conn.execute("CREATE TABLE public.bench_demo_copy ("
                     + ", ".join(f'"{name}" text' for name in header) + ")")
    command = [psql_executable(), libpq_url(url), "-v", "ON_ERROR_STOP=1", "-q", "-c",
               f"\\copy public.bench_demo_copy FROM '{path}' WITH (FORMAT csv, HEADER true)"]
    with stopwatch() as timer:
        subprocess.run(command, check=True, capture_output=True)
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        conn.execute("DROP TABLE public.bench_demo_copy")
    return timer["seconds"]


def run() -> list[BenchResult]:
    url = database_url()
    bootstrap(url)
    csv_path = DATA / "service_requests.csv"
    with stopwatch() as generation:
        if not csv_path.exists():
            write_demo_files(DATA, rows=ROWS)
    psql_seconds = _psql_copy_seconds(url, csv_path)
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
