"""The choropleth's classes and measures: quantile bounds that are values of the data,
about as many areas per class, equal bounds merged; the default measure a rate."""

from __future__ import annotations

import pytest

from api.portal.areas import (
    SHADES,
    AreaLayer,
    Measure,
    area_measures,
    choropleth,
    class_breaks,
    class_colours,
    class_of,
    default_measure,
    legend,
)
from api.portal.i18n import translator
from api.query.schema import table_schema


def test_quantile_bounds_put_as_many_values_in_each_class():
    values = list(range(1, 11))
    breaks = class_breaks(values)
    assert breaks == [2, 4, 6, 8, 10]
    per_class = [sum(1 for v in values if class_of(v, breaks) == i) for i in range(5)]
    assert per_class == [2, 2, 2, 2, 2]
    # 99 councils: 20, 20, 20, 20, 19
    councils = [v * 1.5 for v in range(99)]
    breaks = class_breaks(councils)
    assert [sum(1 for v in councils if class_of(v, breaks) == i) for i in range(5)] == [
        20, 20, 20, 20, 19]
    assert all(bound in councils for bound in breaks)


def test_bounds_ignore_missing_values_and_merge_when_equal():
    assert class_breaks([]) == [] and class_breaks([None, float("nan")]) == []
    assert class_breaks([0, 0, 0, 0, 0, 0, 0, 0, 1, 5]) == [0, 5]
    assert class_breaks([7, 7, 7]) == [7]
    assert class_breaks([3, None, 1, 2], classes=3) == [1, 2, 3]
    assert class_of(0, [0, 5]) == 0 and class_of(0.5, [0, 5]) == 1 and class_of(5, [0, 5]) == 1


def test_colours_run_from_lightest_to_darkest_and_the_legend_reads_the_ranges():
    assert class_colours(5) == list(SHADES)
    assert class_colours(2) == [SHADES[0], SHADES[-1]]
    assert class_colours(1) == [SHADES[-1]] and class_colours(0) == []
    drawn = choropleth([Measure("count", "Records", "count")],
                       {"count": {"a": 1, "b": 2, "c": 3, "d": 40, "e": 1234.5}})[0]
    assert drawn["breaks"] == [1, 2, 3, 40, 1234.5]
    assert legend(drawn) == [(SHADES[0], "1"), (SHADES[1], "1 – 2"), (SHADES[2], "2 – 3"),
                             (SHADES[3], "3 – 40"), (SHADES[4], "40 – 1,234.50")]


def _schema(columns: dict[str, str]):
    return table_schema({"slug": "t", "version": 1, "table_name": "t_v1", "row_count": 1,
                         "columns": [{"name": n, "type": t} for n, t in columns.items()],
                         "dictionary": {"columns": [{"name": n, "type": t}
                                                    for n, t in columns.items()]}})


@pytest.mark.parametrize(("primary_key", "expected", "default"), [
    # one row per council: each numeric column's value, the first rate by default
    ("council_id", ["avg_population", "avg_requests", "avg_requests_per_1000_residents"],
     "avg_requests_per_1000_residents"),
    # many rows per council: the number of records, totals and averages
    ("request_id", ["count", "sum_population", "sum_requests",
                    "avg_requests_per_1000_residents"], "avg_requests_per_1000_residents"),
])
def test_measures_depend_on_the_rows_per_area(primary_key, expected, default):
    schema = _schema({"request_id": "text", "council_id": "integer",
                      "reported_council_id": "integer", "population": "integer",
                      "requests": "integer", "requests_per_1000_residents": "number"})
    layer = AreaLayer("council_id", "council_id", "council_name", dataset="councils")
    measures = area_measures(schema, {}, layer, primary_key=primary_key,
                             t=translator("en"))
    assert [m.id for m in measures] == expected
    assert default_measure(measures).id == default


def test_without_a_rate_the_default_is_the_number_of_records():
    schema = _schema({"council_id": "integer", "hours_to_close": "number"})
    layer = AreaLayer("council_id", "council_id", "council_id", dataset="councils")
    measures = area_measures(schema, {}, layer, primary_key=None, t=translator("fr"))
    assert [(m.id, m.label) for m in measures] == [
        ("count", "Nombre d'enregistrements"), ("avg_hours_to_close", "hours_to_close, moyenne")]
    assert default_measure(measures).id == "count"


def test_the_spec_lists_the_measures_offered():
    schema = _schema({"council_id": "integer", "council_district": "integer",
                      "requests": "integer", "share": "number", "name": "text"})
    layer = AreaLayer("council_id", "council_id", "council_id", dataset="councils",
                      measures=("requests", "share", "name"))
    measures = area_measures(schema, {}, layer, primary_key=None, t=translator("en"))
    assert [(m.id, m.aggregate) for m in measures] == [
        ("count", "count"), ("sum_requests", "sum(requests)"), ("avg_share", "avg(share)")]
