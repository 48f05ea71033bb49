"""The DataStore of a published dataset: its latest version table, read by
`datastore_search` and `datastore_search_sql` as CKAN's DataStore answers them.

`_id` is the row's physical address in its immutable version table (block × 65536 +
line, from `ctid`): unique and stable for the life of the version, and found without
a scan when filtered on. Filters compare typed values (`filters={"status": ["open",
"closed"]}` is an IN), so the indexes publication built serve them; `q` is full-text
search with the very expression of the version's search index.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

import psycopg
from psycopg import sql

from api.ckan.errors import NotAuthorized, ValidationError
from api.ckan.params import Params
from api.ckan.sql_guard import Resolver, checked_select
from catalog.published_indexes import search_document, search_query
from catalog.rows import one_row
from metadata.indexing import SEARCH_CONFIGURATION, search_columns

DEFAULT_LIMIT = 100
# CKAN's ckan.datastore.search.rows_max
ROWS_MAX = 32_000
MAX_OFFSET = 2**62
RECORDS_FORMATS = ("objects", "lists", "csv", "tsv")
# PostgreSQL's type names as CKAN's DataStore reports them
CKAN_TYPES = {
    "text": "text", "character varying": "text", "integer": "int4", "bigint": "int8",
    "smallint": "int2", "double precision": "float8", "real": "float4", "numeric": "numeric",
    "boolean": "bool", "date": "date", "timestamp with time zone": "timestamptz",
    "timestamp without time zone": "timestamp", "time without time zone": "time",
    "json": "json", "jsonb": "jsonb",
}
_ID = "_id"
_ID_EXPRESSION = sql.SQL("((t.ctid::text::point)[0]::bigint * 65536"
                         " + (t.ctid::text::point)[1]::bigint)")


@dataclass(frozen=True)
class DatastoreTable:
    """The table behind a DataStore resource, with what describes its columns."""

    resource_id: str
    table: str
    # (name, PostgreSQL data type), in table order
    columns: list[tuple[str, str]]
    dictionary: dict[str, Any]
    # the version's row count: the total of an unfiltered search, without counting
    row_count: int | None = None

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.columns]

    def pg_type(self, name: str) -> str:
        return dict(self.columns)[name]

    def field(self, name: str) -> dict[str, Any]:
        if name == _ID:
            return {"id": _ID, "type": "int"}
        described: dict[str, Any] = next((c for c in self.dictionary.get("columns") or []
                                          if c.get("name") == name), {})
        texts = described.get("description") or {}
        info = {"label": name, "notes": texts.get("en") or "", "type_override": "",
                "notes_fr": texts.get("fr") or "", "dictionary_type": described.get("type"),
                "unit": described.get("unit")}
        return {"id": name, "type": CKAN_TYPES.get(self.pg_type(name), "text"),
                "info": {k: v for k, v in info.items() if v is not None}}

    @property
    def primary_key(self) -> str | None:
        key = self.dictionary.get("primary_key")
        return key if key in self.names else None


def table_columns(conn: psycopg.Connection, table: str) -> list[tuple[str, str]]:
    rows = conn.execute(
        "SELECT column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = 'published' AND table_name = %s ORDER BY ordinal_position",
        (table,)).fetchall()
    return [(name, dtype) for name, dtype in rows]


def _column(name: str) -> sql.Composable:
    return _ID_EXPRESSION if name == _ID else sql.SQL("t.{}").format(sql.Identifier(name))


def _tid(value: Any) -> str:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError("filters", f"_id must be an integer, not {value!r}") from None
    if number < 0:
        raise ValidationError("filters", f"_id must be positive, not {number}")
    return f"({number // 65536},{number % 65536})"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        raise ValidationError("filters", f"a filter value cannot be {json.dumps(value)}")
    return str(value)


def _filters(table: DatastoreTable, filters: dict[str, Any]) -> tuple[list[sql.Composable],
                                                                      list[Any]]:
    clauses: list[sql.Composable] = []
    params: list[Any] = []
    for name, value in filters.items():
        if name != _ID and name not in table.names:
            raise ValidationError("filters", f'field "{name}" not in table')
        values = value if isinstance(value, list) else [value]
        if name == _ID:
            clauses.append(sql.SQL("t.ctid = ANY(%s::tid[])"))
            params.append([_tid(v) for v in values])
            continue
        cast = sql.SQL(table.pg_type(name))
        present = [_text(v) for v in values if v is not None]
        tests = []
        if present:
            tests.append(sql.SQL("{} = ANY(%s::{}[])").format(_column(name), cast)
                         if len(present) > 1 else
                         sql.SQL("{} = %s::{}").format(_column(name), cast))
            params.append(present if len(present) > 1 else present[0])
        if len(present) < len(values):
            tests.append(sql.SQL("{} IS NULL").format(_column(name)))
        clauses.append(sql.SQL("({})").format(sql.SQL(" OR ").join(tests)))
    return clauses, params


def _full_text(table: DatastoreTable, q: Any) -> tuple[list[sql.Composable], list[Any]]:
    if isinstance(q, dict):
        clauses: list[sql.Composable] = []
        params: list[Any] = []
        for name, text in q.items():
            if name not in table.names:
                raise ValidationError("q", f'field "{name}" not in table')
            clauses.append(sql.SQL("to_tsvector({}::regconfig, coalesce({}::text, ''))"
                                   " @@ {}").format(sql.Literal(SEARCH_CONFIGURATION),
                                                     _column(name), search_query()))
            params.append(str(text))
        return clauses, params
    columns = search_columns(table.dictionary)
    if not columns:
        return [sql.SQL("false")], []
    # the expression of the version's full-text index, word for word, so that it is used
    return [sql.SQL("{} @@ {}").format(search_document(columns), search_query())], [str(q)]


def _sort(table: DatastoreTable, text: str | None) -> list[sql.Composable]:
    order: list[sql.Composable] = []
    direction = "asc"
    for part in (text or "").split(","):
        pieces = part.split()
        if not pieces:
            continue
        name = pieces[0].strip('"')
        direction = pieces[1].lower() if len(pieces) > 1 else "asc"
        if (name != _ID and name not in table.names) or direction not in ("asc", "desc") \
                or len(pieces) > 2:
            raise ValidationError("sort", f'cannot sort by "{part.strip()}": give '
                                  '"<field> asc|desc" with a field of the table')
        target = sql.SQL("t.ctid") if name == _ID else _column(name)
        order.append(sql.SQL("{} {}").format(target, sql.SQL(direction.upper())))
    # a stable order, so that pages never overlap: the key, else the row's address; in
    # the last key's direction, so that an index on (column, key) reads it in one pass
    key = table.primary_key
    order.append(sql.SQL("{} {}").format(
        sql.SQL("t.{}").format(sql.Identifier(key)) if key else sql.SQL("t.ctid"),
        sql.SQL(direction.upper())))
    return order


def _json_safe(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


def _delimited(rows: list[list[Any]], delimiter: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if v is None else json.dumps(v) if isinstance(v, bool) else v
                         for v in row])
    return out.getvalue()


def search(conn: psycopg.Connection, table: DatastoreTable, params: Params, *,
           action_path: str) -> dict[str, Any]:
    """datastore_search's result for one DataStore table."""
    limit = params.integer("limit", default=DEFAULT_LIMIT, maximum=ROWS_MAX)
    offset = params.integer("offset", default=0, maximum=MAX_OFFSET)
    include_total = params.boolean("include_total", default=True)
    records_format = params.text("records_format") or "objects"
    if records_format not in RECORDS_FORMATS:
        raise ValidationError("records_format", f"must be one of {', '.join(RECORDS_FORMATS)}")
    fields = params.names("fields") or [_ID, *table.names]
    unknown = [f for f in fields if f != _ID and f not in table.names]
    if unknown:
        raise ValidationError("fields", f'field "{unknown[0]}" not in table')
    filters = params.structured("filters", dict) or {}
    q = params.data.get("q")
    if isinstance(q, str) and q.strip().startswith("{"):
        q = params.structured("q", dict)
    clauses, values = _filters(table, filters)
    if q not in (None, "", {}):
        if not isinstance(q, str | dict):
            raise ValidationError("q", "must be a text or a JSON object of field: text")
        more, more_values = _full_text(table, q)
        clauses += more
        values += more_values
    where = (sql.SQL(" WHERE ") + sql.SQL(" AND ").join(clauses)) if clauses else sql.SQL("")
    source = sql.SQL("published.{} AS t").format(sql.Identifier(table.table))
    select = sql.SQL(", ").join(sql.SQL("{} AS {}").format(_column(f), sql.Identifier(f))
                                for f in fields)
    sort = params.data.get("sort")
    if isinstance(sort, list):
        sort = ", ".join(str(part) for part in sort)
    elif sort is not None and not isinstance(sort, str):
        raise ValidationError("sort", 'must be "<field> asc|desc", comma-separated')
    query = sql.SQL("SELECT {} FROM {}{} ORDER BY {} LIMIT %s OFFSET %s").format(
        select, source, where, sql.SQL(", ").join(_sort(table, sort)))
    try:
        rows = conn.execute(query, [*values, limit, offset]).fetchall()
        total = None
        if include_total:
            total = table.row_count if not clauses and table.row_count is not None else \
                one_row(conn.execute(sql.SQL("SELECT count(*) FROM {}{}").format(
                    source, where), values))[0]
    except (psycopg.DataError, psycopg.ProgrammingError) as exc:
        # a filter value the column's type cannot take ("not a date" for a timestamp)
        raise ValidationError("filters", exc.diag.message_primary or str(exc)) from None
    records: Any
    if records_format == "objects":
        records = [{f: _json_safe(v) for f, v in zip(fields, row, strict=True)} for row in rows]
    else:
        lists = [[_json_safe(v) for v in row] for row in rows]
        records = (lists if records_format == "lists"
                   else _delimited(lists, "," if records_format == "csv" else "\t"))
    given = {k: (json.dumps(v) if isinstance(v, dict | list) else v)
             for k, v in params.data.items() if k != "offset" and v is not None}
    result: dict[str, Any] = {
        "include_total": include_total,
        "resource_id": table.resource_id,
        "fields": [table.field(f) for f in fields],
        "records_format": records_format,
        "records": records,
        "limit": limit,
        "_links": {"start": f"{action_path}?{urlencode(given)}",
                   "next": f"{action_path}?{urlencode({**given, 'offset': offset + limit})}"},
    }
    if "offset" in params:
        result["offset"] = offset
    if filters:
        result["filters"] = filters
    if q not in (None, "", {}):
        result["q"] = q
    if sort:
        result["sort"] = sort
    if include_total:
        result["total"] = total
        result["total_was_estimated"] = False
    return result


def search_sql(conn: psycopg.Connection, text: str, resolve: Resolver, *,
               timeout_ms: int) -> dict[str, Any]:
    """datastore_search_sql's result: the checked SELECT run read-only, with a time limit."""
    checked = checked_select(text, resolve)
    try:
        with conn.transaction():
            # defence in depth behind the parser: nothing written, nothing run for long,
            # and no schema of ours found by an unqualified name
            conn.execute("SET TRANSACTION READ ONLY")
            conn.execute(sql.SQL("SET LOCAL statement_timeout = {}").format(
                sql.Literal(timeout_ms)))
            conn.execute("SET LOCAL search_path = pg_catalog")
            with conn.cursor() as cursor:
                cursor.execute(checked)
                rows = cursor.fetchmany(ROWS_MAX + 1)
                described = cursor.description or []
    except psycopg.errors.QueryCanceled:
        raise ValidationError("query", "Query took too long") from None
    except psycopg.errors.InsufficientPrivilege as exc:
        raise NotAuthorized(exc.diag.message_primary or "not allowed") from None
    except (psycopg.ProgrammingError, psycopg.DataError, psycopg.NotSupportedError) as exc:
        # the statement's own mistakes: unknown columns, bad casts, division by zero…
        raise ValidationError("query", exc.diag.message_primary or str(exc)) from None
    names = [column.name for column in described]
    types = {}
    for column in described:
        info = conn.adapters.types.get(column.type_code)
        types[column.name] = info.name if info else "unknown"
    return {
        "sql": text,
        "fields": [{"id": name, "type": types[name]} for name in names],
        "records": [{n: _json_safe(v) for n, v in zip(names, row, strict=True)}
                    for row in rows[:ROWS_MAX]],
        **({"records_truncated": True} if len(rows) > ROWS_MAX else {}),
    }
