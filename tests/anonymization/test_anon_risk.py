"""Risk metrics against hand-computed values and an independent count on UCI Adult."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict

import numpy as np
import pandas as pd
import pytest

from anonymization import RiskInputError, compute_risk, format_risk_text


def test_small_table_by_hand():
    df = pd.DataFrame({
        "zip": ["K1A", "K1A", "K1A", "K2B", "K2B", None, None],
        "age": ["30-39", "30-39", "30-39", "40-49", "40-49", "40-49", "40-49"],
        "diagnosis": ["flu", "cold", "flu", "flu", "flu", "cold", "asthma"],
    })
    m = compute_risk(df, ["zip", "age"], ["diagnosis"], k_threshold=3)
    # classes: (K1A,30-39)=3 {flu,cold}; (K2B,40-49)=2 {flu}; (null,40-49)=2 {cold,asthma}
    assert (m.k, m.l, m.n_classes, m.n_records) == (2, 1, 3, 7)
    assert m.records_at_risk_share == pytest.approx(4 / 7)
    assert m.prosecutor_risk_max == pytest.approx(1 / 2)
    assert m.prosecutor_risk_avg == pytest.approx((3 * (1 / 3) + 2 * (1 / 2) + 2 * (1 / 2)) / 7)
    assert m.to_dict()["records_at_risk_share"] == pytest.approx(4 / 7)


def test_nulls_are_their_own_value_and_edge_cases():
    df = pd.DataFrame({"a": [np.nan, np.nan, 1.0], "b": ["x", "x", "x"]})
    assert compute_risk(df, ["a", "b"]).k == 1
    assert compute_risk(df, []).k == 3  # no quasi-identifiers: one class
    empty = compute_risk(df.iloc[:0], ["a"])
    assert (empty.k, empty.n_records, empty.prosecutor_risk_max) == (0, 0, 0.0)
    with pytest.raises(RiskInputError, match="'nope'"):
        compute_risk(df, ["nope"])


def test_adult_matches_an_independent_count(adult_path):
    qis = ["sex", "age", "race", "marital-status", "native-country"]
    sensitive = "occupation"
    with adult_path.open(newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert len(rows) == 30_162
    sizes = Counter(tuple(r[q] for q in qis) for r in rows)
    diversity = defaultdict(set)
    for r in rows:
        diversity[tuple(r[q] for q in qis)].add(r[sensitive])
    k = min(sizes.values())
    at_risk = sum(s for s in sizes.values() if s < 5) / len(rows)
    avg = sum(1 / sizes[tuple(r[q] for q in qis)] for r in rows) / len(rows)
    l_div = min(len(v) for v in diversity.values())

    df = pd.read_csv(adult_path, sep=";")
    m = compute_risk(df, qis, [sensitive], k_threshold=5)
    assert (m.k, m.l, m.n_classes) == (k, l_div, len(sizes))
    assert m.records_at_risk_share == pytest.approx(at_risk)
    assert m.prosecutor_risk_avg == pytest.approx(avg)
    assert m.prosecutor_risk_max == pytest.approx(1 / k)

    # coarser quasi-identifiers: a class size above one, checked the same way
    coarse = ["sex", "race"]
    coarse_sizes = Counter(tuple(r[q] for q in coarse) for r in rows)
    assert compute_risk(df, coarse).k == min(coarse_sizes.values()) > 1
    text = format_risk_text(m)
    assert f"k-anonymity (min class)   {k}" in text and "occupation" in text


def test_one_million_rows_five_qis_is_fast():
    import time

    rng = np.random.default_rng(0)
    n = 1_000_000
    df = pd.DataFrame({f"q{i}": rng.integers(0, 20, n) for i in range(4)})
    df["q4"] = pd.Series(rng.choice(["a", "b", None], n))
    start = time.perf_counter()
    m = compute_risk(df, [f"q{i}" for i in range(5)])
    assert time.perf_counter() - start < 3
    assert m.n_classes == df.groupby(list(df.columns), dropna=False).ngroups
