"""preview(): the first rows and types of a file, without the database."""

from __future__ import annotations

from civic_assets.ingest import preview
from tests.civic_assets.ingest.ingest_helpers import CORPUS, SHARED


def test_preview_csv():
    result = preview(SHARED / "la-311/MyLA311_Service_Request_Data_2017_Subset.csv", rows=10)
    assert len(result.rows) == 10 and result.rows.columns[0] == "sr_number"
    assert result.types["latitude"] == "number" and result.problems == []
    assert result.column_mapping["SRNumber"] == "sr_number"
    assert "| sr_number |" in result.to_markdown() and "sr_number" in result.to_text()


def test_preview_other_formats():
    assert preview(CORPUS / "records.json").types == {"id": "integer", "name": "text",
                                                       "tags": "text", "extra": "boolean"}
    shp = preview(SHARED / "la-311/Neighborhood_Councils_Certified_shp.zip", rows=3)
    assert len(shp.rows) == 3 and shp.types["geometry"] == "geometry"
    xml = preview(CORPUS / "rows.xml", options={"record_element": "row"})
    assert list(xml.rows.columns) == ["id", "name", "address_city"]


def test_preview_reports_problems_instead_of_raising():
    ragged = preview(CORPUS / "ragged.csv")
    assert len(ragged.rows) == 1
    assert any("row has 2 values" in p and "line 3" in p for p in ragged.problems)
    assert "Problems:" in ragged.to_markdown() and "problems:" in ragged.to_text()
    assert preview(CORPUS / "empty.csv").problems
    assert "refused unsafe XML" in preview(CORPUS / "xxe.xml").problems[0]
    assert "duplicate column name" in preview(CORPUS / "duplicate_columns.csv").problems[0]
