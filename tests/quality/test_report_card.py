"""Quality report card: scores, grade and recommendations that name real problems."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pandas as pd
import pytest

from metadata.dictionary import infer_dictionary
from metadata.specs import ConsistencyRule, Validation
from metadata.update_frequency import expected_update_interval
from quality.report_card import WEIGHTS, QualityReport, grade_for, quality_report
from quality.validation import validate
from tests.sample_frames import make_requests

SPEC_VALIDATION = Validation(
    timestamp_column="created_at",
    consistency=[ConsistencyRule(name="closed_after_created",
                                 expression="closed_at >= created_at",
                                 where="status == 'closed'")],
)
DBT_PASSING = [{"name": "not_null_requests_request_id", "status": "pass"},
               {"name": "unique_requests_request_id", "status": "pass"}]


@pytest.fixture(scope="module")
def requests() -> pd.DataFrame:
    return make_requests(n=3000)


@pytest.fixture(scope="module")
def dictionary(requests):
    return infer_dictionary(requests, primary_key="request_id")


@pytest.fixture(scope="module")
def fresh_now(requests) -> datetime:
    return requests["created_at"].max() + pd.Timedelta(hours=12)


def _report(frame, dictionary, now, **kwargs):
    kwargs.setdefault("dbt_test_results", DBT_PASSING)
    return quality_report(frame, dictionary=dictionary, spec_validation=SPEC_VALIDATION,
                          update_frequency="daily", now=now, **kwargs)


def test_weights_sum_to_one():
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)
    assert [grade_for(s) for s in (95, 85, 75, 65, 10)] == ["A", "B", "C", "D", "F"]


def test_clean_data_earns_an_a_and_no_advice(requests, dictionary, fresh_now):
    report = _report(requests, dictionary, fresh_now)
    assert report.grade == "A"
    # closed_at and response_time_hours are empty by design for open requests: no advice
    assert report.recommendations == []
    for name in ("validity", "consistency", "timeliness", "uniqueness", "dbt_tests"):
        assert report.dimensions[name].score == 100.0, name
    filled = 1 - requests.isna().to_numpy().mean()
    assert report.dimensions["completeness"].score == pytest.approx(100 * filled, abs=0.05)


def test_degraded_frame_gets_recommendations_naming_the_problems(requests, dictionary,
                                                                fresh_now):
    frame = requests.copy()
    closed = frame.index[frame["status"] == "closed"]
    emptied = closed[: int(0.4 * len(closed))]
    frame.loc[emptied, "closed_at"] = pd.NaT
    backwards = closed[-12:]
    frame.loc[backwards, "closed_at"] = frame.loc[backwards, "created_at"] - pd.Timedelta(hours=2)
    frame.loc[1000:1199, "neighbourhood"] = None
    copies = frame[frame["status"] == "open"].head(6)  # six copied rows, six duplicated keys
    frame = pd.concat([frame, copies], ignore_index=True)

    newest = requests["created_at"].max()
    report = _report(frame, dictionary, newest + pd.Timedelta(days=45),
                     dbt_test_results=[*DBT_PASSING,
                                       {"name": "accepted_values_status", "status": "fail"}])
    advice = "\n".join(report.recommendations)
    assert f"column `closed_at` is 40% empty for status=closed ({len(emptied):,} rows)" in advice
    assert ("12 rows have closed_at before created_at where status == 'closed' "
            "(rule `closed_after_created`)") in advice
    assert "newest record is 45 days old but the dataset is updated daily" in advice
    assert "6 rows (<1%) are exact copies of another row" in advice
    assert "key `request_id` has 6 duplicated values" in advice
    assert "column `request_id` must be unique but 12 rows share a value" in advice
    assert "column `neighbourhood` is 7% empty (200 rows)" in advice
    assert "column `neighbourhood` has 200 empty values but must never be empty" in advice
    assert "dbt test `accepted_values_status` failed" in advice
    assert "status=open" not in advice and "response_time_hours" not in advice

    clean = _report(requests, dictionary, fresh_now)
    assert report.overall_score < clean.overall_score - 10
    assert report.dimensions["timeliness"].score == 0.0
    assert report.dimensions["dbt_tests"].score == pytest.approx(200 / 3, abs=0.1)
    rule = report.dimensions["consistency"].details["rules"][0]
    assert rule["failing_rows"] == 12


def test_a_group_that_stands_out_is_named(requests, dictionary, fresh_now):
    frame = requests.copy()
    parks = frame.index[frame["department"] == "Parks"]
    frame.loc[parks[: int(0.6 * len(parks))], "neighbourhood"] = None
    advice = _report(frame, dictionary, fresh_now).recommendations
    assert any(text.startswith("column `neighbourhood` is 60% empty for department=Parks")
               for text in advice), advice


def test_unassessed_dimensions_are_left_out_of_the_score(requests, dictionary):
    report = quality_report(requests, dictionary=dictionary)
    assessed = {n for n, d in report.dimensions.items() if d.assessed}
    assert assessed == {"completeness", "validity", "uniqueness"}
    dims = report.dimensions
    expected = sum(dims[n].score * WEIGHTS[n] for n in assessed) / sum(
        WEIGHTS[n] for n in assessed)
    assert report.overall_score == pytest.approx(expected, abs=0.05)


def test_broken_rule_is_reported_not_raised(requests, dictionary, fresh_now):
    spec = Validation(consistency=[ConsistencyRule(name="typo", expression="closd_at > 0")])
    report = quality_report(requests, dictionary=dictionary, spec_validation=spec, now=fresh_now)
    assert report.dimensions["consistency"].score == 0.0
    assert report.recommendations[0].startswith("consistency rule `typo` could not be checked")


def test_validation_outcome_feeds_validity(requests, dictionary, fresh_now):
    frame = requests.copy()
    frame.loc[:299, "status"] = "pending"
    outcome = validate(frame, dictionary)
    report = _report(frame, dictionary, fresh_now, validation_outcome=outcome)
    assert report.dimensions["validity"].score == pytest.approx(
        100 * (1 - 300 / (3000 * 9)), abs=0.05)
    assert any(text.startswith("column `status` has 300 values outside its allowed values "
                               "(e.g. 'pending')") for text in report.recommendations)


def test_timeliness_handles_time_zones_and_future_dates(requests, dictionary, fresh_now):
    frame = requests.assign(created_at=requests["created_at"].dt.tz_localize("America/Toronto"))
    now = datetime(2030, 1, 1, tzinfo=timezone(timedelta(hours=-5)))
    report = quality_report(frame, dictionary=dictionary, spec_validation=SPEC_VALIDATION,
                            update_frequency="weekly", now=now)
    assert report.dimensions["timeliness"].details["age_days"] > 365 * 5
    frame.loc[0, "created_at"] = pd.Timestamp("2031-06-01", tz="America/Toronto")
    report = quality_report(frame, dictionary=dictionary, spec_validation=SPEC_VALIDATION,
                            update_frequency="weekly", now=now)
    assert "1 row have `created_at` in the future" not in report.recommendations
    assert any("in the future" in text for text in report.recommendations)


@pytest.mark.parametrize(("frequency", "schedule", "days"), [
    ("daily", None, 1),
    ("Weekly", None, 7),
    ("http://publications.europa.eu/resource/authority/frequency/QUARTERLY", None, 92),
    ("annual", "0 6 * * *", 366),
    (None, "0 6 * * *", 1),
    (None, "30 2 * * 1", 7),
    (None, "0 6 1 * *", 31),
    (None, "@hourly", 1 / 24),
    ("irregular", None, None),
    (None, None, None),
])
def test_expected_update_interval(frequency, schedule, days):
    interval = expected_update_interval(frequency, schedule)
    assert (interval / timedelta(days=1) if interval else None) == (
        pytest.approx(days) if days else None)


def test_report_round_trip_and_markdown(requests, dictionary, fresh_now):
    report = _report(requests.head(2000), dictionary, fresh_now + pd.Timedelta(days=3))
    data = json.loads(json.dumps(report.to_dict()))
    assert data["dimensions"]["timeliness"]["assessed"] is True
    assert QualityReport.from_dict(data).to_dict() == report.to_dict()
    markdown = report.to_markdown()
    assert markdown.startswith(f"### Quality: {report.grade}")
    assert "| timeliness |" in markdown and "**Recommendations**" in markdown


def test_timestamps_generalized_to_a_period_reach_to_its_end(requests, dictionary):
    # every record stamped with the first day of its month, as the `month` operator does
    frame = requests.assign(created_at=pd.Timestamp("2026-11-01", tz="UTC"))
    now = datetime(2026, 11, 29, 12, tzinfo=UTC)

    def timeliness(resolution: str | None):
        return quality_report(frame, dictionary=dictionary, spec_validation=SPEC_VALIDATION,
                              update_frequency="daily", now=now,
                              timestamp_resolution=resolution).dimensions["timeliness"]

    # read as exact times, November's records look four weeks old
    assert timeliness(None).score == 0.0
    # read as months, November may hold records up to now
    as_months = timeliness("month")
    assert as_months.score == 100.0 and as_months.details["age_days"] == 0
    # a week's generalization of a month-old stamp is still late
    assert timeliness("week").score == 0.0
