"""The SQL of the Open311 endpoints: parameterized reads of one published table."""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from api.open311.fields import FieldMap

# Open311 knows two statuses; the published ones map onto them
OPEN_STATUSES = ("open", "in_progress")


def _table(table_name: str) -> sql.Composed:
    return sql.SQL("published.{}").format(sql.Identifier(table_name))


def _code_expression(fields: FieldMap) -> sql.Composable:
    """The service code: its column, or the service name written as a code."""
    code = fields.column("service_code")
    if code:
        return sql.Identifier(code)
    name = sql.Identifier(fields.columns["service_name"])
    return sql.SQL("trim(both '_' from lower(regexp_replace({}, '[^A-Za-z0-9]+', '_', 'g')))"
                   ).format(name)


async def table_columns(conn: psycopg.AsyncConnection, *, table_name: str) -> list[str]:
    async with conn.cursor() as cur:
        await cur.execute(sql.SQL("SELECT * FROM {} LIMIT 0").format(_table(table_name)))
        return [column.name for column in cur.description or []]


async def services(conn: psycopg.AsyncConnection, *, table_name: str,
                   fields: FieldMap) -> list[dict[str, Any]]:
    """Each service code with its name, agency and number of requests."""
    agency = fields.column("agency_responsible")
    query = sql.SQL(
        "SELECT {code} AS service_code, min({name}) AS service_name, {agency} AS agency, "
        "count(*) AS requests FROM {table} GROUP BY 1 ORDER BY 1"
    ).format(code=_code_expression(fields), name=sql.Identifier(fields.columns["service_name"]),
             agency=sql.SQL("min({})").format(sql.Identifier(agency)) if agency
             else sql.SQL("NULL"), table=_table(table_name))
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(query)
        return await cur.fetchall()


def _selected(fields: FieldMap) -> sql.Composable:
    parts = [sql.SQL("{} AS {}").format(sql.Identifier(column), sql.Identifier(field))
             for field, column in fields.columns.items() if field != "service_code"]
    parts.append(sql.SQL("{} AS service_code").format(_code_expression(fields)))
    return sql.SQL(", ").join(parts)


async def requests(conn: psycopg.AsyncConnection, *, table_name: str, fields: FieldMap,
                   service_codes: list[str], status: str | None,
                   start: dt.datetime | None, end: dt.datetime | None, limit: int,
                   offset: int) -> list[dict[str, Any]]:
    """A page of requests, newest first, filtered as GeoReport v2 filters them."""
    conditions: list[sql.Composable] = []
    params: list[Any] = []
    if service_codes:
        conditions.append(sql.SQL("{} = ANY(%s)").format(_code_expression(fields)))
        params.append(service_codes)
    status_column = sql.Identifier(fields.columns["status"])
    if status == "open":
        conditions.append(sql.SQL("{} = ANY(%s)").format(status_column))
        params.append(list(OPEN_STATUSES))
    elif status == "closed":
        conditions.append(sql.SQL("NOT ({} = ANY(%s))").format(status_column))
        params.append(list(OPEN_STATUSES))
    created = sql.Identifier(fields.columns["requested_datetime"])
    if start is not None:
        conditions.append(sql.SQL("{} >= %s").format(created))
        params.append(start)
    if end is not None:
        conditions.append(sql.SQL("{} <= %s").format(created))
        params.append(end)
    where = sql.SQL(" WHERE ") + sql.SQL(" AND ").join(conditions) if conditions else sql.SQL("")
    query = sql.SQL("SELECT {} FROM {}{} ORDER BY {} DESC, {} LIMIT %s OFFSET %s").format(
        _selected(fields), _table(table_name), where, created,
        sql.Identifier(fields.columns["service_request_id"]))
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(query, [*params, limit, offset])
        return await cur.fetchall()


async def request_by_id(conn: psycopg.AsyncConnection, *, table_name: str, fields: FieldMap,
                        request_id: str) -> dict[str, Any] | None:
    query = sql.SQL("SELECT {} FROM {} WHERE {} = %s").format(
        _selected(fields), _table(table_name),
        sql.Identifier(fields.columns["service_request_id"]))
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(query, [request_id])
        return await cur.fetchone()
