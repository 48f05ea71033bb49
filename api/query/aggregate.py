"""Aggregation: `group_by=field[:bucket],…` with `agg=count,sum(field),avg(field),
min(field),max(field)` — what SoQL's `$select … $group` gives, over the filtered rows.

A date or time field groups by its value or by a period (`created_at:month`; periods:
year, quarter, month, week, day, hour). Each output column is named after what it holds:
the field (`neighbourhood`, `created_at_month`) and the aggregate (`count`,
`avg_response_time_hours`). `sort` orders groups by those names; by default they come in
the order of the grouping fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from psycopg import sql

from api.query.errors import QueryError
from api.query.schema import NUMERIC_TYPES, TEMPORAL_TYPES, Column, TableSchema

FUNCTIONS = ("count", "sum", "avg", "min", "max")
PERIODS = ("year", "quarter", "month", "week", "day", "hour")
MAX_GROUP_KEYS = 5
MAX_AGGREGATES = 20
_AGGREGATE = re.compile(r"^\s*(?P<function>[a-z]+)\s*(\(\s*(?P<field>[^()]*?)\s*\))?\s*$")


@dataclass(frozen=True)
class GroupKey:
    column: Column
    period: str | None = None

    @property
    def name(self) -> str:
        return f"{self.column.name}_{self.period}" if self.period else self.column.name

    def expression(self) -> sql.Composable:
        column = sql.Identifier(self.column.name)
        if self.period is None:
            return column
        return sql.SQL("date_trunc({}, {})").format(sql.Literal(self.period), column)


@dataclass(frozen=True)
class Aggregate:
    function: str
    column: Column | None = None

    @property
    def name(self) -> str:
        return f"{self.function}_{self.column.name}" if self.column else self.function

    def expression(self) -> sql.Composable:
        if self.column is None:
            return sql.SQL("count(*)")
        return sql.SQL("{}({})").format(sql.SQL(self.function),
                                        sql.Identifier(self.column.name))


def parse_group_by(schema: TableSchema, raw: str | None) -> list[GroupKey]:
    if raw is None or not raw.strip():
        return []
    keys = []
    for part in raw.split(","):
        name, _, period_text = part.strip().partition(":")
        column = schema.columns.get(name.strip())
        if column is None:
            raise QueryError("group_by", f"no field named '{name.strip()}'; fields are "
                                         f"{schema.describe_fields()}")
        if column.type == "geometry":
            raise QueryError("group_by", f"field '{column.name}' is geometry; group by "
                                         "another field")
        period = period_text.strip().lower() or None
        if period is not None:
            if column.type not in TEMPORAL_TYPES:
                raise QueryError("group_by", f"a period ({period}) applies to dates and times;"
                                             f" field '{column.name}' is {column.type}")
            if period not in PERIODS:
                raise QueryError("group_by", f"unknown period '{period}'; periods are "
                                             f"{', '.join(PERIODS)}")
        keys.append(GroupKey(column, period))
    if len(keys) > MAX_GROUP_KEYS:
        raise QueryError("group_by", f"at most {MAX_GROUP_KEYS} fields")
    return keys


def _aggregate(schema: TableSchema, part: str) -> Aggregate:
    found = _AGGREGATE.match(part)
    if not found or found["function"] not in FUNCTIONS:
        raise QueryError("agg", f"'{part.strip()}' is not one of count, count(field), "
                                "sum(field), avg(field), min(field), max(field)")
    function, field = found["function"], found["field"]
    if field is None or field in ("", "*"):
        if function != "count":
            raise QueryError("agg", f"{function} needs a field: {function}(field)")
        return Aggregate("count")
    column = schema.columns.get(field)
    if column is None:
        raise QueryError("agg", f"no field named '{field}'; fields are "
                                f"{schema.describe_fields()}")
    if function in ("sum", "avg") and column.type not in NUMERIC_TYPES:
        raise QueryError("agg", f"{function} applies to numbers; field '{field}' is "
                                f"{column.type}")
    if function in ("min", "max") and column.type not in NUMERIC_TYPES | TEMPORAL_TYPES | {
            "text"}:
        raise QueryError("agg", f"{function} applies to numbers, dates, times and text; "
                                f"field '{field}' is {column.type}")
    return Aggregate(function, column)


def parse_aggregates(schema: TableSchema, raw: str | None) -> list[Aggregate]:
    if raw is None or not raw.strip():
        return []
    aggregates = [_aggregate(schema, part) for part in raw.split(",") if part.strip()]
    if len(aggregates) > MAX_AGGREGATES:
        raise QueryError("agg", f"at most {MAX_AGGREGATES} aggregates")
    return aggregates


def output_names(keys: list[GroupKey], aggregates: list[Aggregate]) -> list[str]:
    names = [key.name for key in keys] + [aggregate.name for aggregate in aggregates]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise QueryError("agg", f"two output columns would be named {', '.join(repeated)}")
    return names


def parse_group_sort(raw: str | None, names: list[str]) -> list[tuple[str, bool]]:
    """(output name, descending) pairs ordering the groups."""
    if raw is None or not raw.strip():
        return []
    order = []
    for part in raw.split(","):
        name = part.strip()
        descending = name.startswith("-")
        name = name.lstrip("+-").strip()
        if name not in names:
            raise QueryError("sort", f"groups are sorted by their columns: "
                                     f"{', '.join(names)}; not '{name}'")
        order.append((name, descending))
    return order
