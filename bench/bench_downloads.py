"""Downloading a published 1M-row dataset over HTTP.

The dataset (synthetic 311 requests generated in SQL, published by the real
publication, every format written) lives in a database of its own beside the configured
one, `<database>_bench_downloads`, with its files under `<var dir>/bench/published`;
both are reused by later runs. The API runs as `python -m api`. Figures, each against
a baseline taken in the same run:

- the full CSV download (curl, to /dev/null), in rows per second, against
  `psql -c "\\copy (SELECT * FROM <version table>) TO STDOUT (FORMAT csv, HEADER)"` of
  the same table, also to /dev/null (goal >= 0.6x);
- the last megabyte of the CSV by a Range request against the whole file (a resumed
  download costs what it fetches).

Run: `python -m bench downloads`.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
from pathlib import Path

import httpx
import psycopg

from bench.common import BenchResult, psql_executable, result, stopwatch
from bench.load import serve_api
from catalog import public
from catalog.database import PROJECT_ROOT, ConnectionParts, api_url_for, libpq_url
from catalog.migrate import bootstrap
from civic_assets.components.dataset import load_dataset_spec
from civic_assets.demo.synthetic import publish_synthetic_requests
from civic_assets.settings import database_url, get_settings

SLUG = "bench_download_requests"
ROWS = 1_000_000
REPEATS = 3


def _bench_database() -> str:
    parts = ConnectionParts.from_url(database_url())
    url = parts.url(dbname=f"{parts.dbname}_bench_downloads")
    bootstrap(url)
    return url


def _published(url: str, folder: Path) -> dict:
    """The latest version of the 1M-row dataset with its files, published now unless an
    earlier run left both."""
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        found = public.get_version(conn, slug=SLUG)
        csv_file = (found or {}).get("files", {}).get("csv", {})
        if (found is None or found["row_count"] != ROWS
                or not (folder / csv_file.get("path", "-")).is_file()):
            spec = load_dataset_spec(
                PROJECT_ROOT / "civic_assets/defs/datasets/service_requests/defs.yaml")
            print(f"  publishing {ROWS:,} synthetic rows as '{SLUG}' with every format "
                  "(once) …", flush=True)
            publish_synthetic_requests(conn, spec.model_copy(update={"slug": SLUG}),
                                       rows=ROWS, published_dir=folder)
            found = public.get_version(conn, slug=SLUG)
        if found is None:
            raise RuntimeError(f"'{SLUG}' was not published")
        return found


def _psql_copy_seconds(api_url: str, table: str) -> float:
    copy = (f'\\copy (SELECT * FROM published."{table}") TO STDOUT'
            " WITH (FORMAT csv, HEADER true)")
    with stopwatch() as timer:
        subprocess.run([psql_executable(), libpq_url(api_url), "-X", "-q", "-c", copy],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
    return timer["seconds"]


def _download_seconds(url: str, expected_bytes: int, *, byte_range: str | None = None) -> float:
    """Seconds to fetch `url` to /dev/null with curl (httpx when curl is missing)."""
    curl = shutil.which("curl")
    if curl:
        command = [curl, "-s", "-f", "-o", "/dev/null", "-w", "%{size_download}"]
        if byte_range:
            command += ["-r", byte_range]
        with stopwatch() as timer:
            done = subprocess.run([*command, url], capture_output=True, text=True, check=True)
        received = int(float(done.stdout))
    else:
        headers = {"Range": f"bytes={byte_range}"} if byte_range else {}
        received = 0
        with stopwatch() as timer, httpx.stream("GET", url, headers=headers,
                                                timeout=600) as response:
            response.raise_for_status()
            for chunk in response.iter_raw(1 << 20):
                received += len(chunk)
    if received != expected_bytes:
        raise RuntimeError(f"{url} gave {received:,} bytes, expected {expected_bytes:,}")
    return timer["seconds"]


def run() -> list[BenchResult]:
    url = _bench_database()
    folder = (get_settings().var_dir / "bench" / "published").resolve()
    version = _published(url, folder)
    api_url = api_url_for(url)
    size = version["files"]["csv"]["bytes"]
    env = {"CIVIC_DATABASE_URL": url, "CIVIC_API_DATABASE_URL": api_url,
           "CIVIC_PUBLISHED_DIR": str(folder)}
    with serve_api(env) as base:
        csv_url = f"{base}/datasets/{SLUG}/versions/{version['version']}/data.csv"
        _download_seconds(csv_url, size)  # warm-up: the file in the page cache
        _psql_copy_seconds(api_url, version["table_name"])
        http = statistics.median(_download_seconds(csv_url, size) for _ in range(REPEATS))
        psql = statistics.median(_psql_copy_seconds(api_url, version["table_name"])
                                 for _ in range(REPEATS))
        megabyte = 1 << 20
        tail = statistics.median(
            _download_seconds(csv_url, megabyte, byte_range=f"{size - megabyte}-")
            for _ in range(REPEATS))
    print(f"  CSV {size / megabyte:,.0f} MB: HTTP {http:.2f} s, psql \\copy {psql:.2f} s",
          flush=True)
    return [
        result(f"full CSV download, {ROWS:,} rows over HTTP, rows/s (goal >= 0.6x)",
               ROWS / http, "rows/s", "psql \\copy to stdout rows/s", ROWS / psql),
        result("last MB of the CSV by Range request, ms", tail * 1000, "ms",
               "whole CSV download ms", http * 1000),
    ]
