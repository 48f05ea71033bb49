"""Every published format, downloaded over HTTP and read with its own standard reader
(csv, json, lxml, openpyxl, pyarrow, geopandas), holds the published table: the same
rows, in the same order, with the same values."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

import geopandas as gpd
import httpx
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely
from lxml import etree
from psycopg.rows import dict_row

from civic_assets.publish.files import write_version_files
from civic_assets.tables import table_columns, write_table
from tests.api.published_data import SLUG

TABLE = f"{SLUG}__v1"
NUMBERS = {"double precision", "real", "numeric", "integer", "bigint", "smallint"}


@pytest.fixture
def published(api, conn) -> tuple[list[tuple[str, str]], list[dict[str, Any]]]:
    """(columns with their PostgreSQL types, rows) of version 1, as PostgreSQL has them."""
    columns = table_columns(conn, "published", TABLE)
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(f'SELECT * FROM published."{TABLE}" ORDER BY request_id').fetchall()
    return columns, rows


def _from_text(dtype: str, text: str | None) -> Any:
    """A value read from a text format (CSV, XML, JSON strings) as PostgreSQL typed it."""
    if text is None or text == "":
        return None
    if dtype in NUMBERS:
        return float(text)
    if dtype == "boolean":
        return {"true": True, "false": False}[text]
    if dtype.startswith("timestamp"):
        return datetime.fromisoformat(text)
    return text


def _comparable(dtype: str, value: Any) -> Any:
    if value is not None and dtype in NUMBERS:
        return float(value)
    return value


def _expected(columns, rows) -> list[dict[str, Any]]:
    return [{name: _comparable(dtype, row[name]) for name, dtype in columns} for row in rows]


def _without_xml_illegal(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # XML 1.0 (and so a workbook) cannot carry a bell, even escaped: the one character dropped
    return [{k: v.replace("\x07", "") if isinstance(v, str) else v for k, v in row.items()}
            for row in rows]


def _download(api: str, fmt: str) -> bytes:
    response = httpx.get(f"{api}/datasets/{SLUG}/versions/1/data.{fmt}")
    assert response.status_code == 200, response.text
    return response.content


def test_csv_read_by_the_csv_module(api, published):
    columns, rows = published
    records = list(csv.DictReader(io.StringIO(_download(api, "csv").decode("utf-8"),
                                              newline="")))
    assert [list(r) for r in records[:1]] == [[name for name, _ in columns]]
    read = [{name: _from_text(dtype, r[name]) for name, dtype in columns} for r in records]
    assert read == _expected(columns, rows)


def test_json_read_by_the_json_module(api, published):
    columns, rows = published
    records = json.loads(_download(api, "json"))
    read = [{name: (_from_text(dtype, r[name]) if isinstance(r[name], str)
                    else _comparable(dtype, r[name])) for name, dtype in columns}
            for r in records]
    assert read == _expected(columns, rows)


def test_xml_read_by_lxml(api, published):
    columns, rows = published
    root = etree.fromstring(_download(api, "xml"))
    assert root.tag == "records"
    read = [{name: _from_text(dtype, record.findtext(name)) for name, dtype in columns}
            for record in root]
    assert read == _without_xml_illegal(_expected(columns, rows))


def test_xlsx_read_by_openpyxl(api, published):
    columns, rows = published
    sheet = openpyxl.load_workbook(io.BytesIO(_download(api, "xlsx")), read_only=True).active
    table = list(sheet.values)
    assert list(table[0]) == [name for name, _ in columns]
    read = [dict(zip(table[0], values, strict=True)) for values in table[1:]]
    expected = _without_xml_illegal(_expected(columns, rows))
    for row in expected:
        # spreadsheets have no time zones: timestamps are UTC wall time
        row["created_at"] = row["created_at"].astimezone(UTC).replace(tzinfo=None)
    assert read == expected
    assert {type(r["is_escalated"]) for r in read} == {bool}


def test_parquet_read_by_pyarrow_keeps_the_types(api, published):
    columns, rows = published
    table = pq.read_table(io.BytesIO(_download(api, "parquet")))
    assert table.schema.names == [name for name, _ in columns]
    assert table.schema.field("request_id").type == pa.string()
    assert table.schema.field("created_at").type == pa.timestamp("us", tz="UTC")
    assert table.schema.field("is_escalated").type == pa.bool_()
    assert table.schema.field("response_time_hours").type == pa.float64()
    # exactly the values PostgreSQL holds, nulls included
    assert table.to_pylist() == rows
    description = table.schema.field("request_id").metadata[b"description"].decode()
    assert description.startswith("Identifier the 311 system gave the request")
    assert table.schema.metadata[b"dataset"] == SLUG.encode()


def test_geojson_read_by_geopandas(api, published):
    columns, rows = published
    frame = gpd.read_file(io.BytesIO(_download(api, "geojson")))
    assert frame.crs.to_epsg() == 4326
    assert list(frame.geometry.x) == [row["longitude"] for row in rows]
    assert list(frame.geometry.y) == [row["latitude"] for row in rows]
    properties = [name for name, _ in columns if name not in ("latitude", "longitude")]
    assert set(properties) <= set(frame.columns)
    collection = json.loads(_download(api, "geojson"))
    read = [{name: (_from_text(dtype, f["properties"][name])
                    if isinstance(f["properties"][name], str)
                    else _comparable(dtype, f["properties"][name]))
             for name, dtype in columns if name in properties}
            for f in collection["features"]]
    assert read == [{k: v for k, v in row.items() if k in properties}
                    for row in _expected(columns, rows)]
    # RFC 7946: no crs member, longitude first
    assert "crs" not in collection
    first = collection["features"][0]["geometry"]["coordinates"]
    assert first == [rows[0]["longitude"], rows[0]["latitude"]]


def test_geojson_of_wkt_geometry_is_wgs84_and_right_hand(conn, publication, tmp_path):
    """A geometry column (declared by the dictionary, named freely) in WKT or EWKT: shapes
    in another CRS are reprojected, polygons wound counter-clockwise (RFC 7946, 3.1.6),
    and a point outside any place is a null geometry, not an invalid one."""
    square_cw = "POLYGON((-75.7 45.4, -75.7 45.5, -75.6 45.5, -75.6 45.4, -75.7 45.4))"
    frame = pd.DataFrame({
        "site": ["a", "b", "c", "d"],
        "footprint": [square_cw, "SRID=3857;POINT(-8426000 5684000)", "not wkt", None],
    })
    with conn.transaction():
        write_table(conn, frame, "review", "api_test_wkt_sites")
        dictionary = {"columns": [{"name": "site", "type": "text"},
                                  {"name": "footprint", "type": "geometry"}]}
        written = write_version_files(
            conn, publication.spec.model_copy(update={"primary_key": "site"}),
            table="api_test_wkt_sites", schema="review", version=1, row_count=4,
            columns=[{"name": "site", "type": "text"}, {"name": "footprint", "type": "text"}],
            dictionary=dictionary, published_at=datetime(2026, 1, 1, tzinfo=UTC),
            folder=tmp_path)
    assert "geojson" in written.files
    collection = json.loads((tmp_path / "data.geojson").read_text())
    shapes = [f["geometry"] for f in collection["features"]]
    polygon = shapely.geometry.shape(shapes[0])
    assert polygon.exterior.is_ccw
    point = shapely.geometry.shape(shapes[1])
    # the spherical Mercator inverse, by hand: x/R and 2·atan(exp(y/R)) - π/2, in degrees
    assert (point.x, point.y) == pytest.approx((-75.692046, 45.395492), abs=1e-6)
    assert shapes[2] is None and shapes[3] is None
    assert [f["properties"] for f in collection["features"]] == [
        {"site": s} for s in ("a", "b", "c", "d")]
    assert written.bbox == pytest.approx([-75.7, 45.395492, -75.6, 45.5])
    parquet_table = pq.read_table(tmp_path / "data.parquet")
    assert parquet_table.column("footprint").to_pylist() == [*frame["footprint"][:3], None]
