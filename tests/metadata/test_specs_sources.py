"""Spec sources beyond one file: datasets derived in dbt, further files, a spatial step."""

import pytest

from metadata.specs import SpecError, parse_spec

BASE = {"slug": "demo", "title": {"en": "Demo"}}


def test_a_derived_dataset_names_its_mart_and_has_no_raw():
    spec = parse_spec({**BASE, "dbt": {"mart": "demo_mart"}}, source="x.yaml")
    assert spec.source is None and spec.with_variables({}).source is None
    with pytest.raises(SpecError, match="a dataset without a source is made by dbt"):
        parse_spec(BASE, source="x.yaml")


def test_further_files_are_named_like_tables_and_expand_variables():
    source = {"type": "file", "path": "a.csv"}
    spec = parse_spec({**BASE, "source": source,
                       "extracts": {"population": {"type": "file",
                                                   "path": "${CIVIC_VAR_DIR}/p.csv"}}},
                      source="x.yaml", variables={"CIVIC_VAR_DIR": "/var/civic"})
    assert spec.extracts["population"].path == "/var/civic/p.csv"
    for bad in ("Population", "geography"):
        with pytest.raises(SpecError, match="extracts"):
            parse_spec({**BASE, "source": source, "extracts": {bad: source}}, source="x.yaml")


def test_a_spatial_step_does_something_and_needs_a_source():
    source = {"type": "file", "path": "a.csv"}
    within = {"dataset": "areas", "area_key": "nc_id", "latitude": "lat", "longitude": "lon"}
    spec = parse_spec({**BASE, "source": source,
                       "geography": {"key": "id", "within": within}}, source="x.yaml")
    assert spec.geography.within.geometry == "geometry" and not spec.geography.area_km2
    with pytest.raises(SpecError, match="set area_km2"):
        parse_spec({**BASE, "source": source, "geography": {"key": "id"}}, source="x.yaml")
    with pytest.raises(SpecError, match="need the dataset's source"):
        parse_spec({**BASE, "dbt": {"mart": "m"}, "geography": {"key": "id", "area_km2": True}},
                   source="x.yaml")
