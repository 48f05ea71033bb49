"""The shared bad-input corpora: csv-spectrum (values compared with the expected JSON) and
frictionless-py's edge cases (each either loads as asserted or fails with a clear message)."""

from __future__ import annotations

import json

import pytest

from civic_assets.ingest import IngestError, ingest_file
from tests.civic_assets.ingest.ingest_helpers import SHARED, raw_rows

SPECTRUM = SHARED / "bad-input/csv-spectrum"
FRICTIONLESS = SHARED / "bad-input/frictionless"


@pytest.mark.parametrize("name", sorted(p.stem for p in (SPECTRUM / "csvs").glob("*.csv")))
def test_csv_spectrum_values(database_url, name):
    expected = json.loads((SPECTRUM / "json" / f"{name}.json").read_text(encoding="utf-8"))
    expected = expected if isinstance(expected, list) else [expected]
    slug = f"spectrum_{name}"
    result = ingest_file(SPECTRUM / "csvs" / f"{name}.csv", slug=slug, database_url=database_url)
    originals = [c["original_name"] for c in result.columns]
    assert originals == list(expected[0].keys())
    # raw keeps empty values as NULL; the expected JSON writes them as ""
    got = [dict(zip(originals, ["" if v is None else v for v in row], strict=True))
           for row in raw_rows(database_url, slug)]
    if name == "location_coordinates":
        # upstream's expected JSON has a different phone number than its own CSV
        assert got[0].pop("Contact Phone Number") == "2095257564"
        expected[0].pop("Contact Phone Number")
    assert got == expected


# file -> (record count, {column: type} subset, options) for files that must load
LOADS = {
    "accent.csv": (2, {"accessibilite": "text", "xlongitude": "number"}, {}),
    "ascii-notvalid.csv": (1, {"a": "integer"}, {}),
    "blank-cells.csv": (5, {"id": "integer", "name": "text"}, {}),
    "blank-headers.csv": (2, {"id": "integer", "column_2": "text", "age": "integer"}, {}),
    # rows of empty values are records (all NULL): raw keeps what the file holds
    "blank-rows-multiple.csv": (13, {"id": "integer"}, {}),
    "blank-rows.csv": (3, {"age": "integer"}, {}),
    "bom.csv": (2, {"id": "integer", "name": "text"}, {}),
    "delimiter.csv": (2, {"id": "integer"}, {}),
    "doublequote.csv": (5, {"ano": "integer"}, {}),
    "duplicate-rows.csv": (3, {"id": "integer"}, {}),
    "encoding-issue-274.csv": (507, {"id": "text", "url": "text"}, {}),
    "escaping.csv": (3, {"id": "integer", "test": "text"}, {}),
    "issue-1009-semicolon.csv": (1, {"field_name_a": "text"}, {}),  # 0123 keeps its zero
    "issue-1105-timezone.csv": (2, {"timestamp": "datetime"}, {}),
    "issue-905_bad.csv": (1, {"name": "text"}, {}),
    "latin1.csv": (2, {"name": "text"}, {}),
    "leading-zeros.csv": (3, {"value": "text"}, {}),
    "matrix-with-comment.csv": (4, {"f1": "integer"}, {"skip_rows": 1}),
    "skip-rows-before-headers.csv": (2, {"id": "integer"}, {"skip_rows": 1}),
    "table-infer-iso-8859-7.csv": (4, {"age": "integer"}, {"encoding": "iso-8859-7"}),
    "table-infer-missing-values.csv": (7, {"id": "text", "age": "integer"}, {}),
    "table-unicode-headers.csv": (2, {"id": "integer", "国人": "text"}, {}),
    "table-with-accents.csv": (638, {"annee": "integer", "classement": "text"}, {}),
    "without-headers.csv": (3, {"column_1": "integer", "column_2": "text"}, {}),
}
FAILS = {
    "capital-invalid.csv": r"duplicate column name: header 'name' \(column 2\) and header "
                           r"'name' \(column 3\)",
    "defective-rows.csv": r"row has 2 values but the header has 3 columns \(line 2\)",
    # `2| -|##` holds three values under a two-column header, whatever the quote character
    "dialect.csv": r"row has 3 values but the header has 2 columns \(line 3\)",
    "duplicate-column.csv": r"duplicate column name: header 'B' \(column 2\)",
    "duplicate-headers.csv": r"duplicate column name: header 'id' \(column 1\)",
    "empty.csv": r"the file is empty",
    "invalid.csv": r"duplicate column name: header 'name' \(column 2\)",
    "schema-errors.csv": r"row has 6 values but the header has 3 columns \(line 5\)",
    "skip-blank-at-the-end.csv": r"row has 1 value but the header has 2 columns \(line 2\)",
    "structure-errors.csv": r"row has 6 values but the header has 3 columns \(line 5\)",
    "without-headers-extra.csv": r"row has 3 values but the header has 2 columns \(line 3\)",
    "without-rows.csv": r"no records",
}


def test_every_frictionless_file_is_classified():
    assert set(LOADS) | set(FAILS) == {p.name for p in FRICTIONLESS.glob("*.csv")}


@pytest.mark.parametrize("name", sorted(LOADS))
def test_frictionless_file_loads(database_url, name):
    count, types, options = LOADS[name]
    result = ingest_file(FRICTIONLESS / name, slug="frictionless_ok", database_url=database_url,
                         options=options, force=True)
    assert result.record_count == count
    assert {k: result.column_types()[k] for k in types} == types


@pytest.mark.parametrize("name", sorted(FAILS))
def test_frictionless_file_fails_clearly(database_url, name):
    with pytest.raises(IngestError, match=FAILS[name]) as info:
        ingest_file(FRICTIONLESS / name, slug="frictionless_bad", database_url=database_url)
    assert name in str(info.value)


def test_encodings_are_decoded_correctly(database_url):
    ingest_file(FRICTIONLESS / "table-infer-iso-8859-7.csv", slug="greek",
                database_url=database_url, options={"encoding": "iso-8859-7"})
    assert raw_rows(database_url, "greek", "id")[0] == ("1", "39", "Λεωνιδας")
    ingest_file(FRICTIONLESS / "bom.csv", slug="bom", database_url=database_url)
    assert raw_rows(database_url, "bom", "id") == [("1", "english"), ("2", "中国人")]
    ingest_file(FRICTIONLESS / "latin1.csv", slug="latin1", database_url=database_url)
    assert raw_rows(database_url, "latin1", "id")[1] == ("2", "©")
