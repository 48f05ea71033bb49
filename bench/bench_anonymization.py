"""Benchmark of the anonymization library on a synthetic 1M-row, 20-column 311 table.

(a) detection + anonymization (the 311 policy) + risk, against a plain pandas pass over
    the same frame: a deep copy plus the group-by of the four quasi-identifier source
    columns, i.e. touching every value once and counting classes, with no anonymizing.
(b) risk metrics alone on 1M rows x 5 quasi-identifiers, against a bare
    `groupby(qis, dropna=False).size()`, which gives class sizes and nothing else.

Run alone: `python -m bench.bench_anonymization`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from anonymization import anonymize, compute_risk
from anonymization.synthetic import POLICY_311, synthetic_311, synthetic_boundaries
from bench.common import BenchResult, result, stopwatch

ROWS = 1_000_000
BENCH_KEY = "benchmark-only-key-0123456789abcdef"
SOURCE_QIS = ["neighbourhood", "requester_age", "request_type", "postal_code"]


def _pipeline(rows: int) -> list[BenchResult]:
    df = synthetic_311(rows, seed=2026)
    boundaries = synthetic_boundaries()

    with stopwatch() as base:
        copied = df.copy()
        copied.groupby(SOURCE_QIS, dropna=False).size()
    with stopwatch() as run:
        _, report = anonymize(df, POLICY_311, boundaries=boundaries, secret=BENCH_KEY)
    assert report.risk_after is not None and report.risk_after.k >= POLICY_311["k"]

    baseline = "pandas copy + groupby(4 QIs).size()"
    return [
        result(f"anonymize 311 {rows:,}x{df.shape[1]} (detect+ops+risk)", run["seconds"], "s",
               baseline, base["seconds"]),
        result("anonymize 311 throughput", rows / run["seconds"], "rows/s", baseline,
               rows / base["seconds"]),
    ]


def _risk_only(rows: int) -> list[BenchResult]:
    rng = np.random.default_rng(7)
    df = pd.DataFrame({
        "neighbourhood": pd.Series(rng.choice([f"N{i}" for i in range(40)], rows), dtype="str"),
        "age_range": pd.Series(rng.choice([f"{a}-{a + 9}" for a in range(0, 90, 10)], rows),
                               dtype="str"),
        "request_type": pd.Series(rng.choice([f"T{i}" for i in range(30)], rows), dtype="str"),
        "postal_fsa": pd.Series(rng.choice([f"K{i}A" for i in range(10)] + [None], rows),
                                dtype="str"),
        "year": rng.integers(2015, 2027, rows),
        "status": pd.Series(rng.choice(["Open", "Closed", "In progress"], rows), dtype="str"),
    })
    qis = ["neighbourhood", "age_range", "request_type", "postal_fsa", "year"]
    with stopwatch() as base:
        df.groupby(qis, dropna=False).size()
    with stopwatch() as run:
        compute_risk(df, qis, ["status"], k_threshold=5)
    baseline = "groupby(5 QIs, dropna=False).size()"
    return [
        result(f"risk metrics {rows:,} x 5 QIs (k, l, risks)", run["seconds"], "s", baseline,
               base["seconds"]),
    ]


def run() -> list[BenchResult]:
    return _pipeline(ROWS) + _risk_only(ROWS)


if __name__ == "__main__":
    for line in run():
        print(line.line())
