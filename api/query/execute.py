"""Running a data request: one page of rows (or of groups), and how many there are in all.

Totals are exact when that is cheap and estimated, and said so, when not:
- without filters, the version's row count (its table never changes);
- when a page by offset is not full, the rows before it plus its own;
- on a table of up to `EXACT_COUNT_TABLE_ROWS` rows, a count;
- otherwise the planner's estimate (EXPLAIN, nothing read); when it is small, a count
  that stops after `EXACT_COUNT_CAP` rows makes it exact.
A version table never changes, so a total, once known, is kept (per worker, bounded).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from api.query import statements
from api.query.fragments import Fragment, all_of
from api.query.params import DataQuery
from api.query.schema import TableSchema
from api.query.sorting import SortKey, after_row

EXACT_COUNT_CAP = 10_000
# a table this small is counted exactly whatever the filter: a few milliseconds at most
EXACT_COUNT_TABLE_ROWS = 100_000
TOTALS_KEPT = 4_096
STATEMENTS_KEPT = 1_024


@dataclass
class Page:
    columns: list[str]
    rows: list[dict[str, Any]]
    total: int
    total_is_estimate: bool
    # the last row's sort key values when more rows follow: the next cursor's content
    last: dict[str, Any] | None = None
    # the value of fetch_page's `check`, read by the page's own statement (None: no row)
    checked: Any = None


class _Kept:
    """A bounded map, least recently used out first: what is known of immutable tables."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._known: OrderedDict[tuple, Any] = OrderedDict()

    def get(self, key: tuple) -> Any:
        found = self._known.get(key)
        if found is not None:
            self._known.move_to_end(key)
        return found

    def put(self, key: tuple, value: Any) -> None:
        self._known[key] = value
        self._known.move_to_end(key)
        while len(self._known) > self._size:
            self._known.popitem(last=False)


# (table, the query's selection) -> (total, whether it is an estimate); the selection (its
# filter, search, spatial and sort parameters) determines the condition
TOTALS = _Kept(TOTALS_KEPT)
# (table, selection, order, columns, limit, offset, check) -> the text and parameters of a page
# statement without a cursor: composing it costs more than running it from an index
STATEMENTS = _Kept(STATEMENTS_KEPT)


async def _scalar(conn: psycopg.AsyncConnection, fragment: Fragment) -> Any:
    async with conn.cursor() as cur:
        await cur.execute(fragment.sql, fragment.params)
        row = await cur.fetchone()
    return row[0] if row else None


async def count_matching(conn: psycopg.AsyncConnection, schema: TableSchema,
                         query: DataQuery) -> tuple[int, bool]:
    """(total, whether it is an estimate) of the rows the query's condition selects."""
    if not query.filtered:
        return schema.row_count, False
    key = (schema.table, query.selection)
    known = TOTALS.get(key)
    if known is not None:
        return known
    condition = statements.where(schema, query)
    if schema.row_count <= EXACT_COUNT_TABLE_ROWS:
        result = (await _scalar(conn, statements.capped_count(
            schema, condition, EXACT_COUNT_TABLE_ROWS)), False)
        TOTALS.put(key, result)
        return result
    plan = await _scalar(conn, statements.estimate(schema, condition))
    estimated = int(plan[0]["Plan"]["Plan Rows"])
    if estimated <= EXACT_COUNT_CAP:
        counted = await _scalar(conn, statements.capped_count(schema, condition,
                                                              EXACT_COUNT_CAP + 1))
        result = ((counted, False) if counted <= EXACT_COUNT_CAP
                  else (max(estimated, counted), True))
    else:
        result = (estimated, True)
    TOTALS.put(key, result)
    return result


# the output column of fetch_page's `check`: a name no dictionary field can have
CHECKED = "civic check"


def page_statement(schema: TableSchema, query: DataQuery, *, keys: list[SortKey],
                   columns: list[str], limit: int, offset: int,
                   after: list[Any] | None, check: Fragment | None = None) -> Fragment:
    """The SELECT of one page: the query's condition, after the cursor's row if any."""
    condition = statements.where(schema, query)
    if after is not None:
        condition = all_of([condition, after_row(keys, after)])
    also = None
    if check is not None:
        also = Fragment(sql.SQL("{} AS {}").format(check.sql, sql.Identifier(CHECKED)),
                        check.params)
    return statements.page(schema, columns=columns, condition=condition, keys=keys,
                           limit=limit, offset=offset, also=also)


async def fetch_page(conn: psycopg.AsyncConnection, schema: TableSchema, query: DataQuery, *,
                     keys: list[SortKey], output: list[str], extra: list[str], limit: int,
                     offset: int, after: list[Any] | None,
                     check: Fragment | None = None) -> Page:
    """One page of rows in the order `keys`; `extra` columns are read (sort keys for the
    cursor, coordinates for GeoJSON) and kept on the rows, `output` is what is shown.
    `check`, a scalar subquery independent of the rows, is read by the same statement
    (same round trip, same snapshot) into `Page.checked` when there is a row."""
    columns = output + [name for name in extra if name not in output]
    key = None
    if after is None:  # a cursor's values make every statement new
        key = (schema.table, query.selection, tuple(keys), tuple(columns), limit, offset,
               None if check is None else (check.sql.as_string(), check.params))
    text_and_params = STATEMENTS.get(key) if key is not None else None
    if text_and_params is None:
        statement = page_statement(schema, query, keys=keys, columns=columns,
                                   limit=limit + 1, offset=offset, after=after, check=check)
        text_and_params = (statement.sql.as_bytes(conn), statement.params)
        if key is not None:
            STATEMENTS.put(key, text_and_params)
    async with conn.cursor() as cur:
        await cur.execute(*text_and_params)
        records = await cur.fetchall()
    # dicts made here rather than by a row factory: one call per page, not per row; zip
    # leaves out the check's column, last
    rows = [dict(zip(columns, record, strict=False)) for record in records]
    checked = records[0][-1] if check is not None and records else None
    more = len(rows) > limit
    rows = rows[:limit]
    if after is None and not more and (rows or offset == 0):
        total, estimated = offset + len(rows), False
    else:
        total, estimated = await count_matching(conn, schema, query)
    return Page(columns=output, rows=rows, total=total, total_is_estimate=estimated,
                last=rows[-1] if more else None, checked=checked)


async def fetch_groups(conn: psycopg.AsyncConnection, schema: TableSchema, query: DataQuery, *,
                       limit: int, offset: int) -> Page:
    condition = statements.where(schema, query)
    statement = statements.aggregate(schema, query, condition, limit=limit, offset=offset)
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(statement.sql, statement.params)
        rows = await cur.fetchall()
    if rows:
        total = rows[0]["__groups"]
    elif not query.group_by or offset == 0:
        total = 0 if query.group_by else 1
    else:
        total = await _scalar(conn, statements.group_count(schema, query, condition))
    for row in rows:
        del row["__groups"]
    columns = [key.name for key in query.group_by] + [a.name for a in query.aggregates]
    return Page(columns=columns, rows=rows, total=total, total_is_estimate=False)
