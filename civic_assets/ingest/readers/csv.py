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
- option `skip_rows`: records to skip before the header (titles, `#` comments);
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
    header = options.get("header")
    if header is None:
        header = _sniff_header(text, delimiter, quotechar)
    return CsvDialect(encoding, delimiter, quotechar, bool(header), bom_bytes)


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


def _sniff_delimiter(text: str) -> str:
    line = _first_line_outside_quotes(text)
    unquoted = "".join(part for i, part in enumerate(line.split('"')) if i % 2 == 0)
    counts = {d: unquoted.count(d) for d in CANDIDATE_DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _sniff_header(text: str, delimiter: str, quotechar: str) -> bool:
    """Headerless only when a first-row value has the same non-text type as the rows below."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar=quotechar)
    try:
        rows = [row for _, row in zip(range(50), reader, strict=False) if row]
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

    def where(self) -> str:
        return f"line {self._reader.line_num}"

    def _fail(self, problem: str, where: str | None = None) -> IngestError:
        return IngestError(str(self.path), problem, where or self.where())

    def _next_raw(self) -> list[str] | None:
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
            if row:  # csv yields [] for a blank line
                return row

    def read_header(self, skip_rows: int = 0) -> list[str]:
        for _ in range(skip_rows):
            self._next_raw()
        first = self._next_raw()
        if first is None:
            raise self._fail("the file is empty (no header, no records)", "line 1")
        if self.dialect.header:
            self.header = first
            self._pending: list[str] | None = None
        else:
            self.header = [f"column_{i}" for i in range(1, len(first) + 1)]
            self._pending = first
        self.width = len(self.header)
        return self.header

    def rows(self) -> Iterator[list[str | None]]:
        limit, width = self.max_field, self.width
        pending = self._pending
        row: list[str] | None
        while True:
            if pending is not None:
                row, pending = pending, None
            else:
                row = self._next_raw()
                if row is None:
                    return
            if len(row) != width:
                raise self._fail(f"row has {_count(len(row), 'value')} but the header has "
                                 f"{_count(width, 'column')}")
            if max(map(len, row)) > limit // 4 and any(
                len(value.encode("utf-8")) > limit for value in row
            ):
                raise self._fail(f"a value is longer than the limit of {human_bytes(limit)}")
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
        header = reader.read_header(int(options.get("skip_rows", 0)))
    except BaseException:
        reader.close()
        raise
    details = {"format": "csv", **dialect.details()}
    if options.get("skip_rows"):
        details["skip_rows"] = int(options["skip_rows"])
    stream = RecordStream(columns=header, rows=reader.rows(), where=reader.where,
                          details=details, close=reader.close)
    return stream, dialect
