"""The indexes of a published version table, in SQL: the statements publication runs, and
the indexed expressions the query API must repeat word for word for PostgreSQL to use
them. Here because both the pipeline and the API import it (see metadata/indexing.py for
which columns get which index)."""

from __future__ import annotations

import psycopg
from psycopg import sql

from metadata.indexing import SEARCH_CONFIGURATION, IndexPlan

# GIN and b-tree builds on a million rows are several times faster with room to sort
BUILD_MEMORY = "256MB"


def search_document(columns: list[str]) -> sql.Composed:
    """The tsvector of a row's text columns, as the full-text index holds it."""
    text = sql.SQL(" || ' ' || ").join(
        sql.SQL("coalesce({}, '')").format(sql.Identifier(c)) for c in columns)
    return sql.SQL("to_tsvector({}::regconfig, {})").format(
        sql.Literal(SEARCH_CONFIGURATION), text)


def search_query() -> sql.Composed:
    """A search as people type it (words, "quoted phrases", -exclusions, or), taking the
    text as a parameter."""
    return sql.SQL("websearch_to_tsquery({}::regconfig, %s)").format(
        sql.Literal(SEARCH_CONFIGURATION))


# the two numbers of a WKT point ("POINT (x y)", "SRID=4326;POINT Z (x y z)"): a row
# whose geometry is anything else has no point (NULL), never an error — so the digits are
# bounded too, that no number matched can overflow a double
_NUMBER = r"([-+]?(?:[0-9]{1,15}(?:[.][0-9]{0,17})?|[.][0-9]{1,17})(?:[eE][-+]?[0-9]{1,2})?)"
WKT_POINT = (r"^\s*(?:SRID=[0-9]+;\s*)?POINT\s*(?:ZM|Z|M)?\s*\(\s*" + _NUMBER + r"\s+"
             + _NUMBER)


def point_expression(*, coordinates: tuple[str, str] | None = None,
                     wkt: str | None = None) -> sql.Composed:
    """PostgreSQL's built-in point(longitude, latitude), as the spatial index holds it:
    from coordinate columns, or read out of a WKT point column."""
    if coordinates is not None:
        longitude, latitude = coordinates
        return sql.SQL("point({}::float8, {}::float8)").format(
            sql.Identifier(longitude), sql.Identifier(latitude))
    if wkt is None:
        raise ValueError("a point needs coordinate columns or a WKT column")
    match = sql.SQL("regexp_match({}, {}, 'i')").format(sql.Identifier(wkt),
                                                        sql.Literal(WKT_POINT))
    return sql.SQL("point(({0})[1]::float8, ({0})[2]::float8)").format(match)


def index_statements(schema: str, table: str, plan: IndexPlan) -> list[sql.Composed]:
    """CREATE INDEX statements for a version table (PostgreSQL names them)."""
    target = sql.Identifier(schema, table)
    statements: list[sql.Composed] = []
    key = [sql.Identifier(plan.primary_key)] if plan.primary_key else []
    if plan.primary_key:
        statements.append(sql.SQL("CREATE INDEX ON {} ({})").format(target, key[0]))
    for column in plan.filterable:
        statements.append(sql.SQL("CREATE INDEX ON {} ({})").format(
            target, sql.SQL(", ").join([sql.Identifier(column), *key])))
    if plan.search:
        statements.append(sql.SQL("CREATE INDEX ON {} USING gin (({}))").format(
            target, search_document(plan.search)))
    if plan.coordinates or plan.wkt_points:
        statements.append(sql.SQL("CREATE INDEX ON {} USING gist (({}))").format(
            target, point_expression(coordinates=plan.coordinates, wkt=plan.wkt_points)))
    return statements


def create_indexes(conn: psycopg.Connection, *, schema: str, table: str,
                   plan: IndexPlan) -> int:
    """Build a version table's indexes and its planner statistics (in the caller's
    transaction); returns how many indexes were built."""
    statements = index_statements(schema, table, plan)
    with conn.transaction():
        conn.execute(sql.SQL("SET LOCAL maintenance_work_mem = {}").format(
            sql.Literal(BUILD_MEMORY)))
        for statement in statements:
            conn.execute(statement)
        # estimated totals and index choice need statistics before the first query
        conn.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(schema, table)))
    return len(statements)
