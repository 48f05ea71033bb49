"""Loading rows into a new table in `raw` with COPY, and swapping it into place.

Everything happens in the caller's transaction: the new table is created, filled and
renamed to `raw.<slug>` in one transaction, so a failure anywhere leaves the old table
exactly as it was (the rollback removes the half-loaded table).
"""

from __future__ import annotations

import enum
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, Final

import psycopg
from psycopg import sql

from civic_assets.ingest.copy_text import CopyBlockWriter, naive_line, texts_of
from civic_assets.ingest.naming import ColumnNamer
from civic_assets.ingest.readers.base import Row
from civic_assets.ingest.type_detection import TypeDetector

RAW_SCHEMA = "raw"
PREVIEW_ROWS = 20
COPY_CHUNK_BYTES = 1024 * 1024


@dataclass
class LoadedTable:
    """What a load produced, before it is swapped into place."""

    table: str
    namer: ColumnNamer
    detector: TypeDetector
    record_count: int = 0
    preview: list[Row] = field(default_factory=list)
    fast_path: bool = False

    def reset(self) -> None:
        """Forget a load attempt (after its savepoint was rolled back)."""
        self.namer = ColumnNamer()
        self.detector = TypeDetector()
        self.preview.clear()
        self.record_count = 0
        self.fast_path = False

    def columns(self) -> list[dict[str, str]]:
        types, notations = self.detector.types(), self.detector.notations()
        return [
            {"name": name, "original_name": original, "type": kind,
             **({"notation": notation} if notation else {})}
            for name, original, kind, notation in zip(
                self.namer.names, self.namer.originals, types, notations, strict=True)
        ]

    def preview_rows(self) -> list[list[str | None]]:
        width = len(self.namer.names)
        return [list(row) + [None] * (width - len(row)) for row in self.preview]


class RawTableInUse(ValueError):
    """raw.<slug> cannot be replaced: views depend on columns the new extract lacks."""


def new_load_table_name(slug: str) -> str:
    return f"_load_{slug[:40]}_{secrets.token_hex(4)}"


def _qualified(table: str) -> sql.Composed:
    return sql.SQL("{}.{}").format(sql.Identifier(RAW_SCHEMA), sql.Identifier(table))


def create_table(conn: psycopg.Connection, table: str, names: list[str]) -> None:
    columns = sql.SQL(", ").join(
        sql.SQL("{} text").format(sql.Identifier(name)) for name in names
    )
    conn.execute(sql.SQL("CREATE TABLE {} ({})").format(_qualified(table), columns))


def add_columns(conn: psycopg.Connection, table: str, names: list[str]) -> None:
    for name in names:
        conn.execute(sql.SQL("ALTER TABLE {} ADD COLUMN {} text").format(
            _qualified(table), sql.Identifier(name)))


def _copy_statement(table: str, names: list[str]) -> sql.Composed:
    return sql.SQL("COPY {} ({}) FROM STDIN").format(
        _qualified(table), sql.SQL(", ").join(map(sql.Identifier, names)))


def copy_rows(conn: psycopg.Connection, loaded: LoadedTable, rows: Iterator[Row]) -> None:
    """COPY rows aligned with the table's columns; psycopg flushes in bounded chunks."""
    detector, preview = loaded.detector, loaded.preview
    count = loaded.record_count
    with conn.cursor() as cursor, cursor.copy(
            _copy_statement(loaded.table, loaded.namer.names)) as copy:
        for row in rows:
            if not detector.full:
                detector.add(row)
                if len(preview) < PREVIEW_ROWS:
                    preview.append(list(row))
            copy.write_row(row)
            count += 1
    loaded.record_count = count


def copy_records(conn: psycopg.Connection, loaded: LoadedTable,
                 records: Iterator[dict[str, Any]]) -> None:
    """COPY keyed records whose keys may appear late: a new key ends the current COPY,
    adds the column (earlier rows get NULL) and starts a new COPY."""
    namer = loaded.namer
    index = {original: i for i, original in enumerate(namer.originals)}
    held: dict[str, Any] | None = None
    records = iter(records)
    while True:
        if held is not None:
            new_keys = [key for key in held if key not in index]
            added = [namer.add(key) for key in new_keys]
            for key in new_keys:
                index[key] = len(index)
            if loaded.record_count or _table_exists(conn, loaded.table):
                add_columns(conn, loaded.table, added)
            else:
                create_table(conn, loaded.table, namer.names)
            loaded.detector.widen(len(namer.names))
        if not namer.names:  # the very first record decides the first columns
            held = next(records, None)
            if held is None:
                return
            if not held:
                held = {"value": None}
            continue
        pending, held = held, None
        with conn.cursor() as cursor, cursor.copy(
                _copy_statement(loaded.table, namer.names)) as copy:
            writer = CopyBlockWriter(copy, len(namer.names), encoding=conn.info.encoding)
            # chain, not a generator: leaving the loop must not close the reader's stream
            source = chain([pending] if pending is not None else [], records)
            held = _copy_known_records(loaded, index, source, writer)
            writer.flush()
        if held is None:
            return


class _Unseen(enum.Enum):
    """A key sequence not met yet (an enum member, so the type checker can narrow it)."""

    UNSEEN = enum.auto()


_UNSEEN: Final = _Unseen.UNSEEN


def _copy_known_records(loaded: LoadedTable, index: dict[str, int],
                        records: Iterator[dict[str, Any]],
                        writer: CopyBlockWriter) -> dict[str, Any] | None:
    """Write records until one brings a key the table lacks (returned, not written)."""
    detector, preview = loaded.detector, loaded.preview
    width = len(index)
    in_order = tuple(index)  # the columns' keys, in column order
    # per key sequence: None when it is exactly the columns in order, else positions
    layouts: dict[tuple[str, ...], tuple[int, ...] | None] = {}
    count = loaded.record_count
    try:
        for record in records:
            keys = tuple(record)
            layout = layouts.get(keys, _UNSEEN)
            if layout is _UNSEEN:
                if any(key not in index for key in keys):
                    return record
                layout = None if keys == in_order else tuple(index[key] for key in keys)
                if len(layouts) < 1024:  # records with ever-varying keys: no cache
                    layouts[keys] = layout
            if layout is None and detector.full:
                # the common case: every value text, none empty; the values are the row
                values = record.values()
                try:
                    line = "\t".join(values)
                except TypeError:  # None, numbers, booleans, nested values
                    pass
                else:
                    if "" not in values:
                        writer.add(line, values)
                        count += 1
                        continue
            if layout is None:
                row = texts_of(record.values())
            else:
                row = [None] * width
                for position, text in zip(layout, texts_of(record.values()), strict=True):
                    row[position] = text
            if not detector.full:
                detector.add(row)
                if len(preview) < PREVIEW_ROWS:
                    preview.append(row)
            writer.add(naive_line(row), row)
            count += 1
        return None
    finally:
        loaded.record_count = count


def _table_exists(conn: psycopg.Connection, table: str) -> bool:
    row = conn.execute("SELECT to_regclass(%s)", (f'{RAW_SCHEMA}."{table}"',)).fetchone()
    return row is not None and row[0] is not None


def copy_csv_bytes(conn: psycopg.Connection, table: str, names: list[str],
                   chunks: Iterator[bytes], *, header: bool, delimiter: str, quotechar: str,
                   pg_encoding: str) -> int:
    """The fast path: the file's bytes go to COPY unchanged (PostgreSQL parses them)."""
    identifiers = sql.SQL(", ").join(map(sql.Identifier, names))
    statement = sql.SQL(
        "COPY {} ({}) FROM STDIN WITH (FORMAT csv, HEADER {}, DELIMITER {}, QUOTE {}, "
        "ENCODING {}, FORCE_NULL ({}))"
    ).format(_qualified(table), identifiers, sql.SQL("true" if header else "false"),
             sql.Literal(delimiter), sql.Literal(quotechar), sql.Literal(pg_encoding),
             identifiers)
    with conn.cursor() as cursor:
        with cursor.copy(statement) as copy:
            for chunk in chunks:
                copy.write(chunk)
        return cursor.rowcount


def first_overlong_value(conn: psycopg.Connection, table: str, names: list[str],
                         limit: int) -> tuple[str, int] | None:
    """(column, length) of some value longer than `limit` bytes, else None."""
    condition = sql.SQL(" OR ").join(
        sql.SQL("octet_length({}) > {}").format(sql.Identifier(n), sql.Literal(limit))
        for n in names)
    lengths = sql.SQL(", ").join(
        sql.SQL("octet_length({})").format(sql.Identifier(n)) for n in names)
    row = conn.execute(sql.SQL("SELECT {} FROM {} WHERE {} LIMIT 1").format(
        lengths, _qualified(table), condition)).fetchone()
    if row is None:
        return None
    for name, length in zip(names, row, strict=True):
        if length and length > limit:
            return name, length
    return None


def dependent_views(conn: psycopg.Connection, slug: str) -> list[str]:
    """Views (e.g. dbt staging) built on raw.<slug>: a plain DROP would fail on them."""
    rows = conn.execute(
        """
        SELECT DISTINCT n.nspname || '.' || c.relname
        FROM pg_depend d
        JOIN pg_rewrite r ON r.oid = d.objid
        JOIN pg_class c ON c.oid = r.ev_class
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE d.refobjid = to_regclass(%s) AND c.oid <> d.refobjid
        ORDER BY 1
        """,
        (f'{RAW_SCHEMA}."{slug}"',),
    ).fetchall()
    return [row[0] for row in rows]


def swap_into_place(conn: psycopg.Connection, table: str, slug: str,
                    names: list[str]) -> str:
    """Replace raw.<slug> by the loaded table; returns how ('rename' or 'refill').

    With no view on raw.<slug> the old table is dropped and the new one renamed. When
    views depend on it (dbt staging), the old table is refilled in place instead so the
    views survive; new columns are added, and a column a view still needs may not vanish.
    """
    target = _qualified(slug)
    views = dependent_views(conn, slug)
    if not views:
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(target))
        conn.execute(sql.SQL("ALTER TABLE {} RENAME TO {}").format(
            _qualified(table), sql.Identifier(slug)))
        return "rename"
    existing = [row[0] for row in conn.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) "
        "AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
        (f'{RAW_SCHEMA}."{slug}"',)).fetchall()]
    missing = [name for name in existing if name not in names]
    if missing:
        # dropping them would break the dependent views; refuse with the names
        raise RawTableInUse(
            f"the new extract lacks column(s) {', '.join(missing)} of raw.{slug}, which "
            f"view(s) {', '.join(views)} depend on")
    add_columns(conn, slug, [name for name in names if name not in existing])
    identifiers = sql.SQL(", ").join(map(sql.Identifier, names))
    conn.execute(sql.SQL("TRUNCATE {}").format(target))
    conn.execute(sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {}").format(
        target, identifiers, identifiers, _qualified(table)))
    conn.execute(sql.SQL("DROP TABLE {}").format(_qualified(table)))
    return "refill"
