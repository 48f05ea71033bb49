"""Excel, JSON, JSON Lines, XML, GeoJSON and zipped Shapefile into raw.<slug>."""

from __future__ import annotations

from civic_assets.ingest import ingest, ingest_file
from tests.civic_assets.ingest.ingest_helpers import CORPUS, file_source, raw_rows

XLSX = "oakland-budget/BudgetData_for_Public_Adopted_FY2016-17_Midcycle.xlsx"


def test_oakland_xlsx(database_url, shared_data):
    source = file_source(shared_data / XLSX, options={"sheet": "Budget Data FY16-17 Public"})
    result = ingest(source, slug="oakland_xlsx", database_url=database_url)
    assert result.record_count == 11231 and len(result.columns) == 24
    types = result.column_types()
    assert types["amt"] == "integer" and types["fund"] == "integer"
    assert types["department"] == "text"
    assert result.columns[0]["original_name"] == "Budget Year Name"
    by_index = ingest_file(shared_data / XLSX, slug="oakland_xlsx_0", database_url=database_url,
                           options={"sheet": 0})
    assert by_index.record_count == 11231


def test_geojson_and_shapefile_boundaries(database_url, shared_data):
    geo = ingest(file_source(shared_data / "la-311/nc-boundary-2019-modified.geojson"),
                 slug="nc_geojson", database_url=database_url)
    shp = ingest(file_source(shared_data / "la-311/Neighborhood_Councils_Certified_shp.zip",
                             format="shapefile"), slug="nc_shp", database_url=database_url)
    assert geo.record_count == shp.record_count == 99
    assert geo.column_types()["geometry"] == shp.column_types()["geometry"] == "geometry"
    assert shp.column_types()["nc_id"] == "integer"
    wkt = raw_rows(database_url, "nc_shp")[0][-1]
    assert wkt.startswith(("POLYGON", "MULTIPOLYGON"))
    # EPSG:4326: Los Angeles longitudes are about -118
    first_x = float(wkt.split("((", 1)[1].lstrip("(").split()[0])
    assert -119 < first_x < -117
    districts = ingest_file(shared_data / "la-311/la-city-council-districts-2012.geojson",
                            slug="council_districts", database_url=database_url)
    assert districts.record_count == 15


def test_shapefile_is_reprojected_to_4326(database_url, shared_data, tmp_path):
    import geopandas as gpd

    frame = gpd.read_file(shared_data / "la-311/la-city-council-districts-2012.geojson")
    frame = frame[["name", "geometry"]]  # Shapefile field names are cut to 10 characters
    frame.to_crs("EPSG:2229").to_file(tmp_path / "districts.shp")
    import zipfile
    with zipfile.ZipFile(tmp_path / "districts.zip", "w") as archive:
        for part in tmp_path.glob("districts.*"):
            if part.suffix != ".zip":
                archive.write(part, f"folder/{part.name}")
    result = ingest_file(tmp_path / "districts.zip", slug="districts_2229",
                         database_url=database_url)
    assert result.record_count == 15 and result.details["reprojected_to"] == "EPSG:4326"
    wkt = raw_rows(database_url, "districts_2229")[0][-1]
    first_x = float(wkt.split("((", 1)[1].lstrip("(").split()[0])
    assert -119 < first_x < -117


def test_json_array_with_late_keys(database_url):
    result = ingest_file(CORPUS / "records.json", slug="records_json", database_url=database_url)
    assert [c["name"] for c in result.columns] == ["id", "name", "tags", "extra"]
    assert raw_rows(database_url, "records_json", "id") == [
        ("1", "a", '["x", "y"]', None), ("2", "b", None, "true")]


def test_json_records_path(database_url):
    result = ingest_file(CORPUS / "nested.json", slug="nested_json", database_url=database_url,
                         options={"records_path": "data.items"})
    assert result.record_count == 2 and result.column_types() == {"id": "integer", "v": "number"}


def test_json_lines(database_url):
    result = ingest_file(CORPUS / "records.jsonl", slug="records_jsonl",
                         database_url=database_url)
    assert result.record_count == 2
    assert raw_rows(database_url, "records_jsonl", "id")[1] == ("2", "b", "z")


def test_xml_records(database_url):
    result = ingest_file(CORPUS / "rows.xml", slug="rows_xml", database_url=database_url,
                         options={"record_element": "rows/row"})
    assert [c["name"] for c in result.columns] == ["id", "name", "address_city"]
    assert raw_rows(database_url, "rows_xml", "id") == [("1", "Ann", "Ottawa"),
                                                       ("2", "Bob", None)]


def test_xlsx_written_by_xlsx_stream(database_url, tmp_path):
    """Our own export writer's workbooks (inline strings, date styles, empty `<c/>`) load
    with the values and types a spreadsheet shows."""
    from civic_assets.publish import xlsx as xlsx_stream

    date, stamp = xlsx_stream.STYLE_DATE, xlsx_stream.STYLE_DATETIME

    def text(value: str) -> str:
        return f'<c t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'

    rows = [
        xlsx_stream.header_row(["id", "name & <kind>", "amount", "opened", "updated", "note"]),
        (f'<row><c><v>1</v></c>{text("A &amp; B &lt;x&gt;")}<c><v>12.5</v></c>'
         f'<c s="{date}"><v>43466</v></c><c s="{stamp}"><v>43466.5</v></c><c/></row>'),
        (f'<row><c><v>2</v></c><c/><c><v>-3</v></c><c s="{date}"><v>45000</v></c>'
         f'<c s="{stamp}"><v>45000.25</v></c>{text("  kept  ")}</row>'),
        "<row><c/><c/><c/><c/><c/><c/></row>",  # an empty row is skipped
        f'<row><c><v>3</v></c>{text("plain")}<c/><c/><c/><c/></row>',
    ]
    path = tmp_path / "export.xlsx"
    xlsx_stream.write_workbook(path, sheet_name="Data & more", column_count=6,
                               row_count=len(rows), rows_xml=rows)
    result = ingest_file(path, slug="xlsx_stream_wb", database_url=database_url)
    assert result.details["sheet"] == "Data & more" and result.record_count == 3
    assert [c["original_name"] for c in result.columns][1] == "name & <kind>"
    assert result.column_types() == {"id": "integer", "name_kind": "text", "amount": "number",
                                     "opened": "date", "updated": "datetime", "note": "text"}
    assert raw_rows(database_url, "xlsx_stream_wb", "id") == [
        ("1", "A & B <x>", "12.5", "2019-01-01", "2019-01-01 12:00:00", None),
        ("2", None, "-3", "2023-03-15", "2023-03-15 06:00:00", "  kept  "),
        ("3", "plain", None, None, None, None),
    ]


def test_json_lines_read_as_the_standard_library_reads_them(tmp_path):
    """orjson parses JSON Lines; what it would read differently (integers beyond 64 bits,
    NaN, a BOM) goes to `json.loads`, so values never change with the parser."""
    import json

    from civic_assets.ingest.readers.json import open_json

    lines = [b'\xef\xbb\xbf{"id": 1, "big": 123456789012345678901234567890}',
             b'{"id": 2, "v": NaN, "nested": {"n": [98765432109876543210987]}}',
             b"", b'{"id": 3, "v": 1.5e300, "s": "\\u00e9"}', b"[1, 2]"]
    path = tmp_path / "edge.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    stream = open_json(path, {}, lines=True)
    records = list(stream.records or [])
    stream.close()
    expected = [json.loads(line) for line in lines if line]
    expected[-1] = {"value": expected[-1]}
    assert repr(records) == repr(expected)
