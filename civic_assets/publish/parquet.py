"""A published version as Apache Parquet, with typed columns, streamed in row groups.

Rows come from a server-side cursor a chunk at a time and leave as Arrow record
batches; a row group is written every ROW_GROUP_ROWS rows, so memory holds one row
group, never the table. Column types follow the PostgreSQL ones (integers keep their
width, timestamps with a time zone are UTC microseconds, dates are dates); `numeric`
is read as double precision, and any type Arrow has no match for (json, uuid, …) is
its text form.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from psycopg import sql

ROW_GROUP_ROWS = 100_000

ARROW_TYPES: dict[str, pa.DataType] = {
    "smallint": pa.int16(),
    "integer": pa.int32(),
    "bigint": pa.int64(),
    "real": pa.float32(),
    "double precision": pa.float64(),
    "numeric": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "timestamp with time zone": pa.timestamp("us", tz="UTC"),
    "timestamp without time zone": pa.timestamp("us"),
    "time without time zone": pa.time64("us"),
    "text": pa.string(),
    "character varying": pa.string(),
}
# PostgreSQL types read through a cast, as the Arrow type they are mapped to
_CASTS = {"numeric": "double precision"}


def arrow_schema(columns: list[tuple[str, str]],
                 descriptions: dict[str, str] | None = None) -> pa.Schema:
    """The Arrow schema of (name, PostgreSQL type) columns; descriptions go in field metadata."""
    fields = []
    for name, dtype in columns:
        description = (descriptions or {}).get(name)
        fields.append(pa.field(name, ARROW_TYPES.get(dtype, pa.string()),
                               metadata={"description": description} if description else None))
    return pa.schema(fields)


def select_columns(columns: list[tuple[str, str]]) -> sql.Composable:
    """The select list reading each column in the form its Arrow type takes."""
    expressions = []
    for name, dtype in columns:
        column = sql.SQL("t.{}").format(sql.Identifier(name))
        if dtype in _CASTS:
            column = sql.SQL("{}::{}").format(column, sql.SQL(_CASTS[dtype]))
        elif dtype not in ARROW_TYPES:
            column = sql.SQL("{}::text").format(column)
        expressions.append(sql.SQL("{} AS {}").format(column, sql.Identifier(name)))
    return sql.SQL(", ").join(expressions)


def _batch(rows: list[tuple], schema: pa.Schema) -> pa.RecordBatch:
    values = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
    arrays = [pa.array(column, type=field.type)
              for column, field in zip(values, schema, strict=True)]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def write_parquet(chunks: Iterator[list[tuple]], schema: pa.Schema, path: Path, *,
                  metadata: dict[str, Any] | None = None) -> int:
    """Write the rows of `chunks` (lists of tuples in schema order); return the row count."""
    if metadata:
        schema = schema.with_metadata({key: str(value) for key, value in metadata.items()})
    written = 0
    pending: list[pa.RecordBatch] = []
    pending_rows = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:

        def flush() -> None:
            nonlocal written, pending, pending_rows
            writer.write_table(pa.Table.from_batches(pending, schema=schema),
                               row_group_size=max(pending_rows, 1))
            written += pending_rows
            pending, pending_rows = [], 0

        for rows in chunks:
            pending.append(_batch(rows, schema))
            pending_rows += len(rows)
            if pending_rows >= ROW_GROUP_ROWS:
                flush()
        if pending_rows or not written:
            # an empty table still gets its (typed) schema written
            pending = pending or [_batch([], schema)]
            flush()
    return written
