"""Benchmark records: every figure is a ratio against a baseline measured in the same run."""

from __future__ import annotations

import json
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
