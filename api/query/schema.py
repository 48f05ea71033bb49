"""What a published version's table offers to queries, from its data dictionary: typed
columns, the key that makes an order total, the text columns of full-text search and the
coordinates of spatial filters (the same choices publication indexed them by)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from metadata.indexing import (
    coordinate_columns,
    geometry_column,
    search_columns,
    wkt_point_column,
)

NUMERIC_TYPES = frozenset({"integer", "number"})
TEMPORAL_TYPES = frozenset({"date", "datetime"})
ORDERED_TYPES = NUMERIC_TYPES | TEMPORAL_TYPES


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool


@dataclass(frozen=True)
class TableSchema:
    slug: str
    version: int
    table: str
    row_count: int
    columns: dict[str, Column]
    primary_key: str | None
    search: tuple[str, ...]
    coordinates: tuple[str, str] | None
    geometry: str | None
    # the geometry column when it holds WKT points (and there are no coordinate columns)
    wkt_points: str | None = None

    @property
    def names(self) -> list[str]:
        return list(self.columns)

    def describe_fields(self) -> str:
        return ", ".join(f"{c.name} ({c.type})" for c in self.columns.values())

    @property
    def points(self) -> bool:
        """Whether rows have a point that spatial filters can test."""
        return self.coordinates is not None or self.wkt_points is not None


def table_schema(version: Mapping[str, Any]) -> TableSchema:
    """The schema of one catalogued version (a catalog.versions row)."""
    dictionary = version.get("dictionary") or {}
    entries = {c["name"]: c for c in dictionary.get("columns") or []}
    columns = {}
    # the table's own column list is the authority on what exists; the dictionary types it
    for listed in version["columns"]:
        entry = entries.get(listed["name"], {})
        columns[listed["name"]] = Column(
            name=listed["name"], type=entry.get("type") or listed.get("type") or "text",
            nullable=bool(entry.get("nullable", True)))
    primary_key = dictionary.get("primary_key")
    if primary_key not in columns or columns[primary_key].nullable:
        primary_key = None
    if not entries:
        dictionary = {"columns": [{"name": c.name, "type": c.type, "examples": []}
                                  for c in columns.values()]}
    return TableSchema(
        slug=version["slug"], version=version["version"], table=version["table_name"],
        row_count=version["row_count"], columns=columns, primary_key=primary_key,
        search=tuple(c for c in search_columns(dictionary) if c in columns),
        coordinates=coordinate_columns(dictionary), geometry=geometry_column(dictionary),
        wkt_points=wkt_point_column(dictionary))
