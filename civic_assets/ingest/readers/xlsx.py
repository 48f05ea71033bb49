"""Excel .xlsx, read with python-calamine (Rust): ~40x faster than openpyxl's read-only mode.

Option `sheet`: a sheet name or a 0-based index (default: the first sheet). The header
is the first row as wide as the table, so title lines above it are skipped, and notes
below the table are left out (see `table_layout`; options `header_row`, the header's row
number, or `skip_rows`, non-empty rows before the header, say where it is instead); empty
rows are skipped; a value to the right of the last header is an error naming its cell.

calamine parses the chosen sheet in one go (its cells, not the XML, are held in memory,
a few hundred bytes per row); rows then reach Python one at a time. Cell values become
the same text openpyxl gave: whole numbers without ".0", dates as ISO dates, date-times
as "YYYY-MM-DD HH:MM:SS".
"""

from __future__ import annotations

import contextlib
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import chain
from pathlib import Path
from typing import Any

from defusedxml import ElementTree
from python_calamine import CalamineError, CalamineWorkbook

from civic_assets.ingest.errors import IngestError
from civic_assets.ingest.limits import human_bytes, max_field_bytes, max_source_bytes
from civic_assets.ingest.readers.base import RecordStream, to_text
from civic_assets.ingest.table_layout import (
    MAX_TITLE_ROWS,
    LayoutReport,
    header_index,
    header_options,
    is_blank,
    row_text,
    without_notes,
)
from civic_assets.ingest.zip_safety import open_checked_zip
from civic_assets.publish.xlsx import column_letter

_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# an error cell (t="e", e.g. a formula's cached #N/A) and its content up to </c>
_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\s([^>]*\bt=["\']e["\'][^>/]*)>(.*?)</(?:\w+:)?c>',
                         re.DOTALL)
_CELL_REF = re.compile(rb'\br=["\']([A-Z]{1,3})([0-9]+)["\']')
_CELL_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
# floats up to 2**53 hold whole numbers exactly: written as integers, as openpyxl did
_EXACT_INTEGERS = float(2**53)


def open_xlsx(path: Path, options: dict[str, Any]) -> RecordStream:
    # a workbook is a zip: check it for bombs before calamine inflates anything
    open_checked_zip(path, max_uncompressed=4 * max_source_bytes(options.get("max_bytes")),
                     what="Excel .xlsx workbook").close()
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as exc:
        raise IngestError(str(path), _unreadable(exc)) from exc
    try:
        name = _pick_sheet(path, workbook.sheet_names, options.get("sheet"))
        # calamine parses the sheet without the GIL: look for error cells meanwhile
        with ThreadPoolExecutor(max_workers=1) as pool:
            scan = pool.submit(_error_cells, path, name)
            try:
                sheet = workbook.get_sheet_by_name(name)
            except (CalamineError, OSError, ValueError) as exc:
                raise IngestError(str(path), _unreadable(exc), f"sheet {name!r}") from exc
            errors = scan.result()
    finally:
        workbook.close()  # the sheet's cells are loaded: the file is no longer needed
    if sheet.start is None:
        raise IngestError(str(path), "the sheet is empty (no header, no records)",
                          f"sheet {name!r}")
    first_column = sheet.start[1]  # calamine drops empty columns left of the data
    position = {"row": 0}
    rows = sheet.iter_rows()  # row numbers stay absolute: leading empty rows come as ""
    if errors:
        rows = _with_errors(rows, errors, first_column)
    numbered = ((number, _texts(raw, first_column)) for number, raw in enumerate(rows, 1))
    layout = LayoutReport()
    header, rest = _read_header(path, numbered, options, name, layout)
    position["row"] = layout.header_row or 0
    limit = max_field_bytes(options)
    details: dict[str, Any] = {"format": "xlsx", "sheet": name, **layout.details()}

    def where() -> str:
        return f"sheet {name!r}, row {position['row']}"

    def data_rows() -> Iterator[list[str | None]]:
        body = without_notes(chain(rest, numbered), layout, cells=lambda item: item[1])
        yield from _rows(path, body, len(header), position, limit, where)
        details.update(layout.details())  # the notes are known once the rows are read

    return RecordStream(columns=header, rows=data_rows(), where=where, details=details)


def _error_cells(path: Path, sheet_name: str) -> dict[int, list[tuple[int, str]]]:
    """Error values (#N/A, #DIV/0!...) of a sheet: {1-based row: [(0-based column, text)]}.

    calamine turns error cells into empty ones; openpyxl kept their text, and so do we.
    One streamed pass over the sheet's XML finds them (cells written without an `r`
    reference, which no common writer produces, cannot be placed and stay empty).
    """
    errors: dict[int, list[tuple[int, str]]] = {}
    # a damaged sheet: calamine's own error says what is wrong with it
    with contextlib.suppress(zipfile.BadZipFile, zlib.error, OSError, EOFError):
        _scan_errors(path, sheet_name, errors)
    return errors


def _scan_errors(path: Path, sheet_name: str, errors: dict[int, list[tuple[int, str]]]) -> None:
    with zipfile.ZipFile(path) as archive:
        member = _sheet_member(archive, sheet_name)
        if member is None:
            return
        with archive.open(member) as handle:
            tail = b""
            while chunk := handle.read(4 * 1024 * 1024):
                data = tail + chunk
                cut = _last_cell_start(data)  # a cell split by the chunk waits for the next
                data, tail = data[:cut], data[cut:]
                if b"e" in data and (b't="e"' in data or b"t='e'" in data):
                    _collect_errors(data, errors)
            _collect_errors(tail, errors)


def _last_cell_start(data: bytes) -> int:
    start = max(data.rfind(b"<c "), data.rfind(b"<c>"), data.rfind(b":c "))
    return start if start > 0 else len(data)


def _collect_errors(data: bytes, errors: dict[int, list[tuple[int, str]]]) -> None:
    for cell in _ERROR_CELL.finditer(data):
        ref = _CELL_REF.search(cell.group(1))
        value = _CELL_VALUE.search(cell.group(2))
        if ref is None or value is None:
            continue
        column = 0
        for letter in ref.group(1):
            column = column * 26 + letter - 64
        errors.setdefault(int(ref.group(2)), []).append(
            (column - 1, value.group(1).decode("utf-8", "replace")))


def _sheet_member(archive: zipfile.ZipFile, sheet_name: str) -> str | None:
    """The zip member holding the named sheet (xl/workbook.xml → its relationships)."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return None
    rel_id = next((sheet.get(f"{_REL_NS}id") for sheet in workbook.iter(f"{_MAIN_NS}sheet")
                   if sheet.get("name") == sheet_name), None)
    target = next((rel.get("Target") for rel in rels.iter(f"{_PKG_REL_NS}Relationship")
                   if rel.get("Id") == rel_id), None)
    if not target:
        return None
    member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
        posixpath.join("xl", target))
    return member if member in archive.namelist() else None


def _with_errors(rows: Iterator[list[Any]], errors: dict[int, list[tuple[int, str]]],
                 first_column: int) -> Iterator[list[Any]]:
    for number, row in enumerate(rows, start=1):
        for column, text in errors.get(number, ()):
            if 0 <= column - first_column < len(row):
                row[column - first_column] = text
        yield row


def _unreadable(exc: Exception) -> str:
    return f"not a readable Excel .xlsx workbook ({type(exc).__name__}: {exc})"


def _pick_sheet(path: Path, names: list[str], wanted: Any) -> str:
    if not names:
        raise IngestError(str(path), "the workbook has no sheets")
    if wanted is None:
        return names[0]
    if isinstance(wanted, int) or (isinstance(wanted, str) and wanted.isdigit()
                                   and wanted not in names):
        index = int(wanted)
        if not 0 <= index < len(names):
            raise IngestError(str(path), f"no sheet number {index} (0-based); the workbook "
                              f"has {len(names)}: {', '.join(names)}")
        return names[index]
    if wanted not in names:
        raise IngestError(str(path), f"no sheet named {wanted!r}; sheets: {', '.join(names)}")
    return wanted


def cell_text(value: Any) -> str | None:
    """A calamine cell as text, the way the openpyxl-based reader rendered it.

    calamine gives every number as a float and empty cells as "": whole numbers lose the
    ".0" (up to 2**53, where floats are exact; beyond, `to_text`'s exponent form).
    """
    if value.__class__ is str:
        return value or None
    if (value.__class__ is float and value.is_integer()
            and -_EXACT_INTEGERS < value < _EXACT_INTEGERS):
        return str(int(value))
    return to_text(value)


def _texts(raw: list[Any], first_column: int) -> list[str | None]:
    values: list[str | None] = [(v or None) if v.__class__ is str else cell_text(v) for v in raw]
    if not first_column:
        return values
    padding: list[str | None] = [None] * first_column
    return padding + values


Numbered = tuple[int, list[str | None]]


def _read_header(path: Path, rows: Iterator[Numbered], options: dict[str, Any], title: str,
                 layout: LayoutReport) -> tuple[list[str], list[Numbered]]:
    """The header's names, and the rows read past it (to be read as data)."""
    skip_rows, header_row = header_options(str(path), options)
    head: list[Numbered] = []
    for item in rows:
        head.append(item)
        non_blank = [row for _, row in head if not is_blank(row)]
        if header_row is not None:
            if item[0] >= header_row:
                break
        elif len(non_blank) > (skip_rows if skip_rows is not None else MAX_TITLE_ROWS + 4):
            break
    candidates = [item for item in head if not is_blank(item[1])]
    if header_row is not None:
        candidates = [item for item in candidates if item[0] == header_row]
        if not candidates:
            raise IngestError(str(path), f"row {header_row} (option header_row) is empty or "
                              "past the end of the sheet", f"sheet {title!r}")
        at = 0
    elif skip_rows is not None:
        at = skip_rows
    else:
        at = header_index([row for _, row in candidates])
    if at >= len(candidates):
        raise IngestError(str(path), "the sheet is empty (no header, no records)",
                          f"sheet {title!r}")
    number, values = candidates[at]
    layout.header_row = number
    layout.title_lines = [row_text(row) for n, row in head if n < number and not is_blank(row)]
    names = [value or "" for value in values]
    while names and names[-1] == "":
        names.pop()
    return names, [item for item in head if item[0] > number]


def _rows(path: Path, rows: Iterator[Numbered], width: int, position: dict[str, int],
          limit: int, where: Any) -> Iterator[list[str | None]]:
    quarter = limit // 4  # no text of fewer characters can exceed the limit in UTF-8
    for number, values in rows:
        position["row"] = number
        if len(values) > width:
            if any(values[width:]):
                extra = next(i for i in range(width, len(values)) if values[i] is not None)
                raise IngestError(str(path), "a value lies right of the last header column",
                                  f"{where()}, cell {column_letter(extra)}{number}")
            del values[width:]
        if not any(values):  # texts are never "": None is the only false value
            continue
        if len(values) < width:
            values += [None] * (width - len(values))
        # one join per row instead of a length test per cell; exact test only when needed
        if len("".join(filter(None, values))) > quarter:
            for value in values:
                if value is not None and len(value.encode()) > limit:
                    raise IngestError(str(path), f"a value is longer than the limit of "
                                      f"{human_bytes(limit)}", where())
        yield values
