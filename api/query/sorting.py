"""`sort=field,-other`: the order of a page, made total with the primary key (or, on a
dataset without one, the row's physical position, stable in an immutable table), and
the keyset condition "after this row" that paging by cursor reads from the index.

Empty values sort as PostgreSQL puts them by default (last ascending, first
descending), so an index on the field serves both directions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from psycopg import sql

from api.query.errors import QueryError
from api.query.fragments import Fragment, all_of, any_of
from api.query.schema import Column, TableSchema

MAX_SORT_KEYS = 8
# the physical position of a row: the order of last resort on a table without a key
ROW_POSITION = Column(name="ctid", type="tid", nullable=False)


@dataclass(frozen=True)
class SortKey:
    column: Column
    descending: bool = False

    def order_sql(self) -> sql.Composable:
        return sql.SQL("{} DESC" if self.descending else "{}").format(
            sql.Identifier(self.column.name))


def parse_sort(schema: TableSchema, raw: str | None) -> list[SortKey]:
    if raw is None or not raw.strip():
        return []
    keys = []
    for part in raw.split(","):
        name = part.strip()
        descending = name.startswith("-")
        name = name.lstrip("+-").strip()
        column = schema.columns.get(name)
        if column is None:
            raise QueryError("sort", f"no field named '{name}'; fields are "
                                     f"{schema.describe_fields()}")
        if column.type == "geometry":
            raise QueryError("sort", f"field '{name}' is geometry and has no order")
        keys.append(SortKey(column, descending))
    if len(keys) > MAX_SORT_KEYS:
        raise QueryError("sort", f"at most {MAX_SORT_KEYS} fields")
    return keys


def total_order(schema: TableSchema, keys: list[SortKey]) -> list[SortKey]:
    """The keys, then the primary key (or the row position) in the direction of the last
    key, so that the order is total and one index can serve it."""
    tiebreaker = schema.columns[schema.primary_key] if schema.primary_key else ROW_POSITION
    if any(key.column.name == tiebreaker.name for key in keys):
        return keys
    descending = keys[-1].descending if keys else False
    return [*keys, SortKey(tiebreaker, descending)]


def order_by(keys: list[SortKey]) -> sql.Composable:
    return sql.SQL(", ").join(key.order_sql() for key in keys)


def _placeholder(column: Column) -> str:
    return "%s::tid" if column.type == "tid" else "%s"


def _equal(key: SortKey, value: Any) -> Fragment:
    name = sql.Identifier(key.column.name)
    if value is None:
        return Fragment.of("{} IS NULL", name)
    return Fragment.of("{} = " + _placeholder(key.column), name, params=[value])


def _after(key: SortKey, value: Any) -> Fragment:
    name = sql.Identifier(key.column.name)
    if key.descending:  # empty values came first
        if value is None:
            return Fragment.of("{} IS NOT NULL", name)
        return Fragment.of("{} < " + _placeholder(key.column), name, params=[value])
    if value is None:  # empty values come last: nothing is after them
        return Fragment.of("FALSE")
    template = "({0} > " + _placeholder(key.column) + " OR {0} IS NULL)" if key.column.nullable \
        else "{0} > " + _placeholder(key.column)
    return Fragment.of(template, name, params=[value])


def after_row(keys: list[SortKey], values: list[Any]) -> Fragment:
    """Rows strictly after the one whose sort key values are `values`."""
    simple = (len({key.descending for key in keys}) == 1
              and all(not key.column.nullable and value is not None
                      for key, value in zip(keys, values, strict=True)))
    if simple:  # a row comparison: one index range scan
        columns = sql.SQL(", ").join(sql.Identifier(key.column.name) for key in keys)
        places = sql.SQL(", ").join(sql.SQL(_placeholder(key.column)) for key in keys)
        comparison = "<" if keys[0].descending else ">"
        return Fragment(sql.SQL("({}) " + comparison + " ({})").format(columns, places),
                        tuple(values))
    alternatives = []
    for position, key in enumerate(keys):
        alternatives.append(all_of([
            *(_equal(keys[j], values[j]) for j in range(position)),
            _after(key, values[position])]))
    condition = any_of(alternatives)
    first, value = keys[0], values[0]
    if value is None:
        return condition
    # the leading key's bound alone, which an index on it can start from
    name = sql.Identifier(first.column.name)
    bound = (Fragment.of("{} <= " + _placeholder(first.column), name, params=[value])
             if first.descending else
             Fragment.of(("({0} >= " + _placeholder(first.column) + " OR {0} IS NULL)")
                         if first.column.nullable else "{0} >= " + _placeholder(first.column),
                         name, params=[value]))
    return all_of([bound, condition])
