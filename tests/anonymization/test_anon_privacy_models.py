"""t-closeness, journalist and marketer risk, δ-presence and utility: by hand, and against
an independent computation on the ARX Adult extract."""

from __future__ import annotations

import csv
import random
from collections import Counter, defaultdict

import numpy as np
import pandas as pd
import pytest

from anonymization import anonymize
from anonymization.privacy_models import delta_presence, population_risk, t_closeness
from anonymization.utility import compute_utility

QIS = ["sex", "age", "race", "marital-status", "native-country"]


def test_t_closeness_matches_li_et_al_example():
    # Li, Li and Venkatasubramanian (2007), section 4: salaries 3k..11k, one record each
    # overall; class {3k, 4k, 5k} is 0.375 from the whole under ordered distance, {6k, 8k,
    # 11k} is 0.167.
    salaries = [3, 4, 5, 6, 8, 11, 7, 9, 10]
    df = pd.DataFrame({"zip": ["a"] * 3 + ["b"] * 3 + ["c"] * 3, "salary": salaries})
    ordered = t_closeness(df, ["zip"], "salary", distance="ordered")
    assert ordered.t == pytest.approx(0.375)
    only_b = df[df["zip"] != "a"]
    assert t_closeness(only_b, ["zip"], "salary", distance="ordered").t == pytest.approx(
        _ordered_emd_by_hand(only_b))
    # equal distance: half the L1 distance, {3,4,5} vs uniform over nine values
    equal = t_closeness(df, ["zip"], "salary", distance="equal")
    assert equal.t == pytest.approx(0.5 * (3 * (1 / 3 - 1 / 9) + 6 * (1 / 9)))
    # ordered by an explicit order (categories with a rank)
    grades = pd.DataFrame({"g": ["x", "x", "y", "y"], "level": ["low", "low", "mid", "high"]})
    result = t_closeness(grades, ["g"], "level", distance="ordered", order=["low", "mid", "high"])
    # class x: (1, 0, 0) vs overall (.5, .25, .25): cumulative .5, .25 -> (.5+.25)/2
    assert result.t == pytest.approx(0.375)
    assert t_closeness(grades, ["g"], "level", t_threshold=0.3).classes_over == 2


def _ordered_emd_by_hand(df: pd.DataFrame) -> float:
    values = sorted(df["salary"].unique())
    overall = Counter(df["salary"])
    worst = 0.0
    for _, group in df.groupby("zip"):
        local = Counter(group["salary"])
        running, total = 0.0, 0.0
        for v in values:
            running += local[v] / len(group) - overall[v] / len(df)
            total += abs(running)
        worst = max(worst, total / (len(values) - 1))
    return worst


def test_journalist_marketer_and_delta_presence_by_hand():
    population = pd.DataFrame({"zip": list("aaaaabbbc"), "age": ["30"] * 5 + ["40"] * 3 + ["50"]})
    sample = population.iloc[[0, 1, 5, 8]]  # a:2 of 5, b:1 of 3, c:1 of 1
    risk = population_risk(sample, population, ["zip", "age"], k_threshold=3)
    assert risk.journalist_risk_max == pytest.approx(1.0)  # the lone c
    assert risk.journalist_risk_avg == pytest.approx((1 / 5 + 1 / 5 + 1 / 3 + 1) / 4)
    assert risk.journalist_records_at_risk_share == pytest.approx(1 / 4)
    assert risk.marketer_risk == pytest.approx((2 / 5 + 1 / 3 + 1 / 1) / 4)
    assert risk.marketer_risk_sample_only == pytest.approx(3 / 4)
    presence = delta_presence(sample, population, ["zip", "age"])
    assert (presence.delta_min, presence.delta_max) == (pytest.approx(1 / 3), 1.0)
    assert presence.satisfies(0.3, 1.0) and not presence.satisfies(0.5, 1.0)
    # the same population given as counts per combination
    counts = pd.DataFrame({"zip": ["a", "b", "c"], "age": ["30", "40", "50"], "n": [5, 3, 1]})
    assert population_risk(sample, counts, ["zip", "age"], k_threshold=3,
                           count_column="n") == risk


@pytest.fixture(scope="module")
def adult_rows(adult_path):
    with adult_path.open(newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def test_t_closeness_on_adult_matches_an_independent_count(adult_path, adult_rows):
    df = pd.read_csv(adult_path, sep=";")
    classes = defaultdict(Counter)
    overall = Counter()
    for row in adult_rows:
        classes[tuple(row[q] for q in QIS)][row["occupation"]] += 1
        overall[row["occupation"]] += 1
    n = len(adult_rows)
    expected = max(0.5 * sum(abs(c[v] / sum(c.values()) - overall[v] / n) for v in overall)
                   for c in classes.values())
    assert t_closeness(df, QIS, "occupation").t == pytest.approx(expected)
    # ordered distance on salary-class (two ranks) and on age within coarse classes
    coarse = ["sex", "race"]
    groups = defaultdict(list)
    for row in adult_rows:
        groups[tuple(row[q] for q in coarse)].append(int(row["age"]))
    ages = sorted({int(r["age"]) for r in adult_rows})
    overall_age = Counter(int(r["age"]) for r in adult_rows)
    worst = 0.0
    for members in groups.values():
        local = Counter(members)
        running = total = 0.0
        for a in ages:
            running += local[a] / len(members) - overall_age[a] / n
            total += abs(running)
        worst = max(worst, total / (len(ages) - 1))
    assert t_closeness(df, coarse, "age", distance="ordered").t == pytest.approx(worst)


def test_population_risks_on_adult_match_an_independent_count(adult_path, adult_rows):
    population = pd.read_csv(adult_path, sep=";")
    rng = random.Random(5)
    picked = sorted(rng.sample(range(len(adult_rows)), 3000))
    sample = population.iloc[picked]
    qis = ["sex", "age", "race"]
    big_f = Counter(tuple(r[q] for q in qis) for r in adult_rows)
    f = Counter(tuple(adult_rows[i][q] for q in qis) for i in picked)
    per_record = [big_f[tuple(adult_rows[i][q] for q in qis)] for i in picked]
    risk = population_risk(sample, population, qis, k_threshold=5)
    assert risk.journalist_risk_max == pytest.approx(1 / min(per_record))
    assert risk.journalist_risk_avg == pytest.approx(sum(1 / x for x in per_record) / 3000)
    assert risk.journalist_records_at_risk_share == pytest.approx(
        sum(x < 5 for x in per_record) / 3000)
    assert risk.marketer_risk == pytest.approx(sum(f[c] / big_f[c] for c in f) / 3000)
    assert risk.marketer_risk_sample_only == pytest.approx(len(f) / 3000)
    presence = delta_presence(sample, population, qis)
    deltas = [f[c] / big_f[c] for c in big_f]
    assert (presence.delta_min, presence.delta_max) == (pytest.approx(min(deltas)),
                                                       pytest.approx(max(deltas)))
    assert presence.n_population_classes == len(big_f)


def test_utility_by_hand_and_in_the_report(frame_311, boundaries):
    before = pd.DataFrame({"age": [31, 35, 38, 42, 47, 61], "city": list("aabbcc")})
    after = pd.DataFrame({"age_range": ["30-39", "30-39", "30-39", "40-49", "40-49"],
                          "city": list("aabbc")}, index=[0, 1, 2, 3, 4])
    utility = compute_utility(before, after, {"age_range": "age", "city": "city"})
    # 6 distinct ages: 30-39 stands for 3 of them (loss 2/5), 40-49 for 2 (loss 1/5)
    assert utility.loss_per_quasi_identifier["age_range"] == pytest.approx(
        (3 * 2 / 5 + 2 * 1 / 5) / 5)
    assert utility.loss_per_quasi_identifier["city"] == 0.0
    assert utility.share_suppressed == pytest.approx(1 / 6)
    # classes (30-39,a)=2 (30-39,b)=1 (40-49,b)=1 (40-49,c)=1; one suppressed record costs n=6
    assert utility.discernibility == pytest.approx(4 + 1 + 1 + 1 + 6)

    from anonymization.synthetic import POLICY_311

    policy = dict(POLICY_311) | {"sensitive_attributes": ["status"]}
    _, report = anonymize(frame_311, policy, boundaries=boundaries,
                          secret="test-key-0123456789abcdef-not-for-production")
    assert report.utility.share_suppressed == pytest.approx(
        report.totals()["rows_suppressed"] / len(frame_311))
    assert 0 < report.utility.loss_per_quasi_identifier["age_range"] < 1
    assert report.utility.loss_per_quasi_identifier["request_type"] == 0.0
    assert report.t_closeness[0].attribute == "status" and 0 <= report.t_closeness[0].t <= 1
    markdown = report.to_markdown()
    assert "What privacy cost" in markdown and "t-closeness of status" in markdown
    assert np.isfinite(report.to_dict()["utility"]["discernibility"])
