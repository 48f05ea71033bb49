"""Metadata completeness: weighted share of recommended fields, per language."""

from __future__ import annotations

import pytest

from metadata.completeness import WEIGHTS, completeness
from metadata.specs import DatasetSpec

OGL = "https://open.canada.ca/en/open-government-licence-canada"


def make_spec(*, title=None, **metadata_overrides) -> DatasetSpec:
    metadata = {
        "description": {"en": "Collisions on city roads.", "fr": "Collisions sur les routes."},
        "keywords": {"en": ["traffic"], "fr": ["circulation"]},
        "publisher": "City of Riverton",
        "contact_point": {"name": "Open Data Team", "email": "open.data@riverton.example.ca"},
        "license": {"title": "Open Government Licence - Canada", "uri": OGL},
        "update_frequency": "monthly",
        "temporal_coverage": {"start": "2019-01-01"},
        "spatial_coverage": {"name": "City of Riverton"},
        "themes": ["transport"],
        "quality_notes": {"en": "Geocoded.", "fr": "Géocodé."},
        "landing_page": "https://open.riverton.example.ca/datasets/road_collisions",
    }
    metadata.update(metadata_overrides)
    return DatasetSpec.model_validate(
        {
            "slug": "road_collisions",
            "title": title or {"en": "Road collisions", "fr": "Collisions routières"},
            "source": {"type": "file", "format": "csv", "path": "x.csv"},
            "metadata": metadata,
        }
    )


DICTIONARY = {
    "columns": [
        {
            "name": "collision_id",
            "type": "integer",
            "description": {"en": "Identifier", "fr": "Identifiant"},
        },
        {"name": "severity", "type": "text", "description": {"en": "Severity", "fr": "Gravité"}},
    ]
}


def test_weights_sum_to_one_hundred():
    assert sum(WEIGHTS.values()) == 100


def test_complete_metadata_scores_one_and_passes():
    report = completeness(make_spec(), columns=DICTIONARY)
    assert report.score == pytest.approx(1.0)
    assert report.missing == []
    assert report.passed() and report.passed(0.99)


def test_missing_french_title_is_held_back_and_named():
    report = completeness(make_spec(title={"en": "Road collisions"}), columns=DICTIONARY)
    assert report.missing == ["title.fr"]
    assert report.score == pytest.approx(0.88)
    assert not report.passed()
    assert "`title.fr`" in report.to_markdown()


def test_missing_licence_is_held_back_and_named():
    report = completeness(make_spec(license={}), columns=DICTIONARY)
    assert report.missing == ["license"]
    assert report.score < 0.9
    assert not report.passed(0.9)
    assert report.to_dict()["missing"] == ["license"]
    assert report.to_dict()["passed"] is False


def test_missing_french_title_and_licence_together():
    report = completeness(
        make_spec(title={"en": "Road collisions", "fr": ""}, license={}), columns=DICTIONARY
    )
    assert set(report.missing) == {"title.fr", "license"}
    assert report.score == pytest.approx(0.76)


def test_languages_count_separately():
    report = completeness(
        make_spec(description={"en": "Collisions.", "fr": None}, keywords={"en": ["a"], "fr": []}),
        columns=DICTIONARY,
    )
    assert report.missing == ["description.fr", "keywords.fr"]
    assert report.score == pytest.approx(0.86)


def test_dictionary_descriptions_count_in_proportion():
    dictionary = {
        "columns": DICTIONARY["columns"]
        + [
            {"name": "ward", "type": "text", "description": {"en": "Ward", "fr": ""}},
            {"name": "notes", "type": "text", "description": {"en": "", "fr": ""}},
        ]
    }
    report = completeness(make_spec(), columns=dictionary)
    assert report.fields["dictionary.en"] == pytest.approx(0.75)
    assert report.fields["dictionary.fr"] == pytest.approx(0.5)
    assert report.missing == ["dictionary.en", "dictionary.fr"]
    assert "notes" in report.details["dictionary.en"]
    assert report.score == pytest.approx(1 - (0.25 * 3 + 0.5 * 3) / 100)


def test_bare_column_names_use_the_spec_dictionary_overrides():
    overrides = {"severity": {"description": {"en": "Severity", "fr": "Gravité"}}}
    spec = DatasetSpec.model_validate({**make_spec().model_dump(), "dictionary": overrides})
    report = completeness(spec, columns=["severity", "collision_id"])
    assert report.fields["dictionary.en"] == pytest.approx(0.5)
    assert "collision_id" in report.details["dictionary.fr"]


def test_spatial_coverage_from_the_data_counts():
    spec = make_spec(spatial_coverage={})
    assert "spatial_coverage" in completeness(spec, columns=DICTIONARY).missing
    assert "spatial_coverage" not in completeness(spec, columns=DICTIONARY, has_bbox=True).missing


def test_no_dictionary_is_missing():
    report = completeness(make_spec(), columns=None)
    assert {"dictionary.en", "dictionary.fr"} <= set(report.missing)
    assert report.details["dictionary.en"] == "no data dictionary"


def test_dcat_mandatory_fields_block_even_a_low_threshold():
    report = completeness(make_spec(description={"en": None, "fr": None}), columns=DICTIONARY)
    assert report.mandatory_missing == ["description.en or description.fr"]
    assert not report.passed(0.5)


def test_threshold_comes_from_the_spec():
    report = completeness(make_spec(license={}, completeness_threshold=0.8), columns=DICTIONARY)
    assert report.threshold == 0.8
    assert report.passed()
    assert not report.passed(0.9)


def test_markdown_lists_every_field_and_the_verdict():
    text = completeness(make_spec(license={}), columns=DICTIONARY).to_markdown()
    assert "held back" in text and "88%" in text
    for name in WEIGHTS:
        assert f"`{name}`" in text


def test_a_time_span_computed_from_the_data_counts_as_temporal_coverage():
    spec = DatasetSpec.model_validate({
        "slug": "timed", "title": {"en": "T", "fr": "T"},
        "source": {"type": "file", "path": "t.csv"}})
    assert "temporal_coverage" in completeness(spec).missing
    assert "temporal_coverage" not in completeness(spec, has_temporal=True).missing
