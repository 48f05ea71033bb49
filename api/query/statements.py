"""The SQL statements of a data request, composed from its typed parts: identifiers from
the dictionary, every value a parameter."""

from __future__ import annotations

from psycopg import sql

from api.query.filters import filter_sql
from api.query.fragments import Fragment, all_of
from api.query.params import DataQuery
from api.query.schema import TableSchema
from api.query.sorting import SortKey, order_by
from api.query.spatial import spatial_sql
from catalog.published_indexes import search_document, search_query


def table(schema: TableSchema) -> sql.Composable:
    return sql.Identifier("published", schema.table)


def where(schema: TableSchema, query: DataQuery) -> Fragment:
    """The condition of the filters, search and spatial filters (TRUE without any)."""
    parts = [filter_sql(item) for item in query.filters]
    if query.search:
        parts.append(Fragment(sql.SQL("{} @@ {}").format(
            search_document(list(schema.search)), search_query()), (query.search,)))
    parts += [spatial_sql(schema, item) for item in query.spatial]
    return all_of(parts)


def page(schema: TableSchema, *, columns: list[str], condition: Fragment,
         keys: list[SortKey], limit: int, offset: int,
         also: Fragment | None = None) -> Fragment:
    """The page's SELECT; `also`, an expression with its name, is one more output column
    (computed once, for the whole statement, when it does not depend on the row)."""
    selected: sql.Composable = sql.SQL(", ").join(sql.Identifier(name) for name in columns)
    params: tuple = (*condition.params, limit, offset)
    if also is not None:
        selected = sql.SQL("{}, {}").format(selected, also.sql)
        params = (*also.params, *params)
    return Fragment(
        sql.SQL("SELECT {} FROM {} WHERE {} ORDER BY {} LIMIT %s OFFSET %s").format(
            selected, table(schema), condition.sql, order_by(keys)),
        params)


def capped_count(schema: TableSchema, condition: Fragment, cap: int) -> Fragment:
    """How many rows match, counting no further than `cap`."""
    return Fragment(
        sql.SQL("SELECT count(*) FROM (SELECT 1 FROM {} WHERE {} LIMIT %s) AS matching").format(
            table(schema), condition.sql),
        (*condition.params, cap))


def estimate(schema: TableSchema, condition: Fragment) -> Fragment:
    """The planner's estimate of the matching rows (EXPLAIN: nothing is read)."""
    return Fragment(sql.SQL("EXPLAIN (FORMAT JSON) SELECT 1 FROM {} WHERE {}").format(
        table(schema), condition.sql), condition.params)


def aggregate(schema: TableSchema, query: DataQuery, condition: Fragment, *, limit: int,
              offset: int) -> Fragment:
    """Groups and their aggregates, with the number of groups on every row (`__groups`)."""
    outputs = [sql.SQL("{} AS {}").format(key.expression(), sql.Identifier(key.name))
               for key in query.group_by]
    outputs += [sql.SQL("{} AS {}").format(a.expression(), sql.Identifier(a.name))
                for a in query.aggregates]
    statement = sql.SQL("SELECT {}, count(*) OVER () AS __groups FROM {} WHERE {}").format(
        sql.SQL(", ").join(outputs), table(schema), condition.sql)
    if query.group_by:
        positions = sql.SQL(", ").join(sql.Literal(i + 1) for i in range(len(query.group_by)))
        statement = sql.SQL("{} GROUP BY {}").format(statement, positions)
        ordering: list[sql.Composable] = [
            sql.SQL("{} DESC" if descending else "{}").format(sql.Identifier(name))
            for name, descending in query.group_sort]
        # the groups' own columns last: the order is total and the pages stable
        ordering += [sql.Identifier(key.name) for key in query.group_by]
        statement = sql.SQL("{} ORDER BY {}").format(statement, sql.SQL(", ").join(ordering))
    return Fragment(sql.SQL("{} LIMIT %s OFFSET %s").format(statement),
                    (*condition.params, limit, offset))


def group_count(schema: TableSchema, query: DataQuery, condition: Fragment) -> Fragment:
    positions = sql.SQL(", ").join(sql.Literal(i + 1) for i in range(len(query.group_by)))
    keys = sql.SQL(", ").join(key.expression() for key in query.group_by)
    return Fragment(
        sql.SQL("SELECT count(*) FROM (SELECT {} FROM {} WHERE {} GROUP BY {}) AS groups").format(
            keys, table(schema), condition.sql, positions),
        condition.params)
