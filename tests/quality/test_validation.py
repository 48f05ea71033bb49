"""Pandera schema built from the data dictionary: each rule catches a real violation."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from metadata.dictionary import infer_dictionary
from metadata.specs import DictionaryColumn
from quality.validation import ValidationOutcome, build_schema, validate
from tests.sample_frames import make_requests


@pytest.fixture(scope="module")
def requests() -> pd.DataFrame:
    return make_requests()


@pytest.fixture(scope="module")
def dictionary(requests):
    return infer_dictionary(
        requests.assign(visits=np.arange(len(requests)) % 7),
        primary_key="request_id",
        overrides={"response_time_hours": DictionaryColumn(minimum=0, maximum=2000)},
    )


@pytest.fixture
def clean(requests):
    return requests.assign(visits=np.arange(len(requests)) % 7)


def test_schema_is_strict_and_holds_every_column(dictionary):
    schema = build_schema(dictionary)
    assert schema.strict is True
    assert list(schema.columns) == dictionary.column_names
    assert [c.name for c in schema.columns["request_id"].checks] == ["type", "unique"]
    assert not schema.columns["status"].nullable


def test_clean_data_passes(clean, dictionary):
    outcome = validate(clean, dictionary)
    assert outcome.passed
    assert outcome.failure_counts == {} and outcome.failure_cases == []
    assert outcome.valid_share == 1.0


def _wrong_type(df):
    df["visits"] = df["visits"].astype(object)
    df.loc[3, "visits"] = "seven"


def _whole_column_as_text(df):
    df["visits"] = df["visits"].astype(str)


def _out_of_range(df):
    df.loc[[10, 11], "response_time_hours"] = -4.0


def _after_newest_date(df):
    df.loc[12, "created_at"] = pd.Timestamp("2031-01-01")


def _missing_column(df):
    del df["age_range"]


def _unexpected_column(df):
    df["caller_phone"] = "613-555-0100"


def _duplicate_key(df):
    df.loc[8, "request_id"] = df.loc[7, "request_id"]


def _null_in_non_nullable(df):
    df.loc[9, "department"] = None


def _value_not_allowed(df):
    df.loc[[1, 2, 3], "status"] = "pending"


@pytest.mark.parametrize(("damage", "rule", "count"), [
    (_wrong_type, "visits:type", 1),
    (_whole_column_as_text, "visits:type", 2000),
    (_out_of_range, "response_time_hours:minimum", 2),
    (_after_newest_date, "created_at:maximum", 1),
    (_missing_column, "age_range:present", 1),
    (_unexpected_column, "caller_phone:unexpected", 1),
    (_duplicate_key, "request_id:unique", 2),
    (_null_in_non_nullable, "department:not_null", 1),
    (_value_not_allowed, "status:allowed_values", 3),
])
def test_each_rule_catches_its_violation(clean, dictionary, damage, rule, count):
    frame = clean.copy()
    damage(frame)
    outcome = validate(frame, dictionary)
    assert not outcome.passed
    assert outcome.failure_counts == {rule: count}
    column, _, check = rule.partition(":")
    assert any(case["column"] == column and case["rule"] == check
               for case in outcome.failure_cases)
    json.dumps(outcome.to_dict())


def test_missing_and_unexpected_columns_are_listed(clean, dictionary):
    frame = clean.drop(columns="age_range").assign(extra=1)
    outcome = validate(frame, dictionary)
    assert outcome.missing_columns == ["age_range"]
    assert outcome.unexpected_columns == ["extra"]
    assert outcome.invalid_values_by_column == {"age_range": len(frame)}


def test_counts_are_exact_while_failure_cases_are_capped(clean, dictionary):
    frame = clean.copy()
    frame.loc[: 1499, "status"] = "pending"
    frame.loc[: 999, "response_time_hours"] = 5000.0
    outcome = validate(frame, dictionary)
    assert outcome.failure_counts == {"status:allowed_values": 1500,
                                      "response_time_hours:maximum": 1000}
    assert len(outcome.failure_cases) == 20
    first = outcome.failure_cases[0]
    assert set(first) == {"column", "rule", "value", "index"} and first["index"] == 0
    assert outcome.valid_share == pytest.approx(1 - 2500 / (2000 * 10))


def test_declared_bounds_only(clean, dictionary):
    frame = clean.copy()
    frame.loc[12, "created_at"] = pd.Timestamp("2031-01-01")  # beyond the inferred maximum
    frame.loc[13, "response_time_hours"] = 2500.0  # beyond the declared maximum
    outcome = validate(frame, dictionary, inferred_bounds=False)
    assert outcome.failure_counts == {"response_time_hours:maximum": 1}


def test_bad_data_never_raises(dictionary):
    garbage = pd.DataFrame({
        "request_id": [["a"], ["a"], None],  # unhashable values in a unique column
        "created_at": ["yesterday", 3, None],
        "status": [1.5, {"x": 1}, "open"],
        "visits": [True, False, None],
        "response_time_hours": ["fast", -1, 1e9],
    })
    outcome = validate(garbage, dictionary)
    assert not outcome.passed
    assert outcome.failure_counts["created_at:type"] == 2
    assert outcome.failure_counts["visits:type"] == 2
    assert "department:present" in outcome.failure_counts
    json.dumps(outcome.to_dict())


def test_outcome_round_trip_and_markdown(clean, dictionary):
    frame = clean.copy()
    frame.loc[1, "status"] = "pending"
    outcome = validate(frame, dictionary)
    restored = ValidationOutcome.from_dict(json.loads(json.dumps(outcome.to_dict())))
    assert restored == outcome
    markdown = outcome.to_markdown()
    assert "**failed**" in markdown
    assert "| `status:allowed_values` | 1 |" in markdown
    assert "| `status` | allowed_values | pending | 1 |" in markdown
