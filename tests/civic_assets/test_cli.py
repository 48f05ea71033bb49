"""`civic preview` on every format and `civic risk` against an independent computation, run
as a person runs them: the real command in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from tests.paths import PROJECT_ROOT, SHARED_DATA

CORPUS = PROJECT_ROOT / "tests" / "civic_assets" / "ingest" / "corpus"
SHARED = SHARED_DATA
ADULT = SHARED / "adult" / "adult.csv"


def civic(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "civic_assets.cli", *args], check=False,
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)


PREVIEW_CASES = [
    pytest.param(CORPUS / "good.csv", [], "csv", 3, {"zip_code": "text", "amount": "number"},
                 "Smith, Jane", id="csv"),
    pytest.param(SHARED / "oakland-budget/BudgetData_for_Public_Adopted_FY2016-17_Midcycle.xlsx",
                 ["--rows", "5"], "xlsx", 5, {"amt": "integer", "department": "text"},
                 "FY16-17", id="xlsx"),
    pytest.param(CORPUS / "records.json", [], "json", 2, {"id": "integer", "extra": "boolean"},
                 '["x", "y"]', id="json-array"),
    pytest.param(CORPUS / "nested.json", ["--option", "records_path=data.items"], "json", 2,
                 {"id": "integer", "v": "number"}, "1.5", id="json-records-path"),
    pytest.param(CORPUS / "records.jsonl", [], "jsonl", 2, {"id": "integer", "late": "text"},
                 "z", id="json-lines"),
    pytest.param(CORPUS / "rows.xml", ["--option", "record_element=rows/row"], "xml", 2,
                 {"id": "integer", "address_city": "text"}, "Ottawa", id="xml"),
    pytest.param(SHARED / "la-311/la-city-council-districts-2012.geojson", ["--rows", "3"],
                 "geojson", 3, {"geometry": "geometry"}, "POLYGON", id="geojson"),
    pytest.param(SHARED / "la-311/Neighborhood_Councils_Certified_shp.zip",
                 ["--format", "shapefile", "--rows", "3"], "shapefile", 3,
                 {"nc_id": "integer", "geometry": "geometry"}, "POLYGON", id="zipped-shapefile"),
]


@pytest.mark.parametrize(("path", "args", "fmt", "rows", "types", "value"), PREVIEW_CASES)
def test_preview_each_format(path, args, fmt, rows, types, value):
    done = civic("preview", str(path), *args)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith(f"{path} ({fmt}, {rows} rows previewed)")
    assert value in out
    assert "problems:" not in out
    type_lines = out.split("\ntypes:\n", 1)[1].splitlines()
    for column, kind in types.items():
        assert f"  {column}: {kind}" in type_lines
    markdown = civic("preview", str(path), *args, "--markdown").stdout
    assert markdown.startswith(f"**{path}** ({fmt}, {rows} rows previewed)")
    table = [line for line in markdown.splitlines() if line.startswith("| ")]
    assert len(table) == rows + 2 and table[1].startswith("| --- |")  # header, rule, rows
    assert f"{next(iter(types))}: {types[next(iter(types))]}" in markdown


@pytest.mark.parametrize(("name", "args", "problem"), [
    ("ragged.csv", [], "row has 2 values but the header has 3 columns (line 3)"),
    ("xxe.xml", [], "refused unsafe XML"),
    ("not_excel.xlsx", [], "not a valid Excel .xlsx workbook"),
], ids=["ragged-csv", "xxe-xml", "not-excel"])
def test_preview_of_a_bad_file_exits_1_naming_the_problem(name, args, problem):
    done = civic("preview", str(CORPUS / name), *args)
    assert done.returncode == 1
    assert "problems:" in done.stdout and problem in done.stdout
    assert str(CORPUS / name) in done.stdout
    assert "Traceback" not in done.stderr


def expected_risk(frame: pd.DataFrame, quasi: list[str], sensitive: list[str],
                  k_threshold: int) -> dict[str, float]:
    """The same metrics by plain pandas group-by, independent of anonymization.risk."""
    groups = frame.groupby(quasi, dropna=False)
    class_size = groups[quasi[0]].transform("size")
    k = int(groups.size().min())
    result = {
        "k": k,
        "records_at_risk_share": float((class_size < k_threshold).mean()),
        "prosecutor_risk_max": 1.0 / k,
        "prosecutor_risk_avg": float((1.0 / class_size).mean()),
        "n_records": len(frame),
        "n_classes": int(groups.ngroups),
    }
    if sensitive:
        result["l"] = int(min(groups[s].nunique(dropna=False).min() for s in sensitive))
    return result


@pytest.fixture(scope="module")
def adult() -> pd.DataFrame:
    return pd.read_csv(ADULT, sep=";", dtype=str, keep_default_na=False)


@pytest.mark.parametrize(("quasi", "sensitive", "k_threshold"), [
    (["sex", "race", "marital-status"], ["salary-class"], 10),
    (["sex", "age", "race"], ["salary-class", "occupation"], 5),
], ids=["coarse", "with-age"])
def test_risk_matches_a_pandas_groupby(adult, quasi, sensitive, k_threshold):
    done = civic("risk", str(ADULT), "--quasi-identifiers", ",".join(quasi),
                 "--sensitive", ",".join(sensitive), "--k", str(k_threshold), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    expected = expected_risk(adult, quasi, sensitive, k_threshold)
    assert report["k"] == expected["k"] and report["l"] == expected["l"]
    assert report["n_records"] == expected["n_records"] == 30162
    assert report["n_classes"] == expected["n_classes"]
    for metric in ("records_at_risk_share", "prosecutor_risk_max", "prosecutor_risk_avg"):
        assert report[metric] == pytest.approx(expected[metric], rel=1e-12), metric
    # the file's own headers are reported under the names ingest gives them
    assert report["quasi_identifiers"] == [q.replace("-", "_") for q in quasi]


def test_risk_text_output_and_a_missing_column():
    text = civic("risk", str(ADULT), "--quasi-identifiers", "sex,race")
    assert text.returncode == 0 and "k-anonymity (min class)" in text.stdout
    done = civic("risk", str(ADULT), "--quasi-identifiers", "sex,postal_code")
    assert done.returncode == 1
    assert f"no column 'postal_code' in {ADULT}" in done.stderr
    assert "columns are sex, age, race" in done.stderr and "Traceback" not in done.stderr
