"""Move DataFrames in and out of PostgreSQL with COPY, keeping column types.

Row-by-row inserts and SQLAlchemy's `to_sql` are an order of magnitude slower on a
million rows; COPY in CSV form through psycopg 3 is what PostgreSQL is built for.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import psycopg
from psycopg import sql

_PG_TO_PANDAS = {
    "smallint": "Int64", "integer": "Int64", "bigint": "Int64",
    "double precision": "float64", "real": "float64", "numeric": "float64",
    "boolean": "boolean",
}
_DATETIME_TYPES = {"timestamp without time zone", "timestamp with time zone", "date"}


def table_columns(conn: psycopg.Connection, schema: str, table: str) -> list[tuple[str, str]]:
    rows = conn.execute(
        "SELECT column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
        (schema, table),
    ).fetchall()
    if not rows:
        raise LookupError(f"table {schema}.{table} does not exist or has no columns")
    return [(name, dtype) for name, dtype in rows]


def read_table(conn: psycopg.Connection, schema: str, table: str) -> pd.DataFrame:
    """Read a whole table into a typed DataFrame through COPY ... TO STDOUT."""
    columns = table_columns(conn, schema, table)
    buffer = io.BytesIO()
    query = sql.SQL("COPY {}.{} TO STDOUT WITH (FORMAT csv, HEADER true)").format(
        sql.Identifier(schema), sql.Identifier(table))
    with conn.cursor() as cur, cur.copy(query) as copy:
        for chunk in copy:
            buffer.write(chunk)
    buffer.seek(0)
    dtypes = {name: _PG_TO_PANDAS.get(dtype, "str") for name, dtype in columns
              if dtype not in _DATETIME_TYPES}
    # COPY writes booleans as t/f
    frame = pd.read_csv(buffer, dtype=dtypes, keep_default_na=False,
                        na_values={name: [""] for name, _ in columns},
                        true_values=["t"], false_values=["f"])
    for name, dtype in columns:
        if dtype in _DATETIME_TYPES:
            frame[name] = pd.to_datetime(frame[name], utc=dtype.endswith("with time zone"))
    return frame


def _pg_type(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_integer_dtype(series):
        return "bigint"
    if pd.api.types.is_float_dtype(series):
        return "double precision"
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        return "timestamp with time zone"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "timestamp without time zone"
    return "text"


def write_table(conn: psycopg.Connection, frame: pd.DataFrame, schema: str, table: str) -> None:
    """Create `schema.table` from the frame's dtypes and fill it with COPY.

    Runs inside the caller's transaction, so a failure leaves nothing behind.
    """
    definition = sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(str(name)), sql.SQL(_pg_type(frame[name])))
        for name in frame.columns
    )
    conn.execute(sql.SQL("CREATE TABLE {}.{} ({})").format(
        sql.Identifier(schema), sql.Identifier(table), definition))
    copy_sql = sql.SQL("COPY {}.{} FROM STDIN WITH (FORMAT csv, NULL '\\N')").format(
        sql.Identifier(schema), sql.Identifier(table))
    chunk_rows = 200_000
    with conn.cursor() as cur, cur.copy(copy_sql) as copy:
        for start in range(0, len(frame), chunk_rows):
            chunk = frame.iloc[start:start + chunk_rows]
            copy.write(chunk.to_csv(index=False, header=False, na_rep="\\N",
                                    date_format="%Y-%m-%d %H:%M:%S%z"))


def records_preview(frame: pd.DataFrame, rows: int = 10) -> str:
    """A Markdown table of the first rows, for Dagster metadata."""
    head = frame.head(rows).copy()
    for name in head.columns:
        if head[name].dtype == object or pd.api.types.is_string_dtype(head[name]):
            head[name] = head[name].astype("str").str.slice(0, 60)
    return head.replace({np.nan: None}).to_markdown(index=False)
