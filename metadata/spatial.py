"""Spatial coverage computed from the data: the bounding box of a DataFrame's coordinates.

Coordinates are found, in this order, in a GeoDataFrame's active geometry, a column
holding shapely geometries or WKT text (named geometry, geom, the_geom, wkt, shape, or
any text column whose values look like WKT), or a pair of latitude/longitude columns
(lat/latitude/y_lat and lon/lng/long/longitude). Values are taken as EPSG:4326; points
outside [-180, 180] x [-90, 90] are ignored, so projected coordinates never produce a
bogus box.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

LATITUDE_NAMES = ("latitude", "lat", "y_lat", "lat_dd", "latitude_dd")
LONGITUDE_NAMES = ("longitude", "lon", "lng", "long", "x_lon", "lon_dd", "longitude_dd")
GEOMETRY_NAMES = ("geometry", "geom", "the_geom", "wkt", "shape", "geometrie", "géométrie")
_WKT_START = re.compile(
    r"^\s*(SRID=\d+;\s*)?(POINT|LINESTRING|POLYGON|MULTIPOINT|MULTILINESTRING|MULTIPOLYGON|"
    r"GEOMETRYCOLLECTION)\b",
    re.IGNORECASE,
)


def _find_column(df: pd.DataFrame, names: tuple[str, ...]) -> Any | None:
    by_lower = {str(column).lower(): column for column in df.columns}
    for name in names:
        if name in by_lower:
            return by_lower[name]
    return None


def _bbox_of(west: float, south: float, east: float, north: float) -> list[float] | None:
    values = [float(v) for v in (west, south, east, north)]
    if any(pd.isna(v) for v in values):
        return None
    return values


def _bbox_from_lat_lon(df: pd.DataFrame, lat_col: Any, lon_col: Any) -> list[float] | None:
    lat = pd.to_numeric(df[lat_col], errors="coerce")
    lon = pd.to_numeric(df[lon_col], errors="coerce")
    valid = lat.between(-90, 90) & lon.between(-180, 180)
    if not valid.any():
        return None
    return _bbox_of(lon[valid].min(), lat[valid].min(), lon[valid].max(), lat[valid].max())


def _looks_like_wkt(series: pd.Series) -> bool:
    sample = series.dropna().head(20)
    return not sample.empty and all(
        isinstance(value, str) and _WKT_START.match(value) for value in sample
    )


def _geometries(series: pd.Series) -> list[Any]:
    from shapely import wkt
    from shapely.errors import ShapelyError
    from shapely.geometry.base import BaseGeometry

    geometries: list[BaseGeometry] = []
    for value in series.dropna():
        if isinstance(value, BaseGeometry):
            geometries.append(value)
        elif isinstance(value, str) and _WKT_START.match(value):
            text = re.sub(r"^\s*SRID=\d+;\s*", "", value)
            try:
                geometries.append(wkt.loads(text))
            except ShapelyError:
                continue
    return [geometry for geometry in geometries if not geometry.is_empty]


def _bbox_from_geometries(geometries: list[Any]) -> list[float] | None:
    boxes = [g.bounds for g in geometries]
    boxes = [
        b
        for b in boxes
        if -180 <= b[0] <= 180 and -180 <= b[2] <= 180 and -90 <= b[1] <= 90 and -90 <= b[3] <= 90
    ]
    if not boxes:
        return None
    return _bbox_of(
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _geometry_column(df: pd.DataFrame) -> Any | None:
    active = getattr(df, "_geometry_column_name", None)  # a geopandas GeoDataFrame
    if active is not None and active in df.columns:
        return active
    named = _find_column(df, GEOMETRY_NAMES)
    if named is not None:
        return named
    for column in df.columns:
        text_like = df[column].dtype == object or pd.api.types.is_string_dtype(df[column])
        if text_like and _looks_like_wkt(df[column]):
            return column
    return None


def bbox_from_frame(df: pd.DataFrame | None) -> list[float] | None:
    """[west, south, east, north] in EPSG:4326 of the data's coordinates, or None."""
    if df is None or df.empty:
        return None
    geometry_column = _geometry_column(df)
    if geometry_column is not None:
        bbox = _bbox_from_geometries(_geometries(df[geometry_column]))
        if bbox is not None:
            return bbox
    lat_col = _find_column(df, LATITUDE_NAMES)
    lon_col = _find_column(df, LONGITUDE_NAMES)
    if lat_col is not None and lon_col is not None:
        return _bbox_from_lat_lon(df, lat_col, lon_col)
    return None


def bbox_to_wkt(bbox: list[float]) -> str:
    """The WKT polygon of a [west, south, east, north] box (longitude first, CRS84 order)."""
    west, south, east, north = bbox
    corners = [(west, south), (west, north), (east, north), (east, south), (west, south)]
    return "POLYGON((" + ", ".join(f"{_coordinate(x)} {_coordinate(y)}" for x, y in corners) + "))"


def _coordinate(value: float) -> str:
    # six decimals is ~0.1 m: enough for a coverage box, and stable across runs
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
