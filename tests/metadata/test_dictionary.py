"""Data dictionary inference, spec overrides and their mismatch reports."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from metadata.column_types import UnknownColumnTypeError
from metadata.dictionary import DataDictionary, infer_dictionary
from metadata.specs import Bilingual, DictionaryColumn
from tests.sample_frames import make_requests


@pytest.fixture(scope="module")
def requests() -> pd.DataFrame:
    return make_requests()


def test_infers_types_ranges_categoricals_and_examples(requests):
    frame = requests.assign(
        reopened=requests["status"] == "open",
        visits=np.arange(len(requests)) % 7,
        service_date=requests["created_at"].dt.normalize(),
        location=[Point(-75.7 + i * 1e-4, 45.4) for i in range(len(requests))],
    )
    dictionary = infer_dictionary(frame, primary_key="request_id")
    types = {entry.name: entry.type for entry in dictionary.columns}
    assert types == {
        "request_id": "text", "created_at": "datetime", "closed_at": "datetime",
        "status": "text", "request_type": "text", "department": "text",
        "neighbourhood": "text", "age_range": "text", "response_time_hours": "number",
        "reopened": "boolean", "visits": "integer", "service_date": "date",
        "location": "geometry",
    }
    assert dictionary.row_count == len(frame)

    status = dictionary.column("status")
    assert status.allowed_values == ["closed", "in_progress", "open"]
    assert not status.nullable and not status.unique
    assert dictionary.column("request_id").allowed_values is None  # 2,000 distinct
    key = dictionary.column("request_id")
    assert key.unique and not key.nullable and key.declared == ["unique", "nullable"]

    visits = dictionary.column("visits")
    assert (visits.minimum, visits.maximum) == (0, 6)
    hours = dictionary.column("response_time_hours")
    assert hours.nullable and hours.null_count == int(frame["response_time_hours"].isna().sum())
    assert hours.minimum == pytest.approx(frame["response_time_hours"].min())
    assert dictionary.column("created_at").minimum == frame["created_at"].min().isoformat()
    assert dictionary.column("service_date").maximum == (
        frame["service_date"].max().date().isoformat())

    for entry in dictionary.columns:
        assert 1 <= len(entry.examples) <= 3
        assert entry.description == {"en": "", "fr": ""}
    assert dictionary.override_problems == []


def test_integer_column_widened_to_float_by_gaps_stays_integer():
    frame = pd.DataFrame({"ward": [1.0, 2.0, np.nan, 4.0]})
    assert infer_dictionary(frame).column("ward").type == "integer"


def test_overrides_apply_and_are_marked_declared(requests):
    dictionary = infer_dictionary(requests, overrides={
        "response_time_hours": DictionaryColumn(
            description=Bilingual(en="Hours from request to closure",
                                  fr="Heures entre la demande et la fermeture"),
            unit="h", minimum=0, maximum=1000),
        "status": DictionaryColumn(allowed_values=["open", "closed", "in_progress"]),
    })
    hours = dictionary.column("response_time_hours")
    assert hours.description == {"en": "Hours from request to closure",
                                 "fr": "Heures entre la demande et la fermeture"}
    assert (hours.unit, hours.minimum, hours.maximum) == ("h", 0, 1000)
    assert set(hours.declared) == {"description.en", "description.fr", "unit", "minimum",
                                   "maximum"}
    assert dictionary.column("status").allowed_values == ["open", "closed", "in_progress"]
    assert dictionary.override_problems == []


def test_overrides_the_data_no_longer_keeps_are_reported(requests):
    frame = requests.copy()
    frame.loc[:1202, "status"] = "pending"
    frame.loc[5, "request_id"] = frame.loc[4, "request_id"]
    dictionary = infer_dictionary(frame, primary_key="request_id", overrides={
        "status": DictionaryColumn(allowed_values=["open", "closed"]),
        "ward": DictionaryColumn(unit="ward number"),
        "response_time_hours": DictionaryColumn(maximum=50),
        "closed_at": DictionaryColumn(nullable=False),
        "department": DictionaryColumn(type="integer"),
    })
    problems = dictionary.override_problems
    in_progress = int((frame["status"] == "in_progress").sum())
    assert any(p.startswith("column `status`: override allows ['open', 'closed'] but data "
                            "has 'pending' (1,203 rows)") for p in problems), problems
    assert any(f"'in_progress' ({in_progress:,} rows)" in p for p in problems)
    assert "override for column `ward`, which is not in the data" in problems
    above = int((frame["response_time_hours"] > 50).sum())
    assert any(p.startswith(f"column `response_time_hours`: override maximum 50 but "
                            f"{above:,} rows are above it") for p in problems)
    assert any(p.startswith("column `closed_at`: override says it is never empty")
               for p in problems)
    assert any(p.startswith("column `department`: override type 'integer' but 2,000 rows")
               for p in problems)
    assert any(p.startswith("primary key `request_id` is not unique: 2 rows") for p in problems)
    assert dictionary.column("department").allowed_values is None  # text values dropped


def test_unknown_override_type_is_a_spec_error(requests):
    with pytest.raises(UnknownColumnTypeError, match="unknown column type 'string'"):
        infer_dictionary(requests, overrides={"status": DictionaryColumn(type="string")})


def test_missing_primary_key_is_reported(requests):
    dictionary = infer_dictionary(requests, primary_key="id")
    assert dictionary.override_problems == ["primary key `id` is not a column of the data"]


def test_json_round_trip_and_markdown(requests):
    dictionary = infer_dictionary(
        requests, primary_key="request_id",
        overrides={"status": DictionaryColumn(allowed_values=["open", "closed"], unit="n/a")},
    )
    data = json.loads(json.dumps(dictionary.to_dict()))
    restored = DataDictionary.from_dict(data)
    assert restored == dictionary
    markdown = dictionary.to_markdown()
    assert "| `status` | text | no |" in markdown
    assert "primary key `request_id`" in markdown
    assert "Spec overrides the data no longer matches" in markdown
    assert "_(no description)_" in markdown
