"""What city files really look like: title lines above the header, notes below the table,
US dates (`1/1/20 0:05`) and accountants' amounts (`" 27,275.25 "`, `(1,200)`)."""

from __future__ import annotations

import openpyxl
import pytest

from civic_assets.ingest import IngestError, ingest_file, preview
from civic_assets.ingest.type_detection import TypeDetector
from tests.civic_assets.ingest.ingest_helpers import log_rows, raw_rows

TITLED_CSV = """City of Oakland
Adopted Budget FY2022-23 (preliminary)

budget_year,department,fund_code,amount,posted
FY22-23,Police,1010," 27,275.25 ",1/1/20 0:05
FY22-23,Fire,1010,"(1,200)",12/31/19 23:59
FY22-23,Library,2241,300,2/3/20 1:00

Source: City of Oakland Budget Office
Note: amounts in US dollars
"""


@pytest.fixture
def titled_csv(tmp_path):
    path = tmp_path / "titled.csv"
    path.write_text(TITLED_CSV, encoding="utf-8")
    return path


def titled_workbook(path, *, rows=3):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Budget"
    sheet.append(["City of Oakland — Adopted Budget"])
    sheet.append(["Printed 2022-07-01"])
    sheet.append([])
    sheet.append(["Fiscal Year", "Department", "Amount"])
    for number in range(rows):
        sheet.append(["FY22-23", f"Department {number}", 1000.5 + number])
    sheet.append([])
    sheet.append(["Source: Budget Office"])
    sheet.append(["* preliminary figures"])
    workbook.save(path)
    return path


def test_preview_finds_the_table_and_says_how_values_are_written(titled_csv):
    result = preview(titled_csv)
    assert result.problems == []
    assert list(result.rows.columns) == ["budget_year", "department", "fund_code", "amount",
                                         "posted"]
    assert len(result.rows) == 3
    assert result.details["header_row"] == 4
    assert result.details["title_lines"] == ["City of Oakland",
                                             "Adopted Budget FY2022-23 (preliminary)"]
    assert result.details["notes_below_table"] == ["Source: City of Oakland Budget Office",
                                                   "Note: amounts in US dollars"]
    assert result.types["amount"] == "number" and result.types["posted"] == "datetime"
    assert result.notations["amount"] == ("thousands separators, negatives in parentheses, "
                                          "spaces around values")
    assert result.notations["posted"].startswith("M/D/Y: month first")
    assert "two-digit years" in result.notations["posted"]
    text = result.to_text()
    assert "header: row 4" in text and "title line skipped: 'City of Oakland'" in text
    assert "note below the table left out: 'Note: amounts in US dollars'" in text
    assert "amount: number (thousands separators" in text
    assert "Layout:" in result.to_markdown()


def test_ingest_loads_only_the_table_and_logs_the_layout(database_url, titled_csv):
    result = ingest_file(titled_csv, slug="titled_csv", database_url=database_url)
    assert result.record_count == 3
    rows = {row[1]: row for row in raw_rows(database_url, "titled_csv")}
    # raw keeps the text as written; staging parses it (dbt macros parse_amount and
    # parse_us_datetime)
    assert rows["Police"] == ("FY22-23", "Police", "1010", " 27,275.25 ", "1/1/20 0:05")
    details = log_rows(database_url, "titled_csv")[-1]["details"]
    assert details["header_row"] == 4 and len(details["title_lines"]) == 2
    assert details["notes_below_table"][0] == "Source: City of Oakland Budget Office"
    amount = next(c for c in details["columns"] if c["name"] == "amount")
    assert amount["type"] == "number" and "negatives in parentheses" in amount["notation"]


def test_header_row_and_skip_rows_options(database_url, titled_csv):
    by_row = preview(titled_csv, options={"header_row": 4})
    assert by_row.problems == [] and len(by_row.rows) == 3 and by_row.details["header_row"] == 4
    by_skip = preview(titled_csv, options={"skip_rows": 2})
    assert by_skip.problems == [] and by_skip.rows.columns[0] == "budget_year"
    with pytest.raises(IngestError, match="skip_rows and header_row both"):
        ingest_file(titled_csv, slug="titled_both", database_url=database_url,
                    options={"skip_rows": 2, "header_row": 4})


def test_a_short_row_without_a_blank_line_before_it_is_still_an_error(database_url, tmp_path):
    path = tmp_path / "ragged_end.csv"
    path.write_text("id,name,amount\n1,Ann,3\n2,Bob,4\nSource: somewhere\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"row has 1 value but the header has 3 columns "
                                          r"\(line 4\)"):
        ingest_file(path, slug="ragged_end", database_url=database_url)


def test_a_short_row_followed_by_data_is_an_error_at_its_own_line(database_url, tmp_path):
    path = tmp_path / "gap.csv"
    path.write_text("id,name,amount\n1,Ann,3\n\nnot a note\n2,Bob,4\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"row has 1 value .* \(line 4\)"):
        ingest_file(path, slug="gap", database_url=database_url)


def test_padded_notes_of_a_large_file_stay_out_of_the_fast_path(database_url, tmp_path):
    # Excel's CSV export pads every line to the table's width: `Source: …,,` parses as a
    # full row, so PostgreSQL's COPY would load it; the tail check sends it to the reader
    path = tmp_path / "big_with_notes.csv"
    lines = ["id,name,amount"] + [f"{n},name {n},{n}.5" for n in range(12_000)]
    path.write_text("\n".join(lines) + "\n,,\nSource: the city,,\n", encoding="utf-8")
    result = ingest_file(path, slug="big_with_notes", database_url=database_url)
    assert result.record_count == 12_000
    assert result.details["notes_below_table"] == ["Source: the city"]


def test_excel_title_lines_and_notes(database_url, tmp_path):
    path = titled_workbook(tmp_path / "titled.xlsx")
    result = ingest_file(path, slug="titled_xlsx", database_url=database_url)
    assert result.record_count == 3
    assert result.details["header_row"] == 4
    assert result.details["title_lines"] == ["City of Oakland — Adopted Budget",
                                             "Printed 2022-07-01"]
    assert result.details["notes_below_table"] == ["Source: Budget Office",
                                                   "* preliminary figures"]
    assert [c["name"] for c in result.columns] == ["fiscal_year", "department", "amount"]
    by_row = preview(path, options={"header_row": 4})
    assert len(by_row.rows) == 3 and by_row.details["title_lines"][0].startswith("City")
    with pytest.raises(IngestError, match=r"row 30 \(option header_row\) is empty"):
        ingest_file(path, slug="titled_xlsx_bad", database_url=database_url,
                    options={"header_row": 30})


@pytest.mark.parametrize(("values", "kind", "notation"), [
    ([" 27,275.25 ", "(1,200)", "300"], "number",
     "thousands separators, negatives in parentheses, spaces around values"),
    (["$1,200.00", "-$35.10"], "number", "thousands separators, currency sign"),
    (["1,234,567", "12"], "number", "thousands separators"),
    (["1/1/20 0:05", "12/31/19 23:59"], "datetime",
     "M/D/Y: month first, as in the US, two-digit years, 24-hour clock"),
    (["12/31/2017 11:59:58 PM", "01/03/2018 10:11:23 AM"], "datetime",
     "M/D/Y: month first, as in the US, 12-hour clock (AM/PM)"),
    (["31/12/2020", "1/2/2021"], "date", "D/M/Y: day first"),
    (["1/2/2021"], "date", "M/D/Y: US order assumed, no day above 12 tells"),
    (["1200", "3.5"], "number", None),
    # not numbers: a list, an unbalanced parenthesis, European decimals
    (["1,2"], "text", None), (["(1,200"], "text", None), (["1.234,56"], "text", None),
])
def test_city_notations(values, kind, notation):
    detector = TypeDetector(1)
    for value in values:
        detector.add([value])
    assert detector.types() == [kind]
    assert detector.notations() == [notation]
