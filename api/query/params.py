"""A data request's parameters, read and checked against the version's schema.

Reserved parameters: `limit`, `offset`, `cursor`, `sort`, `fields`, `q`, `bbox`,
`within`, `near`, `group_by`, `agg`, `format`. Every other parameter is a field filter
(see filters.py); a field named like a reserved parameter is filtered with
`<field>__eq=`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from api.query.aggregate import (
    Aggregate,
    GroupKey,
    output_names,
    parse_aggregates,
    parse_group_by,
    parse_group_sort,
)
from api.query.errors import QueryError
from api.query.filters import Filter, parse_filter
from api.query.schema import TableSchema
from api.query.sorting import SortKey, parse_sort
from api.query.spatial import SpatialFilter, no_points, parse_bbox, parse_near, parse_within

RESERVED = ("limit", "offset", "cursor", "sort", "fields", "q", "bbox", "within", "near",
            "group_by", "agg", "format")
FORMATS = ("json", "csv", "geojson")
MAX_SEARCH_LENGTH = 500


@dataclass(frozen=True)
class DataQuery:
    filters: list[Filter] = field(default_factory=list)
    search: str | None = None
    spatial: list[SpatialFilter] = field(default_factory=list)
    sort: list[SortKey] = field(default_factory=list)
    fields: list[str] | None = None
    group_by: list[GroupKey] = field(default_factory=list)
    aggregates: list[Aggregate] = field(default_factory=list)
    group_sort: list[tuple[str, bool]] = field(default_factory=list)
    # the original filter/search/spatial/sort parameters, in a canonical order: what a
    # cursor is bound to, and what the next link repeats
    selection: tuple[tuple[str, str], ...] = ()

    @property
    def aggregated(self) -> bool:
        return bool(self.group_by or self.aggregates)

    @property
    def filtered(self) -> bool:
        return bool(self.filters or self.search or self.spatial)

    def canonical(self) -> str:
        return "&".join(f"{name}={value}" for name, value in self.selection)


def _single(parameter: str, values: list[str]) -> str | None:
    if not values:
        return None
    if len(values) > 1:
        raise QueryError(parameter, "given more than once")
    return values[0]


def _fields(schema: TableSchema, raw: str | None) -> list[str] | None:
    if raw is None or not raw.strip():
        return None
    names = []
    for part in raw.split(","):
        name = part.strip()
        if name not in schema.columns:
            raise QueryError("fields", f"no field named '{name}'; fields are "
                                       f"{schema.describe_fields()}")
        if name not in names:
            names.append(name)
    return names


def parse_query(schema: TableSchema, items: Iterable[tuple[str, str]]) -> DataQuery:
    """The typed query of a request's parameters (all but paging and format)."""
    grouped: dict[str, list[str]] = {}
    for name, value in items:
        grouped.setdefault(name, []).append(value)

    filters = [parse_filter(schema, name, values) for name, values in grouped.items()
               if name not in RESERVED]
    search = _single("q", grouped.get("q", []))
    if search is not None:
        search = search.strip() or None
    if search is not None:
        if len(search) > MAX_SEARCH_LENGTH or "\x00" in search:
            raise QueryError("q", f"a search is at most {MAX_SEARCH_LENGTH} characters of text")
        if not schema.search:
            raise QueryError("q", f"dataset '{schema.slug}' has no text fields to search")
    spatial = []
    for parameter, parse in (("bbox", parse_bbox), ("within", parse_within),
                             ("near", parse_near)):
        raw = _single(parameter, grouped.get(parameter, []))
        if raw is not None:
            spatial.append(parse(raw))
    if spatial and not schema.points:
        raise no_points(schema, spatial[0].parameter)

    group_by = parse_group_by(schema, _single("group_by", grouped.get("group_by", [])))
    aggregates = parse_aggregates(schema, _single("agg", grouped.get("agg", [])))
    raw_sort = _single("sort", grouped.get("sort", []))
    fields = _fields(schema, _single("fields", grouped.get("fields", [])))
    sort: list[SortKey] = []
    group_sort: list[tuple[str, bool]] = []
    if group_by or aggregates:
        if not aggregates:
            aggregates = [Aggregate("count")]
        if fields is not None:
            raise QueryError("fields", "an aggregation returns its groups and aggregates; "
                                       "leave out fields")
        group_sort = parse_group_sort(raw_sort, output_names(group_by, aggregates))
    else:
        sort = parse_sort(schema, raw_sort)

    selection = tuple(sorted(
        (name, value) for name, values in grouped.items()
        if name not in ("limit", "offset", "cursor", "format", "fields") for value in values))
    return DataQuery(filters=filters, search=search, spatial=spatial, sort=sort,
                     fields=fields, group_by=group_by, aggregates=aggregates,
                     group_sort=group_sort, selection=selection)


def parse_format(raw: str | None, accept: str | None) -> str:
    """`format=` wins; else the Accept header (text/csv, application/geo+json); else JSON."""
    if raw is not None:
        chosen = raw.strip().lower()
        if chosen not in FORMATS:
            raise QueryError("format", f"'{raw}' is not one of {', '.join(FORMATS)}")
        return chosen
    accepted = (accept or "").lower()
    if "text/csv" in accepted and "application/json" not in accepted:
        return "csv"
    if "application/geo+json" in accepted:
        return "geojson"
    return "json"
