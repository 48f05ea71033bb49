"""A page of rows as JSON (the DataPage schema), CSV or GeoJSON (RFC 7946).

JSON is written with orjson straight from the rows, without a validation pass per value:
the rows come from a typed table, and a 5,000-row page is most of a request's time.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import orjson

from api.query.errors import QueryError
from api.query.schema import TableSchema


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, memoryview | bytes):
        return bytes(value).hex()
    return str(value)


def to_json(document: dict[str, Any]) -> bytes:
    return orjson.dumps(document, default=_json_default, option=orjson.OPT_NON_STR_KEYS)


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def to_csv(columns: list[str], rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_value(row[name]) for name in columns])
    return out.getvalue()


def geometry_columns(schema: TableSchema) -> list[str]:
    """What a GeoJSON feature's geometry is made from, or a QueryError when nothing."""
    if schema.coordinates is not None:
        return list(schema.coordinates)
    if schema.geometry is not None:
        return [schema.geometry]
    raise QueryError("format", f"dataset '{schema.slug}' has no coordinates or geometry; "
                               "ask for json or csv")


def _geometry(schema: TableSchema, row: dict[str, Any]) -> dict[str, Any] | None:
    if schema.coordinates is not None:
        longitude, latitude = (row[name] for name in schema.coordinates)
        if longitude is None or latitude is None:
            return None
        return {"type": "Point", "coordinates": [float(longitude), float(latitude)]}
    from shapely import wkt
    from shapely.errors import ShapelyError
    from shapely.geometry import mapping

    text = row.get(schema.geometry or "")
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        return mapping(wkt.loads(text.split(";", 1)[-1]))
    except ShapelyError:
        return None


def to_geojson(schema: TableSchema, columns: list[str], rows: list[dict[str, Any]], *,
               total: int, total_is_estimate: bool, next_url: str | None) -> bytes:
    features = [{"type": "Feature", "geometry": _geometry(schema, row),
                 "properties": {name: row[name] for name in columns}} for row in rows]
    links = [{"rel": "next", "href": next_url, "type": "application/geo+json"}] if next_url \
        else []
    return to_json({"type": "FeatureCollection", "features": features,
                    "numberMatched": total, "numberMatchedIsEstimate": total_is_estimate,
                    "numberReturned": len(features), "links": links})
