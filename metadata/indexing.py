"""Which columns of a published version are indexed, and how: decided from its data
dictionary (and the spec's `filterable` flags), so that publication builds the indexes
and the query API writes its SQL with the very expressions those indexes cover.

- b-tree, one per filterable column, on (column, primary key): an equality or range
  filter and a sort on that column, and keyset paging after it, read the index in order.
  Filterable by default: the primary key, dates and times, categoricals (columns with
  allowed values) and the spec's validation key columns; a dictionary override
  `filterable: true/false` decides for its column.
- full text: one GIN index over the concatenation of the text columns but identifiers
  (`search_columns`),
  with the `simple` configuration (no stemming: the data is bilingual, and a word is
  found as written in either language).
- spatial: a GiST index on PostgreSQL's built-in `point(longitude, latitude)` (no PostGIS
  needed), made from numeric latitude/longitude columns or from a WKT geometry column
  whose values are points: bounding boxes, polygons and distances are answered from it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from metadata.spatial import GEOMETRY_NAMES, LATITUDE_NAMES, LONGITUDE_NAMES
from metadata.specs import DictionaryColumn

SEARCH_CONFIGURATION = "simple"
NUMERIC_TYPES = ("integer", "number")
TEMPORAL_TYPES = ("date", "datetime")
_WKT_POINT = re.compile(r"^\s*(SRID=\d+;\s*)?POINT\b", re.IGNORECASE)
_WKT = re.compile(r"^\s*(SRID=\d+;\s*)?(POINT|LINESTRING|POLYGON|MULTIPOINT|MULTILINESTRING|"
                  r"MULTIPOLYGON|GEOMETRYCOLLECTION)\b", re.IGNORECASE)


@dataclass(frozen=True)
class IndexPlan:
    """The indexes of one published version table."""

    primary_key: str | None
    # each indexed as (column, primary key), or alone without a key
    filterable: list[str] = field(default_factory=list)
    search: list[str] = field(default_factory=list)
    # (longitude, latitude)
    coordinates: tuple[str, str] | None = None
    # a WKT geometry column of points, when there are no coordinate columns
    wkt_points: str | None = None


def _columns(dictionary: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return list(dictionary.get("columns") or [])


def geometry_column(dictionary: Mapping[str, Any]) -> str | None:
    """The column holding each row's geometry as WKT text (or typed geometry), if any."""
    for column in _columns(dictionary):
        if column["type"] == "geometry":
            return column["name"]
    for column in _columns(dictionary):
        if column["type"] != "text":
            continue
        examples = [e for e in column.get("examples") or [] if e is not None]
        if str(column["name"]).lower() in GEOMETRY_NAMES or (
                examples and all(isinstance(e, str) and _WKT.match(e) for e in examples)):
            return column["name"]
    return None


def search_columns(dictionary: Mapping[str, Any]) -> list[str]:
    """The text columns full-text search looks in, in dictionary order (the index
    expression and the queries' must list them identically). Identifiers (the primary
    key, unique columns) are left out: they are looked up by equality, and a word per row
    would double the index."""
    geometry = geometry_column(dictionary)
    return [c["name"] for c in _columns(dictionary)
            if c["type"] == "text" and c["name"] not in (geometry, dictionary.get("primary_key"))
            and not c.get("unique")]


def coordinate_columns(dictionary: Mapping[str, Any]) -> tuple[str, str] | None:
    """(longitude, latitude): numeric columns named like coordinates, if both exist."""
    numeric = {str(c["name"]).lower(): c["name"] for c in _columns(dictionary)
               if c["type"] in NUMERIC_TYPES}
    longitude = next((numeric[n] for n in LONGITUDE_NAMES if n in numeric), None)
    latitude = next((numeric[n] for n in LATITUDE_NAMES if n in numeric), None)
    if longitude is None or latitude is None:
        return None
    return longitude, latitude


def wkt_point_column(dictionary: Mapping[str, Any]) -> str | None:
    """The WKT geometry column, when its values are points (by the dictionary's
    examples) and no latitude/longitude columns say where rows are."""
    if coordinate_columns(dictionary) is not None:
        return None
    geometry = geometry_column(dictionary)
    if geometry is None:
        return None
    entry = next(c for c in _columns(dictionary) if c["name"] == geometry)
    examples = [e for e in entry.get("examples") or [] if e is not None]
    if examples and all(isinstance(e, str) and _WKT_POINT.match(e) for e in examples):
        return geometry
    return None


def _filterable_by_default(column: Mapping[str, Any], key_columns: set[str]) -> bool:
    return (column["type"] in TEMPORAL_TYPES or column.get("allowed_values") is not None
            or column["name"] in key_columns)


def index_plan(dictionary: Mapping[str, Any], *,
               overrides: Mapping[str, DictionaryColumn] | None = None,
               key_columns: Iterable[str] = ()) -> IndexPlan:
    """The indexes a published version gets, from its dictionary (`to_dict()` form), the
    spec's dictionary overrides (their `filterable` flags) and validation key columns."""
    overrides = overrides or {}
    keys = set(key_columns)
    primary_key = dictionary.get("primary_key")
    names = {c["name"] for c in _columns(dictionary)}
    if primary_key not in names:
        primary_key = None
    geometry = geometry_column(dictionary)
    filterable = []
    for column in _columns(dictionary):
        name = column["name"]
        if name in (primary_key, geometry):
            continue
        declared = overrides[name].filterable if name in overrides else None
        wanted = (declared if declared is not None
                  else _filterable_by_default(column, keys))
        if wanted:
            filterable.append(name)
    return IndexPlan(primary_key=primary_key, filterable=filterable,
                     search=search_columns(dictionary),
                     coordinates=coordinate_columns(dictionary),
                     wkt_points=wkt_point_column(dictionary))
