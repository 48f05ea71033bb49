"""Spatial filters on datasets of points, in plain PostgreSQL (no PostGIS).

A row's point is the built-in `point(longitude, latitude)` that publication indexed with
GiST (see catalog/published_indexes.py), made from numeric latitude/longitude columns or
read out of a WKT point column; all three filters are exact in SQL and use that index:

- `bbox=west,south,east,north` (degrees, EPSG:4326): `point <@ box`;
- `within=<GeoJSON Polygon or MultiPolygon>` (a geometry or a Feature, coordinates
  longitude first): PostgreSQL's point-in-polygon operator `point <@ polygon` on each
  outer ring, minus its holes — no row is fetched only to be dropped in Python;
- `near=longitude,latitude,metres`: a box around the point in degrees (what the index
  answers), then the great-circle (haversine) distance on the rows inside it.

PostgreSQL compares geometric values with a tolerance of 1e-6 (about 10 cm in degrees):
a point that close to an edge may count as inside.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from psycopg import sql

from api.query.errors import QueryError
from api.query.fragments import Fragment, all_of, any_of
from api.query.schema import TableSchema
from catalog.published_indexes import point_expression

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180
MAX_RADIUS_M = 1_000_000
MAX_VERTICES = 10_000
MAX_POLYGON_TEXT = 200_000


@dataclass(frozen=True)
class SpatialFilter:
    parameter: str
    # rings of polygons: [[outer, hole, ...], ...] for `within`; one box for bbox/near
    polygons: tuple[tuple[tuple[tuple[float, float], ...], ...], ...] = ()
    box: tuple[float, float, float, float] | None = None
    centre: tuple[float, float] | None = None
    radius_m: float | None = None


def _numbers(parameter: str, raw: str, count: int, meaning: str) -> list[float]:
    parts = raw.split(",")
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        numbers = []
    if len(numbers) != count or not all(math.isfinite(n) for n in numbers):
        raise QueryError(parameter, f"expected {meaning}")
    return numbers


def _check_position(parameter: str, longitude: float, latitude: float) -> None:
    if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
        raise QueryError(parameter, f"({longitude:g}, {latitude:g}) is not a longitude in "
                                    "[-180, 180] and a latitude in [-90, 90] (EPSG:4326)")


def parse_bbox(raw: str) -> SpatialFilter:
    west, south, east, north = _numbers("bbox", raw, 4, "west,south,east,north in degrees")
    _check_position("bbox", west, south)
    _check_position("bbox", east, north)
    if west > east or south > north:
        raise QueryError("bbox", "west must not exceed east, nor south north")
    return SpatialFilter("bbox", box=(west, south, east, north))


def parse_near(raw: str) -> SpatialFilter:
    longitude, latitude, radius = _numbers(
        "near", raw, 3, "longitude,latitude,metres (e.g. -75.69,45.42,500)")
    _check_position("near", longitude, latitude)
    if not 0 < radius <= MAX_RADIUS_M:
        raise QueryError("near", f"the distance must be between 0 and {MAX_RADIUS_M:,} metres")
    latitude_span = radius / METRES_PER_DEGREE
    # near the poles every longitude is close: the box spans all of them
    cosine = math.cos(math.radians(min(abs(latitude) + latitude_span, 90.0)))
    longitude_span = 180.0 if cosine < 1e-9 else min(radius / (METRES_PER_DEGREE * cosine),
                                                       180.0)
    box = (max(longitude - longitude_span, -180.0), max(latitude - latitude_span, -90.0),
           min(longitude + longitude_span, 180.0), min(latitude + latitude_span, 90.0))
    return SpatialFilter("near", box=box, centre=(longitude, latitude), radius_m=radius)


def _ring(coordinates: object) -> tuple[tuple[float, float], ...]:
    if not isinstance(coordinates, list) or len(coordinates) < 4:
        raise QueryError("within", "each ring of a polygon needs at least 4 positions "
                                   "(the first repeated last)")
    ring = []
    for position in coordinates:
        if (not isinstance(position, list) or len(position) < 2
                or not all(isinstance(v, int | float) and not isinstance(v, bool)
                           for v in position[:2])):
            raise QueryError("within", "a position is [longitude, latitude]")
        longitude, latitude = float(position[0]), float(position[1])
        if not (math.isfinite(longitude) and math.isfinite(latitude)):
            raise QueryError("within", "positions must be finite numbers")
        _check_position("within", longitude, latitude)
        ring.append((longitude, latitude))
    if ring[0] != ring[-1]:
        raise QueryError("within", "a ring must end where it starts (RFC 7946)")
    return tuple(ring)


def parse_within(raw: str) -> SpatialFilter:
    if len(raw) > MAX_POLYGON_TEXT:
        raise QueryError("within", f"the polygon is longer than {MAX_POLYGON_TEXT:,} characters")
    try:
        geometry = json.loads(raw)
    except ValueError as exc:
        raise QueryError("within", f"not valid GeoJSON: {exc}") from None
    if isinstance(geometry, dict) and geometry.get("type") == "Feature":
        geometry = geometry.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise QueryError("within", "expected a GeoJSON Polygon or MultiPolygon (or a Feature "
                                   "holding one)")
    coordinates = geometry.get("coordinates")
    polygons = coordinates if geometry["type"] == "MultiPolygon" else [coordinates]
    if not isinstance(polygons, list) or not polygons or not all(
            isinstance(rings, list) and rings for rings in polygons):
        raise QueryError("within", "a polygon is a list of rings: the outer one, then holes")
    parsed = tuple(tuple(_ring(ring) for ring in rings) for rings in polygons)
    if sum(len(ring) for rings in parsed for ring in rings) > MAX_VERTICES:
        raise QueryError("within", f"at most {MAX_VERTICES:,} positions")
    return SpatialFilter("within", polygons=parsed)


def no_points(schema: TableSchema, parameter: str) -> QueryError:
    if schema.geometry is not None:
        return QueryError(parameter, f"dataset '{schema.slug}' has geometries other than "
                                     "points; spatial filters apply to points (latitude and "
                                     "longitude fields, or WKT points)")
    return QueryError(parameter, f"dataset '{schema.slug}' has no latitude and longitude "
                                 "fields to filter on")


def row_point(schema: TableSchema, parameter: str) -> sql.Composed:
    if not schema.points:
        raise no_points(schema, parameter)
    return point_expression(coordinates=schema.coordinates, wkt=schema.wkt_points)


def _polygon_text(ring: tuple[tuple[float, float], ...]) -> str:
    return "(" + ",".join(f"({x!r},{y!r})" for x, y in ring) + ")"


def _box(box: tuple[float, float, float, float]) -> tuple[str, list[float]]:
    return "box(point(%s, %s), point(%s, %s))", list(box)


def spatial_sql(schema: TableSchema, item: SpatialFilter) -> Fragment:
    point = row_point(schema, item.parameter)
    if item.polygons:
        return any_of(
            all_of([Fragment.of("{} <@ %s::polygon", point, params=[_polygon_text(rings[0])]),
                    *(Fragment.of("NOT {} <@ %s::polygon", point, params=[_polygon_text(hole)])
                      for hole in rings[1:])])
            for rings in item.polygons)
    assert item.box is not None  # bbox and near always carry their box
    template, params = _box(item.box)
    inside = Fragment.of("{} <@ " + template, point, params=params)
    if item.centre is None:
        return inside
    longitude, latitude = item.centre
    # a point's [0] is its x (longitude), [1] its y (latitude)
    lon, lat = (sql.SQL("({})[{}]").format(point, sql.Literal(i)) for i in (0, 1))
    distance = Fragment.of(
        "2 * %s * asin(least(1, sqrt(power(sin(radians({} - %s) / 2), 2)"
        " + cos(radians(%s)) * cos(radians({})) * power(sin(radians({} - %s) / 2), 2))))"
        " <= %s",
        lat, lat, lon,
        params=[EARTH_RADIUS_M, latitude, latitude, longitude, item.radius_m])
    return all_of([inside, distance])
