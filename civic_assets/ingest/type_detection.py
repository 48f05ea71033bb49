"""Detect a column's type from its text values (raw keeps text; dbt staging casts).

Types, narrowest first: integer, number, boolean, date, datetime, geometry, text. A
column gets the narrowest type every non-empty sampled value fits; an all-empty column
is text. Integers with leading zeros (`007`, zip codes) are text, because casting them
would lose the zeros. Only the first `sample_size` records are looked at, so detection
costs the same for 10 rows or 10 million.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

DEFAULT_SAMPLE_SIZE = 10_000

_PATTERNS: dict[str, re.Pattern[str]] = {
    "integer": re.compile(r"[+-]?(0|[1-9]\d{0,17})"),
    "number": re.compile(r"[+-]?((0|[1-9]\d*)(\.\d*)?|\.\d+)([eE][+-]?\d+)?"),
    "boolean": re.compile(r"(?i:true|false|t|f|yes|no|y|n)"),
    "date": re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4}"),
    "datetime": re.compile(
        # the time part is optional so a column mixing dates and datetimes is datetime
        r"(\d{4}-\d{2}-\d{2}([T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?"
        r"|\d{1,2}/\d{1,2}/\d{4}( \d{1,2}:\d{2}(:\d{2})?( ?[AaPp][Mm])?)?)"
    ),
    "geometry": re.compile(
        r"(?i:SRID=\d+;)?(?i:(MULTI)?(POINT|LINESTRING|POLYGON)|GEOMETRYCOLLECTION)\s*(Z|M|ZM)?\s*"
        r"(\(.*\)|EMPTY)",
        re.DOTALL,
    ),
}
TYPE_ORDER = ("integer", "number", "boolean", "date", "datetime", "geometry")


class TypeDetector:
    """Feed rows (lists of text or None); ask `types()` at the end."""

    def __init__(self, width: int = 0, *, sample_size: int = DEFAULT_SAMPLE_SIZE) -> None:
        self.sample_size = sample_size
        self.seen = 0
        # per column: the candidate types still possible, and whether a value was seen
        self._candidates: list[list[str]] = []
        self._has_value: list[bool] = []
        self.widen(width)

    def widen(self, width: int) -> None:
        """Columns added later (JSON keys seen late) start with no values seen."""
        while len(self._candidates) < width:
            self._candidates.append(list(TYPE_ORDER))
            self._has_value.append(False)

    def add(self, row: Sequence[object]) -> None:
        if self.seen >= self.sample_size:
            return
        self.seen += 1
        for index, value in enumerate(row):
            if value is None or value == "":
                continue
            candidates = self._candidates[index]
            self._has_value[index] = True
            if not candidates:
                continue
            text = value if isinstance(value, str) else str(value)
            text = text.strip()
            candidates[:] = [t for t in candidates if _PATTERNS[t].fullmatch(text)]

    @property
    def full(self) -> bool:
        return self.seen >= self.sample_size

    def types(self) -> list[str]:
        return [
            (candidates[0] if candidates else "text") if has_value else "text"
            for candidates, has_value in zip(self._candidates, self._has_value, strict=True)
        ]
