"""Excel, JSON, JSON Lines, XML, GeoJSON and zipped Shapefile into raw.<slug>."""

from __future__ import annotations

from civic_assets.lib.ingest import ingest, ingest_file
from tests.ingest.ingest_helpers import CORPUS, file_source, raw_rows

XLSX = "oakland-budget/BudgetData_for_Public_Adopted_FY2016-17_Midcycle.xlsx"


def test_oakland_xlsx(database_url, shared):
    result = ingest(file_source(shared / XLSX, options={"sheet": "Budget Data FY16-17 Public"}),
                    slug="oakland_xlsx", database_url=database_url)
    assert result.record_count == 11231 and len(result.columns) == 24
    types = result.column_types()
    assert types["amt"] == "integer" and types["department"] == "text" and types["fund"] == "integer"
    assert result.columns[0]["original_name"] == "Budget Year Name"
    by_index = ingest_file(shared / XLSX, slug="oakland_xlsx_0", database_url=database_url,
                           options={"sheet": 0})
    assert by_index.record_count == 11231


def test_geojson_and_shapefile_boundaries(database_url, shared):
    geo = ingest(file_source(shared / "la-311/nc-boundary-2019-modified.geojson"),
                 slug="nc_geojson", database_url=database_url)
    shp = ingest(file_source(shared / "la-311/Neighborhood_Councils_Certified_shp.zip",
                             format="shapefile"), slug="nc_shp", database_url=database_url)
    assert geo.record_count == shp.record_count == 99
    assert geo.column_types()["geometry"] == shp.column_types()["geometry"] == "geometry"
    assert shp.column_types()["nc_id"] == "integer"
    wkt = raw_rows(database_url, "nc_shp")[0][-1]
    assert wkt.startswith(("POLYGON", "MULTIPOLYGON"))
    # EPSG:4326: Los Angeles longitudes are about -118
    first_x = float(wkt.split("((", 1)[1].lstrip("(").split()[0])
    assert -119 < first_x < -117
    districts = ingest_file(shared / "la-311/la-city-council-districts-2012.geojson",
                            slug="council_districts", database_url=database_url)
    assert districts.record_count == 15


def test_shapefile_is_reprojected_to_4326(database_url, shared, tmp_path):
    import geopandas as gpd

    frame = gpd.read_file(shared / "la-311/la-city-council-districts-2012.geojson")
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
