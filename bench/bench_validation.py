"""Validation before publication on a 1M-row, 20-column synthetic 311 candidate.

Measures dictionary inference, Pandera validation (clean, and with ~15% of rows broken),
the quality report card and the drift profile/comparison, each against a baseline taken
in the same run on the same frame: `df.isna().mean()` plus `df.nunique()` — the least
any column profile has to compute (null shares and distinct counts of every column).

Run: `python -m bench.bench_validation`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bench.common import BenchResult, result, stopwatch
from metadata.dictionary import infer_dictionary
from metadata.specs import ConsistencyRule, DictionaryColumn, Validation
from quality.drift import compare_to_previous, profile_frame
from quality.report_card import quality_report
from quality.validation import validate

ROWS = 1_000_000
SEED = 20240611
KEY_COLUMNS = ["status", "request_type", "department", "response_time_hours", "created_at"]
SPEC_VALIDATION = Validation(
    timestamp_column="created_at",
    key_columns=KEY_COLUMNS,
    consistency=[
        ConsistencyRule(name="closed_after_created", expression="closed_at >= created_at",
                        where="status == 'closed'"),
        ConsistencyRule(name="updated_after_created", expression="updated_at >= created_at"),
    ],
)
OVERRIDES = {
    "response_time_hours": DictionaryColumn(unit="h", minimum=0, maximum=24 * 365),
    "status": DictionaryColumn(allowed_values=["open", "closed", "in_progress"]),
    "satisfaction": DictionaryColumn(minimum=1, maximum=5),
}


def make_candidate(rows: int = ROWS, seed: int = SEED) -> pd.DataFrame:
    """A seeded 311-like candidate with 20 columns, generated with vectorized numpy."""
    rng = np.random.default_rng(seed)
    created = np.datetime64("2023-01-01T00:00:00") + rng.integers(
        0, 2 * 365 * 86_400, rows).astype("timedelta64[s]")
    status = rng.choice(np.array(["open", "closed", "in_progress"], dtype=object), rows,
                        p=[0.25, 0.6, 0.15])
    closed = status == "closed"
    hours = np.round(rng.gamma(2.0, 24.0, rows), 1) + 0.1
    closed_at = np.where(closed, created + (hours * 3600).astype("timedelta64[s]"),
                         np.datetime64("NaT"))
    satisfaction = np.where(rng.random(rows) < 0.3, rng.integers(1, 6, rows), np.nan)
    return pd.DataFrame({
        "request_id": pd.Series(np.arange(rows)).astype(str).radd("SR-"),
        "created_at": pd.to_datetime(created),
        "closed_at": pd.to_datetime(closed_at),
        "updated_at": pd.to_datetime(created + rng.integers(0, 86_400, rows).astype(
            "timedelta64[s]")),
        "status": pd.Series(status, dtype="str"),
        "request_type": pd.Series(rng.choice([f"type_{i:02d}" for i in range(15)], rows),
                                  dtype="str"),
        "department": pd.Series(rng.choice([f"dept_{i}" for i in range(8)], rows), dtype="str"),
        "neighbourhood": pd.Series(rng.choice([f"nbhd_{i:02d}" for i in range(25)], rows),
                                   dtype="str"),
        "ward": rng.integers(1, 25, rows),
        "age_range": pd.Series(rng.choice(["<18", "18-34", "35-54", "55-64", "65+", "n/a"],
                                          rows), dtype="str"),
        "channel": pd.Series(rng.choice(["phone", "web", "app", "email"], rows), dtype="str"),
        "priority": rng.integers(1, 5, rows),
        "response_time_hours": np.where(closed, hours, np.nan),
        "latitude": rng.uniform(45.2, 45.6, rows),
        "longitude": rng.uniform(-76.0, -75.4, rows),
        "is_anonymous": rng.random(rows) < 0.2,
        "satisfaction": satisfaction,
        "address_block": pd.Series(rng.integers(0, 50_000, rows)).astype(str).radd("block "),
        "language": pd.Series(rng.choice(["en", "fr"], rows, p=[0.7, 0.3]), dtype="str"),
        "cost": np.round(rng.lognormal(4, 1, rows), 2),
    })


def degrade(df: pd.DataFrame, seed: int = SEED) -> pd.DataFrame:
    """~15% of rows broken: unknown status, negative response times, empty closed_at."""
    rng = np.random.default_rng(seed + 1)
    bad = df.copy()
    rows = len(bad)
    bad.loc[rng.random(rows) < 0.10, "status"] = "pending"
    bad.loc[rng.random(rows) < 0.05, "response_time_hours"] = -1.0
    closed = (bad["status"] == "closed").to_numpy()
    bad.loc[closed & (rng.random(rows) < 0.3), "closed_at"] = pd.NaT
    return bad


def run(rows: int = ROWS) -> list[BenchResult]:
    df = make_candidate(rows)
    bad = degrade(df)
    now = df["created_at"].max() + pd.Timedelta(hours=6)

    with stopwatch() as baseline:
        df.isna().mean()
        df.nunique()
    base = baseline["seconds"]
    base_name = "isna().mean()+nunique()"

    with stopwatch() as inference:
        dictionary = infer_dictionary(df, overrides=OVERRIDES, primary_key="request_id")
    with stopwatch() as clean_validation:
        outcome = validate(df, dictionary)
    assert outcome.passed, outcome.failure_counts
    with stopwatch() as bad_validation:
        bad_outcome = validate(bad, dictionary)
    assert not bad_outcome.passed
    with stopwatch() as scoring:
        quality_report(df, dictionary=dictionary, validation_outcome=outcome,
                       spec_validation=SPEC_VALIDATION, update_frequency="daily", now=now)
    with stopwatch() as bad_scoring:
        quality_report(bad, dictionary=dictionary, validation_outcome=bad_outcome,
                       spec_validation=SPEC_VALIDATION, update_frequency="daily", now=now)
    with stopwatch() as drift:
        previous = profile_frame(df, KEY_COLUMNS)
        compare_to_previous(bad, previous)

    pipeline = inference["seconds"] + clean_validation["seconds"] + scoring["seconds"]
    label = f"{rows // 1000}k rows x {df.shape[1]} cols"
    return [
        result(f"baseline {base_name} ({label})", base, "s", base_name, base),
        result("infer_dictionary", inference["seconds"], "s", base_name, base),
        result("validate (clean)", clean_validation["seconds"], "s", base_name, base),
        result("validate (15% rows broken)", bad_validation["seconds"], "s", base_name, base),
        result("quality_report (clean)", scoring["seconds"], "s", base_name, base),
        result("quality_report (degraded)", bad_scoring["seconds"], "s", base_name, base),
        result("profile_frame + compare_to_previous", drift["seconds"], "s", base_name, base),
        result("infer + validate + score", pipeline, "s", base_name, base),
        result("infer + validate + score throughput", rows / pipeline, "rows/s",
               base_name, rows / base),
    ]


if __name__ == "__main__":
    for line in run():
        print(line.line())
