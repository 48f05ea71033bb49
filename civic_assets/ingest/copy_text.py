"""COPY's text format written a block of rows at a time, byte for byte as psycopg writes it.

`Copy.write_row` costs a few microseconds of Python per row; a million JSON records spend
more time there than in parsing. `CopyBlockWriter` instead joins each row into a line
(values separated by tabs, NULL as `\\N`) and hands COPY one encoded block per
`BLOCK_ROWS` rows. A whole block is checked at once (C-speed counts and scans): when no
value holds a tab, a line break, a backslash or another character psycopg escapes, the
naive lines are exactly what `write_row` would have sent. Otherwise the block is redone
line by line, escaping as psycopg does, and the rows psycopg refuses itself (a NUL
character, a lone surrogate) go through `write_row` so the error and its wording stay
psycopg's. PostgreSQL therefore receives the same bytes as before, just in fewer calls.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from psycopg import Copy

from civic_assets.ingest.readers.base import to_text

BLOCK_ROWS = 2000
NULL = "\\N"
# what psycopg's text COPY escapes (it refuses NUL itself); the tab is also the separator
_ESCAPES = str.maketrans({"\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f",
                          "\r": "\\r", "\\": "\\\\"})
_NOT_PLAIN = re.compile(r"[\x00\x08\x0a-\x0d\\]")  # all of the above but the tab, and NUL
_BLOCK_UNSAFE = ("\\", "\x00", "\r", "\b", "\v", "\f")


def _text_of_str(value: str) -> str | None:
    return value if value != "" else None


def _text_of_bool(value: bool) -> str:
    return "true" if value else "false"


# to_text for the value classes JSON produces, without its chain of isinstance checks
_TEXT_OF: dict[type, Any] = {
    str: _text_of_str, type(None): lambda value: None, bool: _text_of_bool, int: int.__str__,
}


def texts_of(values: Iterable[Any]) -> list[str | None]:
    """`[to_text(v) for v in values]`, faster for strings, booleans and integers."""
    get = _TEXT_OF.get
    return [get(value.__class__, to_text)(value) for value in values]


def naive_line(row: Iterable[str | None]) -> str:
    """A row's COPY line, assuming no value needs escaping (the block check decides)."""
    return "\t".join([NULL if text is None else text for text in row])


class CopyBlockWriter:
    """Collects (line, row) pairs of one COPY and writes them in checked blocks."""

    def __init__(self, copy: Copy, width: int, *, encoding: str) -> None:
        self.copy = copy
        self.width = width
        # other client encodings: every row through write_row, as before
        self.fast = encoding == "utf-8"
        self.lines: list[str] = []
        self.rows: list[Iterable[str | None]] = []

    def add(self, line: str, row: Iterable[str | None]) -> None:
        """`line` is `naive_line(row)`; `row` holds the texts (a dict's values will do)."""
        if not self.fast:
            self.copy.write_row(list(row))
            return
        self.lines.append(line)
        self.rows.append(row)
        if len(self.lines) >= BLOCK_ROWS:
            self.flush()

    def flush(self) -> None:
        lines, rows = self.lines, self.rows
        if not lines:
            return
        self.lines, self.rows = [], []
        block = "\n".join(lines) + "\n"
        count = len(lines)
        if (block.count("\t") == count * (self.width - 1) and block.count("\n") == count
                and not any(char in block for char in _BLOCK_UNSAFE)):
            try:
                self.copy.write(block.encode("utf-8"))
                return
            except UnicodeEncodeError:
                pass  # a lone surrogate somewhere: psycopg words that error
        self._write_line_by_line(lines, rows)

    def _write_line_by_line(self, lines: list[str], rows: list[Iterable[str | None]]) -> None:
        ready: list[bytes] = []
        for line, row in zip(lines, rows, strict=True):
            text: str | None = line
            if line.count("\t") != self.width - 1 or _NOT_PLAIN.search(line):
                text = None if "\x00" in line else "\t".join(
                    [NULL if value is None else value.translate(_ESCAPES) for value in row])
            if text is not None:
                try:
                    ready.append(text.encode("utf-8"))
                    continue
                except UnicodeEncodeError:
                    pass
            if ready:
                self.copy.write(b"\n".join(ready) + b"\n")
                ready = []
            self.copy.write_row(list(row))  # raises psycopg's own error for this value
        if ready:
            self.copy.write(b"\n".join(ready) + b"\n")
