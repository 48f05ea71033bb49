"""CSV: encoding, delimiter and header sniffing, a strict row reader, and the COPY fast path.

Decisions (documented for data officers):
- encoding: option `encoding`, else a UTF-8 BOM means UTF-8, valid UTF-8 means UTF-8,
  anything else is read as Windows-1252 (a superset of Latin-1 for printable text);
  declare other encodings (e.g. `iso-8859-7`) in the spec's options.
- delimiter: option `delimiter`, else the most frequent of `,` `;` tab `|` in the header
  line (outside quotes), default `,`.
- header: option `header` (true/false), else the first row is a header unless one of
  its values is a number or date in a column whose next rows hold that same type; without
  a header the columns are `column_1`, `column_2`, ...
- title lines above the header and notes below the table are found as in
  `table_layout` (options `header_row`, the header's line number, or `skip_rows`,
  records to skip before the header, say where the header is instead);
- blank lines are skipped; a row with a different number of values than the header is
  an error naming its line; empty values become NULL.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from civic_assets.ingest.errors import IngestError
from civic_assets.ingest.files import Fingerprint
from civic_assets.ingest.limits import human_bytes, max_field_bytes
from civic_assets.ingest.readers.base import RecordStream
from civic_assets.ingest.table_layout import (
    LayoutReport,
    header_index,
    header_options,
    row_text,
    without_notes,
)
from civic_assets.ingest.type_detection import TypeDetector

SNIFF_BYTES = 64 * 1024
CANDIDATE_DELIMITERS = (",", ";", "\t", "|")
# Python codec name -> PostgreSQL COPY ENCODING, for the fast path
PG_ENCODINGS = {
    "utf-8": "UTF8", "utf-8-sig": "UTF8", "ascii": "UTF8",
    "cp1252": "WIN1252", "latin-1": "LATIN1", "iso8859-1": "LATIN1",
    "iso8859-7": "ISO_8859_7", "iso8859-15": "LATIN9", "cp1251": "WIN1251",
    "iso8859-2": "LATIN2", "cp1250": "WIN1250",
}


@dataclass(frozen=True)
class CsvDialect:
    encoding: str
    delimiter: str
    quotechar: str
    header: bool
    bom_bytes: int
    # records above the header: the title lines found in the sniffed head of the file
    title_rows: int = 0

    def details(self) -> dict[str, Any]:
        return {"encoding": self.encoding, "delimiter": self.delimiter,
                "quotechar": self.quotechar, "header": self.header}

    @property
    def pg_encoding(self) -> str | None:
        return PG_ENCODINGS.get(codecs.lookup(self.encoding).name)


def detect_dialect(path: Path, options: dict[str, Any], print_: Fingerprint) -> CsvDialect:
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    bom_bytes = 0
    declared = options.get("encoding")
    if declared:
        try:
            encoding = codecs.lookup(declared).name
        except LookupError as exc:
            raise IngestError(str(path), f"unknown encoding {declared!r} in options") from exc
        if encoding in ("utf-8", "utf-8-sig") and head.startswith(codecs.BOM_UTF8):
            bom_bytes = 3
        if encoding in ("utf-8", "utf-8-sig") and print_.invalid_utf8_at:
            offset, line = print_.invalid_utf8_at
            bad = _byte_at(path, offset)
            raise IngestError(
                str(path), f"not valid UTF-8 (declared encoding): byte 0x{bad:02X} "
                f"at byte offset {offset}", f"line {line}")
    elif head.startswith(codecs.BOM_UTF8):
        encoding, bom_bytes = "utf-8", 3
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif print_.invalid_utf8_at is None:
        encoding = "utf-8"
    else:
        encoding = "cp1252"
    text = head[bom_bytes:].decode(encoding if encoding != "utf-16" else "utf-16",
                                   errors="replace")
    delimiter = options.get("delimiter") or _sniff_delimiter(text)
    if len(delimiter) != 1:
        raise IngestError(str(path), f"delimiter must be one character, got {delimiter!r}")
    quotechar = options.get("quotechar") or '"'
    placed = "skip_rows" in options or "header_row" in options
    title_rows = 0 if placed else _title_rows(text, delimiter, quotechar)
    header = options.get("header")
    if header is None:
        header = _sniff_header(text, delimiter, quotechar, skip=title_rows)
    return CsvDialect(encoding, delimiter, quotechar, bool(header), bom_bytes, title_rows)


def _sample_rows(text: str, delimiter: str, quotechar: str, limit: int = 50) -> list[list[str]]:
    """The first non-blank records of the sniffed head (the last may be cut off)."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar=quotechar)
    rows: list[list[str]] = []
    try:
        for row in reader:
            if row:
                rows.append(row)
            if len(rows) >= limit:
                break
    except csv.Error:
        pass
    return rows


def _title_rows(text: str, delimiter: str, quotechar: str) -> int:
    rows = _sample_rows(text, delimiter, quotechar)
    return header_index(rows[:-1] if len(rows) > 3 else rows)


def _byte_at(path: Path, offset: int) -> int:
    with path.open("rb") as handle:
        handle.seek(offset)
        return handle.read(1)[0]


def _first_line_outside_quotes(text: str, quotechar: str = '"') -> str:
    in_quotes = False
    for index, ch in enumerate(text):
        if ch == quotechar:
            in_quotes = not in_quotes
        elif ch in "\r\n" and not in_quotes:
            return text[:index]
    return text


def _delimiter_counts(line: str) -> dict[str, int]:
    unquoted = "".join(part for i, part in enumerate(line.split('"')) if i % 2 == 0)
    return {d: unquoted.count(d) for d in CANDIDATE_DELIMITERS}


def _sniff_delimiter(text: str) -> str:
    counts = _delimiter_counts(_first_line_outside_quotes(text))
    best = max(counts, key=lambda d: counts[d])
    if counts[best]:
        return best
    # a title line first: the delimiter the most lines below agree on, used most often
    totals = dict.fromkeys(CANDIDATE_DELIMITERS, 0)
    for line in text.splitlines()[1:30]:
        for delimiter, count in _delimiter_counts(line).items():
            totals[delimiter] += count
    best = max(totals, key=lambda d: totals[d])
    return best if totals[best] else ","


def _sniff_header(text: str, delimiter: str, quotechar: str, *, skip: int = 0) -> bool:
    """Headerless only when a first-row value has the same non-text type as the rows below."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar=quotechar)
    try:
        rows = [row for _, row in zip(range(50 + skip), reader, strict=False) if row][skip:]
    except csv.Error:
        return True
    if len(rows) < 2:
        return True
    # the last sampled row may be cut off by the sniff window
    first, rest = rows[0], rows[1:-1] or rows[1:]
    first_types = TypeDetector(len(first))
    first_types.add(first)
    rest_types = TypeDetector(len(first))
    for row in rest:
        if len(row) == len(first):
            rest_types.add(row)
    return not any(
        a == b and a != "text" for a, b in zip(first_types.types(), rest_types.types(), strict=True)
        if a not in ("text", "boolean")
    )


class CsvRowReader:
    """Reads rows strictly: consistent width, bounded field length, named line on error."""

    def __init__(self, path: Path, dialect: CsvDialect, options: dict[str, Any]) -> None:
        self.path = path
        self.dialect = dialect
        self.max_field = max_field_bytes(options)
        self._handle = path.open("r", encoding=dialect.encoding, newline="",
                                 errors="strict")
        if (dialect.bom_bytes or dialect.encoding == "utf-8-sig") and (
                self._handle.read(1) != "\ufeff"):
            self._handle.seek(0)
        # csv's limit is process-wide; the per-source limit is checked again per row below
        csv.field_size_limit(max(csv.field_size_limit(), self.max_field + 1))
        self._reader = csv.reader(self._handle, delimiter=dialect.delimiter,
                                  quotechar=dialect.quotechar, strict=True)
        self.header: list[str] = []
        self.width = 0
        self.layout = LayoutReport()

    def where(self) -> str:
        return f"line {self._reader.line_num}"

    def _fail(self, problem: str, where: str | None = None) -> IngestError:
        return IngestError(str(self.path), problem, where or self.where())

    def _next_raw(self, *, blank_lines: bool = False) -> list[str] | None:
        while True:
            try:
                row = next(self._reader)
            except StopIteration:
                return None
            except csv.Error as exc:
                raise self._fail(_explain_csv_error(str(exc), self.max_field)) from exc
            except UnicodeDecodeError as exc:
                raise self._fail(
                    f"not valid {self.dialect.encoding}: byte 0x{exc.object[exc.start]:02X}",
                    f"after line {self._reader.line_num}") from exc
            if row or blank_lines:  # csv yields [] for a blank line
                return row

    def read_header(self, skip_rows: int = 0, header_row: int | None = None) -> list[str]:
        """Read up to the header: `header_row` is its line number (from 1); else
        `skip_rows` records (or the title lines the dialect found) come before it."""
        skipped: list[str] = []
        if header_row is not None:
            while self._reader.line_num < header_row - 1:
                row = self._next_raw(blank_lines=True)
                if row is None:
                    break
                skipped.append(row_text(row))
        else:
            for _ in range(skip_rows or self.dialect.title_rows):
                row = self._next_raw()
                if row is not None:
                    skipped.append(row_text(row))
        first = self._next_raw()
        if first is None:
            raise self._fail("the file is empty (no header, no records)", "line 1")
        self.layout.header_row = self._reader.line_num
        self.layout.title_lines = [line for line in skipped if line]
        if self.dialect.header:
            self.header = first
            self._pending: list[str] | None = None
        else:
            self.header = [f"column_{i}" for i in range(1, len(first) + 1)]
            self._pending = first
        self.width = len(self.header)
        return self.header

    def _numbered(self) -> Iterator[tuple[int, list[str]]]:
        if self._pending is not None:
            yield self._reader.line_num, self._pending
        while (row := self._next_raw(blank_lines=True)) is not None:
            yield self._reader.line_num, row

    def rows(self) -> Iterator[list[str | None]]:
        limit, width = self.max_field, self.width
        # notes below the table are held back; the line number goes with each row, since
        # the reader has read past a held row by the time it is checked
        for line, row in without_notes(self._numbered(), self.layout,
                                       cells=lambda item: item[1]):
            if not row:  # a blank line
                continue
            if len(row) != width:
                raise self._fail(f"row has {_count(len(row), 'value')} but the header has "
                                 f"{_count(width, 'column')}", f"line {line}")
            if max(map(len, row)) > limit // 4 and any(
                len(value.encode("utf-8")) > limit for value in row
            ):
                raise self._fail(f"a value is longer than the limit of {human_bytes(limit)}",
                                 f"line {line}")
            yield [value if value != "" else None for value in row]

    def close(self) -> None:
        self._handle.close()


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _explain_csv_error(message: str, limit: int) -> str:
    if "field larger than field limit" in message:
        return f"a value is longer than the limit of {human_bytes(limit)}"
    if "unexpected end of data" in message or "EOF inside string" in message:
        return "unterminated quoted value (a quote is opened and never closed)"
    return f"malformed CSV: {message}"


def open_csv(path: Path, options: dict[str, Any], print_: Fingerprint | None = None, *,
             dialect: CsvDialect | None = None) -> tuple[RecordStream, CsvDialect]:
    """A strict row reader; the dialect is sniffed (from `print_`) unless given."""
    if dialect is None:
        if print_ is None:
            raise ValueError("open_csv needs a fingerprint or a dialect")
        dialect = detect_dialect(path, options, print_)
    reader = CsvRowReader(path, dialect, options)
    try:
        header = reader.read_header(*header_position(path, options))
    except BaseException:
        reader.close()
        raise
    details = {"format": "csv", **dialect.details()}
    if options.get("skip_rows"):
        details["skip_rows"] = int(options["skip_rows"])
    layout = reader.layout

    def rows() -> Iterator[list[str | None]]:
        yield from reader.rows()
        details.update(layout.details())  # the notes are known once the rows are read

    details.update(layout.details())
    stream = RecordStream(columns=header, rows=rows(), where=reader.where,
                          details=details, close=reader.close)
    return stream, dialect


def header_position(path: Path, options: dict[str, Any]) -> tuple[int, int | None]:
    """(skip_rows, header_row) from the options, checked."""
    skip, header_row = header_options(str(path), options)
    return skip or 0, header_row


TAIL_BYTES = 16 * 1024


def has_notes_at_end(path: Path, dialect: CsvDialect) -> bool:
    """Whether the file ends with notes below the table (the COPY fast path would load
    them as records: `Source: …,,,` has as many values as the header)."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - TAIL_BYTES))
        tail = handle.read()
    text = tail.decode(dialect.encoding if dialect.encoding != "utf-16" else "utf-16",
                       errors="replace")
    lines = text.splitlines()[1:] if size > TAIL_BYTES else text.splitlines()
    reader = csv.reader(lines, delimiter=dialect.delimiter, quotechar=dialect.quotechar)
    try:
        rows = list(reader)
    except csv.Error:
        return False  # a quoted value cut by the window: the fast path checks the rest
    report = LayoutReport()
    for _ in without_notes(iter(rows), report):
        pass
    return bool(report.notes)
