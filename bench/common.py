"""Benchmark records: every figure is a ratio against a baseline measured in the same run."""

from __future__ import annotations

import csv
import json
import subprocess
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

RESULTS_PATH = Path(__file__).parent / "results.json"


@dataclass
class BenchResult:
    name: str
    value: float
    unit: str
    baseline: str
    baseline_value: float
    # value / baseline_value for rates (higher is better) and seconds alike; see unit
    ratio: float

    def line(self) -> str:
        return (f"{self.name:<48} {self.value:>14,.1f} {self.unit:<8} "
                f"baseline {self.baseline}: {self.baseline_value:,.1f}  ratio {self.ratio:.2f}")


def result(name: str, value: float, unit: str, baseline: str, baseline_value: float) -> BenchResult:
    ratio = value / baseline_value if baseline_value else float("nan")
    return BenchResult(name, value, unit, baseline, baseline_value, ratio)


@contextmanager
def stopwatch():
    """Yields a dict whose 'seconds' is filled in when the block ends."""
    out = {"seconds": 0.0}
    start = time.perf_counter()
    try:
        yield out
    finally:
        out["seconds"] = time.perf_counter() - start


def write_results(results: list[BenchResult]) -> None:
    RESULTS_PATH.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n")


def psql_executable() -> str:
    """The machine's psql, or the one pgserver ships (a fresh machine has only that)."""
    import shutil

    found = shutil.which("psql")
    if found:
        return found
    import pgserver

    return str(Path(pgserver.__file__).parent / "pginstall" / "bin" / "psql")


def psql_copy_seconds(url: str, path: Path, *,
                      table: str = "bench_psql_copy") -> tuple[float, int]:
    """Time `psql \\copy` of a CSV (with header) into an empty all-text table: the
    baseline our ingest is measured against. Returns (seconds, rows loaded)."""
    import psycopg
    from psycopg import sql

    from catalog.database import libpq_url

    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    target = sql.Identifier("public", table)
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(target))
        conn.execute(sql.SQL("CREATE TABLE {} ({})").format(target, sql.SQL(", ").join(
            sql.SQL("{} text").format(sql.Identifier(name)) for name in header)))
    command = [psql_executable(), libpq_url(url), "-v", "ON_ERROR_STOP=1", "-q", "-c",
               f"\\copy public.{table} FROM '{path}' WITH (FORMAT csv, HEADER true)"]
    try:
        with stopwatch() as timer:
            subprocess.run(command, check=True, capture_output=True)
        with psycopg.connect(libpq_url(url), autocommit=True) as conn:
            count = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(target)).fetchone()[0]
    finally:
        with psycopg.connect(libpq_url(url), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(target))
    return timer["seconds"], count
