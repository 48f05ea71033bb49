"""`ingest`: one source into `raw.<slug>`, logged in `catalog.ingest_log`, all or nothing."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from catalog.credentials import CredentialError
from catalog.database import PROJECT_ROOT, libpq_url
from catalog.ingest_log import latest_success, write_entry
from civic_assets.ingest.errors import IngestError
from civic_assets.ingest.files import (
    StreamingDigest,
    check_size,
    fingerprint,
    head_fingerprint,
    resolve_source_path,
)
from civic_assets.ingest.limits import max_field_bytes, max_source_bytes
from civic_assets.ingest.loader import (
    COPY_CHUNK_BYTES,
    PREVIEW_ROWS,
    RAW_SCHEMA,
    LoadedTable,
    RawTableInUse,
    copy_csv_bytes,
    copy_records,
    copy_rows,
    create_table,
    first_overlong_value,
    new_load_table_name,
    swap_into_place,
)
from civic_assets.ingest.markdown import markdown_table
from civic_assets.ingest.masking import mask_secrets
from civic_assets.ingest.naming import ColumnNamer, DuplicateColumnError
from civic_assets.ingest.readers import detect_format, open_stream
from civic_assets.ingest.readers.base import RecordStream
from civic_assets.ingest.readers.csv import (
    CsvDialect,
    detect_dialect,
    has_notes_at_end,
    open_csv,
)
from civic_assets.ingest.result import Extract, IngestResult
from civic_assets.ingest.type_detection import DEFAULT_SAMPLE_SIZE, TypeDetector


def ingest(source: Any, *, slug: str, database_url: str, base_dir: Path = PROJECT_ROOT,
           force: bool = False) -> IngestResult:
    """Ingest a spec's `Source` (metadata.specs.Source) into raw.<slug>.

    file: a path or glob under base_dir (a glob takes the newest file); file_drop: the
    newest file in the folder (a sensor calls `ingest_file` per new file instead);
    sql: a query against the URL held in the named credential; rest: a paginated JSON API.
    """
    from civic_assets.ingest import sources  # late: sql/rest pull in heavier imports

    if source.type in ("file", "file_drop"):
        started = _now()
        try:
            if not source.path:
                raise IngestError(f"dataset {slug}", "the source has no path")
            path = (resolve_source_path(source.path, base_dir) if source.type == "file"
                    else sources.newest_file(Path(base_dir) / source.path,
                                             source.options.get("pattern", "*")))
        except IngestError as exc:
            _log_failure(database_url, slug=slug, label=f"file {source.path}",
                         started=started, error=str(exc))
            raise
        return ingest_file(path, slug=slug, database_url=database_url, format=source.format,
                           options=source.options, max_bytes=source.max_bytes, force=force)
    started = _now()
    try:
        with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
            if source.type == "sql":
                extract = sources.sql_extract(conn, source)
            elif source.type == "rest":
                extract = sources.rest_extract(conn, source)
            else:  # pragma: no cover - the spec model allows no other type
                raise IngestError(f"dataset {slug}", f"unknown source type {source.type!r}")
    except (IngestError, CredentialError) as exc:
        error = exc if isinstance(exc, IngestError) else IngestError(
            f"{source.type} source", str(exc), f"credential {source.credential!r}")
        _log_failure(database_url, slug=slug, label=f"{source.type} source", started=started,
                     error=str(error))
        if error is exc:
            raise
        raise error from exc
    return run_extract(extract, slug=slug, database_url=database_url, force=force)


def ingest_file(path: str | Path, *, slug: str, database_url: str, format: str | None = None,
                options: dict[str, Any] | None = None, max_bytes: int | None = None,
                force: bool = False) -> IngestResult:
    """Ingest one file (what a file-drop sensor's run calls for each new file)."""
    path = Path(path)
    options = dict(options or {})
    started = _now()
    try:
        extract = file_extract(path, format=format, options=options, max_bytes=max_bytes)
    except IngestError as exc:
        _log_failure(database_url, slug=slug, label=f"file {path}", started=started,
                     error=str(exc))
        raise
    return run_extract(extract, slug=slug, database_url=database_url, force=force,
                       started=started)


def file_extract(path: Path, *, format: str | None, options: dict[str, Any],
                 max_bytes: int | None) -> Extract:
    if not path.is_file():
        raise IngestError(str(path), "file not found")
    fmt = format or detect_format(path)
    size = check_size(path, max_source_bytes(max_bytes))
    if size == 0:
        raise IngestError(str(path), "the file is empty (0 bytes): no header, no records")
    details = {"format": fmt, "path": str(path)}
    label = f"{fmt} file {path}"
    if fmt == "csv":
        # the CSV fast path hashes while it streams into COPY; a full pass up front is
        # paid only when the size equals the last load's (the file may be unchanged)
        state: dict[str, Any] = {}

        def prehash() -> tuple[str, int]:
            state["print"] = fingerprint(path, check_utf8=_checks_utf8(options))
            return state["print"].sha256, state["print"].byte_size

        def load_csv(conn: psycopg.Connection, loaded: LoadedTable) -> dict[str, Any]:
            return _load_csv(conn, loaded, path, options, state)

        return Extract(label=label, load=load_csv, byte_size=size, details=details,
                       prehash=prehash, finish=lambda: state["digest"])
    print_ = fingerprint(path)

    def load(conn: psycopg.Connection, loaded: LoadedTable) -> dict[str, Any]:
        return load_stream(conn, loaded, open_stream(path, fmt, options))

    return Extract(label=label, load=load, sha256=print_.sha256, byte_size=print_.byte_size,
                   details=details)


def _checks_utf8(options: dict[str, Any]) -> bool:
    declared = str(options.get("encoding", "utf-8")).lower().replace("_", "-")
    return declared in ("utf-8", "utf8", "utf-8-sig")


def load_stream(conn: psycopg.Connection, loaded: LoadedTable,
                stream: RecordStream) -> dict[str, Any]:
    """Load any reader's stream (rows under a header, or keyed records)."""
    try:
        if stream.rows is not None:
            loaded.namer.add_all(stream.columns)
            loaded.detector.widen(len(loaded.namer.names))
            create_table(conn, loaded.table, loaded.namer.names)
            copy_rows(conn, loaded, stream.rows)
        else:
            copy_records(conn, loaded, stream.records or iter(()))
    finally:
        stream.close()
    return dict(stream.details)


def _load_csv(conn: psycopg.Connection, loaded: LoadedTable, path: Path,
              options: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
    """Try the COPY fast path; anything it cannot vouch for goes to the exact reader."""
    print_ = state.get("print") or head_fingerprint(path)
    dialect = detect_dialect(path, options, print_)
    # title lines and notes need the exact reader, which knows where the table is
    fast = (dialect.pg_encoding is not None and not options.get("skip_rows")
            and "header_row" not in options and not dialect.title_rows
            and options.get("fast_path", True) and not has_notes_at_end(path, dialect))
    if fast:
        try:
            with conn.transaction():  # a savepoint: the exact reader starts from scratch
                return _load_csv_fast(conn, loaded, path, options, dialect, state)
        except (_SlowPathNeeded, psycopg.errors.DataError):
            # PostgreSQL refused something (a blank line, a bad byte, a ragged row) or the
            # file is small: Python's reader loads it or names the exact line at fault
            loaded.reset()
    return _load_csv_exact(conn, loaded, path, options, state)


def _load_csv_fast(conn: psycopg.Connection, loaded: LoadedTable, path: Path,
                   options: dict[str, Any], dialect: CsvDialect,
                   state: dict[str, Any]) -> dict[str, Any]:
    stream, _ = open_csv(path, options, dialect=dialect)
    try:
        _name_columns(loaded, stream, source=str(path), where="header, line 1")
        if len(loaded.namer.names) < 2:  # PostgreSQL reads a blank line as one NULL
            raise _SlowPathNeeded
        assert stream.rows is not None  # a CSV stream has a header and rows
        try:
            sample = list(islice(stream.rows, DEFAULT_SAMPLE_SIZE + 1))
        except IngestError as exc:
            raise _SlowPathNeeded from exc
    finally:
        stream.close()
    if len(sample) <= DEFAULT_SAMPLE_SIZE:  # small: the exact reader costs nothing here
        raise _SlowPathNeeded
    create_table(conn, loaded.table, loaded.namer.names)
    for row in sample:
        loaded.detector.add(row)
        if len(loaded.preview) < PREVIEW_ROWS:
            loaded.preview.append(row)
    del sample
    limit = max_field_bytes(options)
    digest = StreamingDigest(track_lines=path.stat().st_size > limit)

    def chunks() -> Iterator[bytes]:
        with path.open("rb") as handle:
            first = True
            while chunk := handle.read(COPY_CHUNK_BYTES):
                digest.update(chunk)
                if digest.has_copy_end_marker:  # a `\.` line would end COPY early
                    raise _SlowPathNeeded
                yield chunk[dialect.bom_bytes:] if first else chunk
                first = False

    count = copy_csv_bytes(conn, loaded.table, loaded.namer.names, chunks(),
                           header=dialect.header, delimiter=dialect.delimiter,
                           quotechar=dialect.quotechar, pg_encoding=dialect.pg_encoding or "UTF8")
    sha256, size = digest.finish()
    if digest.has_copy_end_marker:
        raise _SlowPathNeeded
    if digest.track_lines:
        # no line longer than the limit and no line break inside any value (as many line
        # breaks as records) prove every value fits; otherwise look in the loaded table
        header_lines = 1 if dialect.header else 0
        if (digest.longest_line > limit or digest.newlines > count + header_lines) and (
                first_overlong_value(conn, loaded.table, loaded.namer.names, limit)):
            raise _SlowPathNeeded
    state["digest"] = (sha256, size)
    loaded.record_count = count
    loaded.fast_path = True
    return {**stream.details, "fast_path": True}


def _load_csv_exact(conn: psycopg.Connection, loaded: LoadedTable, path: Path,
                    options: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
    """Python's csv reader: strict, and precise about where a problem is."""
    print_ = state.get("print") or fingerprint(path, check_utf8=_checks_utf8(options))
    state["digest"] = (print_.sha256, print_.byte_size)
    stream, _ = open_csv(path, options, print_)
    try:
        _name_columns(loaded, stream, source=str(path), where="header, line 1")
        create_table(conn, loaded.table, loaded.namer.names)
        assert stream.rows is not None  # a CSV stream has a header and rows
        copy_rows(conn, loaded, stream.rows)
    finally:
        stream.close()
    return {**stream.details, "fast_path": False}


class _SlowPathNeeded(Exception):
    """The fast path's result cannot be trusted; re-read with the exact reader."""


def _name_columns(loaded: LoadedTable, stream: RecordStream, *, source: str,
                  where: str) -> None:
    try:
        loaded.namer.add_all(stream.columns)
    except DuplicateColumnError as exc:
        raise IngestError(source, str(exc), where) from exc
    loaded.detector.widen(len(loaded.namer.names))


def run_extract(extract: Extract, *, slug: str, database_url: str, force: bool = False,
                started: dt.datetime | None = None) -> IngestResult:
    """Load an extract into a new table and swap it into raw.<slug> in one transaction."""
    started = started or _now()
    clock = time.perf_counter()
    raw_table = f"{RAW_SCHEMA}.{slug}"
    conn = psycopg.connect(libpq_url(database_url), autocommit=True)
    loaded = LoadedTable(new_load_table_name(slug), ColumnNamer(), TypeDetector())
    try:
        if not force and extract.sha256 is None and extract.prehash is not None:
            previous = latest_success(conn, slug)
            if previous is not None and previous["byte_size"] == extract.byte_size:
                extract.sha256, extract.byte_size = extract.prehash()
        if not force and extract.sha256 is not None:
            unchanged = _unchanged(conn, slug, extract.sha256)
            if unchanged is not None:
                return _record_unchanged(conn, extract, slug, unchanged, started, clock)
        with conn.transaction():
            # one load per dataset at a time; a second waits, then replaces the first
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"civic.ingest.{slug}",))
            read_details = extract.load(conn, loaded)
            if extract.finish is not None:
                extract.sha256, extract.byte_size = extract.finish()
                if not force:
                    unchanged = _unchanged(conn, slug, extract.sha256)
                    if unchanged is not None:
                        raise _Unchanged(unchanged)
            if loaded.record_count == 0:
                raise IngestError(extract.label, "no records: the source has a header or "
                                  "structure but no rows", "after the header")
            swap = swap_into_place(conn, loaded.table, slug, loaded.namer.names)
            details = {**extract.details, **read_details, "swap": swap,
                       "columns": loaded.columns(),
                       "column_mapping": dict(zip(loaded.namer.originals, loaded.namer.names,
                                                  strict=True))}
            finished = _now()
            write_entry(conn, slug=slug, source=extract.label, started_at=started,
                        finished_at=finished, status="loaded",
                        record_count=loaded.record_count, sha256=extract.sha256,
                        byte_size=extract.byte_size, raw_table=raw_table, details=details)
        return IngestResult(
            slug=slug, raw_table=raw_table, status="loaded", record_count=loaded.record_count,
            sha256=extract.sha256 or "", byte_size=extract.byte_size or 0,
            duration_seconds=time.perf_counter() - clock, source=extract.label,
            columns=loaded.columns(),
            preview_markdown=markdown_table(loaded.namer.names, loaded.preview_rows()),
            details=details)
    except _Unchanged as exc:
        return _record_unchanged(conn, extract, slug, exc.previous, started, clock)
    except Exception as exc:
        error = _as_ingest_error(exc, extract)
        conn.rollback()
        _drop_quietly(conn, loaded.table)
        _log_failure(database_url, slug=slug, label=extract.label, started=started,
                     error=str(error), sha256=extract.sha256, byte_size=extract.byte_size,
                     details=extract.details)
        if error is exc:
            raise
        raise error from exc
    finally:
        conn.close()


class _Unchanged(Exception):
    def __init__(self, previous: dict[str, Any]) -> None:
        super().__init__("unchanged")
        self.previous = previous


def _unchanged(conn: psycopg.Connection, slug: str, sha256: str) -> dict[str, Any] | None:
    previous = latest_success(conn, slug)
    if previous is None or previous["sha256"] != sha256:
        return None
    exists = conn.execute("SELECT to_regclass(%s)", (f'{RAW_SCHEMA}."{slug}"',)).fetchone()
    return previous if exists and exists[0] else None


def _record_unchanged(conn: psycopg.Connection, extract: Extract, slug: str,
                      previous: dict[str, Any], started: dt.datetime,
                      clock: float) -> IngestResult:
    conn.rollback()
    raw_table = f"{RAW_SCHEMA}.{slug}"
    columns = previous["details"].get("columns", [])
    with conn.cursor() as cursor:
        cursor.execute(sql.SQL("SELECT * FROM {}.{} LIMIT {}").format(
            sql.Identifier(RAW_SCHEMA), sql.Identifier(slug), sql.Literal(PREVIEW_ROWS)))
        names = [d.name for d in cursor.description or []]
        rows = cursor.fetchall()
    details = {**extract.details, "unchanged_since_log_id": previous["id"],
               "columns": columns}
    write_entry(conn, slug=slug, source=extract.label, started_at=started,
                finished_at=_now(), status="unchanged", record_count=previous["record_count"],
                sha256=extract.sha256, byte_size=extract.byte_size, raw_table=raw_table,
                details=details)
    conn.commit()
    return IngestResult(
        slug=slug, raw_table=raw_table, status="unchanged",
        record_count=int(previous["record_count"] or 0), sha256=extract.sha256 or "",
        byte_size=extract.byte_size or 0, duration_seconds=time.perf_counter() - clock,
        source=extract.label, columns=columns, preview_markdown=markdown_table(names, rows),
        details=details)


def _as_ingest_error(exc: Exception, extract: Extract) -> IngestError:
    if isinstance(exc, IngestError):
        if extract.secrets:
            return IngestError(mask_secrets(exc.source, extract.secrets),
                               mask_secrets(exc.problem, extract.secrets), exc.where)
        return exc
    if isinstance(exc, DuplicateColumnError):
        return IngestError(extract.label, str(exc), "column names")
    if isinstance(exc, RawTableInUse):
        return IngestError(extract.label, str(exc), "replacing the raw table")
    if isinstance(exc, psycopg.Error):
        diag = exc.diag
        problem = diag.message_primary or str(exc)
        where = diag.context.strip().splitlines()[0] if diag.context else None
        return IngestError(extract.label, mask_secrets(f"database refused the data: {problem}",
                                                       extract.secrets), where)
    return IngestError(extract.label,
                       mask_secrets(f"{type(exc).__name__}: {exc}", extract.secrets))


def _drop_quietly(conn: psycopg.Connection, table: str) -> None:
    try:
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}.{}").format(
            sql.Identifier(RAW_SCHEMA), sql.Identifier(table)))
        conn.commit()
    except psycopg.Error:
        conn.rollback()


def _log_failure(database_url: str, *, slug: str, label: str, started: dt.datetime,
                 error: str, sha256: str | None = None, byte_size: int | None = None,
                 details: dict[str, Any] | None = None) -> None:
    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        write_entry(conn, slug=slug, source=label, started_at=started, finished_at=_now(),
                    status="failed", sha256=sha256, byte_size=byte_size, error=error,
                    details=details or {})


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)

