"""Where the table is in a city's spreadsheet or CSV: title lines above, notes below.

Files exported by departments rarely start with the header: a title ("City of Oakland —
Adopted Budget"), a date line and a blank row come first, and "Source: …" or "Note: …"
lines follow the last record. Both are found the same way in CSV and Excel:

- the header is the first row as wide as the table below it. The table's width is the
  most common width of the sampled rows with at least two values; the rows above the
  header (each narrower than the table, or holding a single value) are title lines. When
  the first row is already as wide as the table nothing is skipped, so an ordinary file
  reads exactly as before.
- notes are the rows after the table that hold a single value, when a blank row separates
  them from the last record and they run to the end of the file. Without the blank row,
  a short row stays a record (and in CSV the ragged row it is, an error naming its line).

Options override detection: `header_row` (the header's row number as a spreadsheet shows
it, from 1) or `skip_rows` (records to skip before the header).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from civic_assets.ingest.errors import IngestError

Cells = Sequence[Any]

# a table's notes are a few lines; more single-value rows than this are data
MAX_NOTE_ROWS = 50
MAX_TITLE_ROWS = 30


def filled(row: Cells) -> int:
    """How many cells of a row hold a value (empty strings and None do not)."""
    return sum(1 for value in row if value is not None and str(value).strip() != "")


def is_blank(row: Cells) -> bool:
    return filled(row) == 0


def width(row: Cells) -> int:
    """The position after the row's last value (trailing empty cells do not count)."""
    for index in range(len(row) - 1, -1, -1):
        value = row[index]
        if value is not None and str(value).strip() != "":
            return index + 1
    return 0


def table_width(rows: Sequence[Cells]) -> int:
    """The most common width among rows holding at least two values (ties: the wider)."""
    widths = Counter(width(row) for row in rows if filled(row) >= 2)
    if not widths:
        return 0
    return max(widths, key=lambda w: (widths[w], w))


def header_index(rows: Sequence[Cells]) -> int:
    """The index (among the given non-blank rows) of the header: 0 unless title lines
    narrower than the table come first."""
    rows = [row for row in rows if not is_blank(row)]
    table = table_width(rows)
    if len(rows) < 3 or table < 2 or width(rows[0]) >= table:
        return 0
    for index, row in enumerate(rows[:MAX_TITLE_ROWS + 1]):
        if width(row) >= table and filled(row) >= 2:
            # the rows below must be the table: as wide, or at least not title-like
            below = rows[index + 1:index + 4]
            if below and all(filled(r) >= 2 for r in below):
                return index
            return 0
        if filled(row) > max(1, table // 2):
            return 0  # a wide row that is not the header: no title block, read as is
    return 0


def header_options(source: str, options: dict[str, Any]) -> tuple[int | None, int | None]:
    """(skip_rows, header_row) as the options give them (None: not given), checked."""
    if "skip_rows" in options and "header_row" in options:
        raise IngestError(source, "options skip_rows and header_row both say where the "
                          "header is: give one")
    try:
        skip = int(options["skip_rows"]) if "skip_rows" in options else None
        header_row = int(options["header_row"]) if "header_row" in options else None
    except (TypeError, ValueError) as exc:
        raise IngestError(source, f"skip_rows and header_row are whole numbers ({exc})"
                          ) from exc
    if (skip is not None and skip < 0) or (header_row is not None and header_row < 1):
        raise IngestError(source, "header_row counts from 1 (the sheet's row number) and "
                          "skip_rows from 0")
    return skip, header_row


@dataclass
class LayoutReport:
    """What detection found, for the ingest log and `civic preview`."""

    header_row: int | None = None  # 1-based row (line) number of the header
    title_lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def details(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.header_row is not None:
            out["header_row"] = self.header_row
        if self.title_lines:
            out["title_lines"] = self.title_lines
        if self.notes:
            out["notes_below_table"] = self.notes
        return out


def row_text(row: Cells) -> str:
    return " ".join(str(value).strip() for value in row
                    if value is not None and str(value).strip() != "")


def without_notes(items: Iterator[Any], report: LayoutReport, *,
                  cells: Callable[[Any], Cells] = lambda item: item) -> Iterator[Any]:
    """Items (rows, or rows with their line numbers: `cells` gives the row) with the notes
    below the table held back and recorded in `report`.

    After a blank row, single-value rows are held until a row of data shows they were
    records after all (then everything held is passed on, in order) or the end of the
    file shows they were notes (then the notes and the blank rows before them are
    dropped). Blank rows are passed on like any row: whether they are records is the
    reader's business.
    """
    held: list[Any] = []
    notes_started = False
    for item in items:
        row = cells(item)
        if not any(row):  # blank: every value empty (fast: this runs for every row)
            held.append(item)
            continue
        if held and filled(row) == 1 and len(held) < MAX_NOTE_ROWS:
            held.append(item)
            notes_started = True
            continue
        if held:
            yield from held
            held, notes_started = [], False
        yield item
    if notes_started:
        report.notes = [row_text(cells(item)) for item in held if any(cells(item))]
    else:
        yield from held
