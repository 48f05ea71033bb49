"""Field filters: `<field>=<value>` and `<field>__<operator>=<value>`, typed by the
data dictionary, as SQL conditions a b-tree on the field can answer.

| operator | meaning | fields |
| --- | --- | --- |
| (none), `eq` | equal; the parameter repeated means any of the values | all but geometry |
| `ne` | not equal (rows where the field is empty are not returned) | all but geometry |
| `in` | any of a comma-separated list | all but geometry |
| `gt` `gte` `lt` `lte` | greater / less than (or equal) | integer, number, date, datetime |
| `null` | `true`: the field is empty; `false`: it is not | all |
| `prefix` | text starting with the value (case-sensitive) | text |
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from psycopg import sql

from api.query.errors import QueryError
from api.query.fragments import Fragment
from api.query.schema import ORDERED_TYPES, Column, TableSchema
from api.query.values import parse_value

RANGES = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
OPERATORS = ("eq", "ne", "in", *RANGES, "null", "prefix")
MAX_LIST_VALUES = 1_000


@dataclass(frozen=True)
class Filter:
    parameter: str
    column: Column
    operator: str
    values: tuple[Any, ...]


def split_parameter(name: str) -> tuple[str, str]:
    """(field, operator) of a filter parameter name; `eq` when no operator is given."""
    field, separator, operator = name.rpartition("__")
    if separator and operator in OPERATORS:
        return field, operator
    return name, "eq"


def parse_filter(schema: TableSchema, name: str, raw_values: list[str]) -> Filter:
    field, operator = split_parameter(name)
    column = schema.columns.get(field)
    if column is None:
        raise QueryError(name, f"no field named '{field}'; fields are "
                               f"{schema.describe_fields()}")
    if operator == "null":
        flags = {value.strip().lower() for value in raw_values}
        if not flags <= {"true", "false"} or len(flags) != 1:
            raise QueryError(name, "expected true (the field is empty) or false (it is not)")
        return Filter(name, column, operator, (flags.pop() == "true",))
    if column.type == "geometry":
        parse_value(column, "", parameter=name)  # raises: geometry has its own filters
    if operator in RANGES and column.type not in ORDERED_TYPES:
        raise QueryError(name, f"range filters apply to numbers, dates and times; field "
                               f"'{field}' is {column.type}")
    if operator == "prefix" and column.type != "text":
        raise QueryError(name, f"prefix applies to text; field '{field}' is {column.type}")
    if operator == "in":
        raw_values = [part for raw in raw_values for part in raw.split(",")]
    if operator in ("eq", "in") and len(raw_values) > 1:
        operator = "in"
    if len(raw_values) > MAX_LIST_VALUES:
        raise QueryError(name, f"at most {MAX_LIST_VALUES} values")
    if operator == "prefix":
        return Filter(name, column, operator, tuple(raw_values))
    values = tuple(parse_value(column, raw, parameter=name) for raw in raw_values)
    return Filter(name, column, operator, values)


def _like_prefix(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def filter_sql(item: Filter) -> Fragment:
    column = sql.Identifier(item.column.name)
    operator = item.operator
    if operator == "null":
        return Fragment.of("{} IS NULL" if item.values[0] else "{} IS NOT NULL", column)
    if operator == "in":
        return Fragment.of("{} = ANY(%s)", column, params=[list(item.values)])
    if operator == "prefix":
        return Fragment(sql.SQL(" AND ").join(
            sql.SQL("{} LIKE %s").format(column) for _ in item.values),
            tuple(_like_prefix(v) for v in item.values))
    comparison = {"eq": "=", "ne": "<>", **RANGES}[operator]
    return Fragment(sql.SQL(" AND ").join(
        sql.SQL("{} " + comparison + " %s").format(column) for _ in item.values),
        item.values)
