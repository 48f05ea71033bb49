"""Change against the last publication, from stored profiles."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from quality.drift import (
    DriftReport,
    ProfileError,
    compare_to_previous,
    ks_from_quantiles,
    profile_frame,
)
from tests.sample_frames import make_requests

KEYS = ["status", "department", "response_time_hours", "created_at"]


@pytest.fixture(scope="module")
def requests() -> pd.DataFrame:
    return make_requests(n=5000)


@pytest.fixture(scope="module")
def previous(requests) -> dict:
    # stored with the published version: a JSON round trip must not change it
    return json.loads(json.dumps(profile_frame(requests, KEYS)))


def test_profile_is_compact(previous, requests):
    assert previous["row_count"] == len(requests)
    assert set(previous["key_columns"]) == set(KEYS)
    assert previous["key_columns"]["status"]["kind"] == "categorical"
    assert previous["key_columns"]["response_time_hours"]["kind"] == "numeric"
    assert len(json.dumps(previous)) < 20_000


def test_same_data_is_not_flagged(requests, previous):
    report = compare_to_previous(requests, previous)
    assert report.flags == [] and not report.needs_attention
    assert report.row_count_change == 0
    assert {s.column for s in report.distribution_shifts} == set(KEYS)


def test_a_random_sample_of_similar_size_is_not_flagged(requests, previous):
    report = compare_to_previous(requests.sample(frac=0.9, random_state=3), previous)
    assert report.flags == []


def test_a_30_percent_drop_in_records_is_flagged(requests, previous):
    report = compare_to_previous(requests.sample(frac=0.7, random_state=1), previous)
    assert report.needs_attention
    assert report.row_count_change == pytest.approx(-0.3)
    assert report.flags == ["record count fell 30.0% (5,000 → 3,500), beyond the 20% threshold"]


def test_growth_within_threshold_passes_and_above_is_flagged(requests, previous):
    assert not compare_to_previous(pd.concat([requests, requests.head(500)]),
                                   previous).needs_attention
    grown = compare_to_previous(pd.concat([requests, requests.head(1500)]), previous)
    assert grown.flags[0].startswith("record count rose 30.0%")


def test_removed_added_and_retyped_columns_are_flagged(requests, previous):
    current = requests.drop(columns="age_range").assign(
        ward=1, neighbourhood=np.arange(len(requests)) % 8)
    report = compare_to_previous(current, previous)
    assert report.columns_removed == ["age_range"]
    assert report.columns_added == ["ward"]
    assert report.type_changes == {"neighbourhood": ["text", "integer"]}
    assert "column `age_range` was removed" in report.flags
    assert "column `ward` was added" in report.flags
    assert "column `neighbourhood` changed type from text to integer" in report.flags


def test_a_column_going_empty_is_flagged(requests, previous):
    current = requests.copy()
    current.loc[: 2499, "department"] = None
    report = compare_to_previous(current, previous)
    assert "column `department` is 50% empty, up from 0%" in report.flags


def test_categorical_shift_is_flagged(requests, previous):
    current = requests.copy()
    current.loc[current["status"] == "open", "status"] = "closed"
    report = compare_to_previous(current, previous)
    shift = next(s for s in report.distribution_shifts if s.column == "status")
    assert shift.flagged and shift.statistics["total_variation"] == pytest.approx(
        (requests["status"] == "open").mean(), abs=1e-9)
    assert any(flag.startswith("value shares of `status` shifted") and "'open'" in flag
               for flag in report.flags)


def test_numeric_and_date_shifts_are_flagged(requests, previous):
    current = requests.assign(
        response_time_hours=requests["response_time_hours"] * 2,
        created_at=requests["created_at"] + pd.Timedelta(days=120),
    )
    report = compare_to_previous(current, previous)
    flagged = {s.column for s in report.distribution_shifts if s.flagged}
    assert flagged == {"response_time_hours", "created_at"}
    assert any("KS statistic" in flag and "`response_time_hours`" in flag
               for flag in report.flags)


def test_profile_input_equals_frame_input(requests, previous):
    current = requests.sample(frac=0.7, random_state=1)
    from_frame = compare_to_previous(current, previous)
    from_profile = compare_to_previous(profile_frame(current, KEYS), previous)
    assert from_frame.to_dict() == from_profile.to_dict()


def test_first_publication_flags_nothing(requests):
    report = compare_to_previous(requests, None)
    assert report.first_publication and not report.needs_attention
    assert "First publication" in report.to_markdown()


def test_unreadable_profile_is_a_specific_error(requests):
    with pytest.raises(ProfileError, match="re-profile"):
        compare_to_previous(requests, {"rows": 3})


def test_ks_from_quantiles():
    grid = np.linspace(0, 1, 101)
    assert ks_from_quantiles(list(grid), list(grid)) == 0.0
    assert ks_from_quantiles(list(grid), list(grid + 5)) == 1.0
    rng = np.random.default_rng(0)
    a, b = rng.normal(0, 1, 20_000), rng.normal(0.5, 1, 20_000)
    exact = 0.1974  # KS between N(0,1) and N(0.5,1): 2*Phi(0.25)-1
    approx = ks_from_quantiles(list(np.quantile(a, grid)), list(np.quantile(b, grid)))
    assert approx == pytest.approx(exact, abs=0.02)


def test_report_round_trip_and_markdown(requests, previous):
    report = compare_to_previous(requests.drop(columns="age_range").head(3000), previous)
    data = json.loads(json.dumps(report.to_dict()))
    assert data["needs_attention"] is True
    assert DriftReport.from_dict(data) == report
    markdown = report.to_markdown()
    assert "**Needs attention:**" in markdown and "`age_range` was removed" in markdown
