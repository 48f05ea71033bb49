"""Detect a column's type from its text values (raw keeps text; dbt staging casts).

Types, narrowest first: integer, number, boolean, date, datetime, geometry, text. A
column gets the narrowest type every non-empty sampled value fits; an all-empty column
is text. Integers with leading zeros (`007`, zip codes) are text, because casting them
would lose the zeros. Only the first `sample_size` records are looked at, so detection
costs the same for 10 rows or 10 million.

City files write numbers and dates the way their spreadsheets show them: amounts as
`" 27,275.25 "`, `(1,200)` (a negative, accountants' way) or `$1,200.00`, and dates as
`1/1/20 0:05` or `12/31/2017 11:59:58 PM`. These are numbers and datetimes too, and
`notations()` says how each column writes them (thousands separators, negatives in
parentheses, month or day first, two-digit years, 12-hour clock), so that staging parses
them right (dbt macros `parse_amount`, `parse_us_datetime`) and `civic preview` shows it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

DEFAULT_SAMPLE_SIZE = 10_000

_PATTERNS: dict[str, re.Pattern[str]] = {
    "integer": re.compile(r"[+-]?(0|[1-9]\d{0,17})"),
    "number": re.compile(
        r"[+-]?((0|[1-9]\d*)(\.\d*)?|\.\d+)([eE][+-]?\d+)?"
        # accounting notation: thousands separators, a currency sign, (negatives)
        r"|[-(]?\$?\s*((0|[1-9]\d{0,2}(,\d{3})+|[1-9]\d*|0)(\.\d+)?|\.\d+)\)?"),
    "boolean": re.compile(r"(?i:true|false|t|f|yes|no|y|n)"),
    "date": re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/(\d{2}|\d{4})"),
    "datetime": re.compile(
        # the time part is optional so a column mixing dates and datetimes is datetime
        r"(\d{4}-\d{2}-\d{2}([T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?"
        r"|\d{1,2}/\d{1,2}/(\d{2}|\d{4})( \d{1,2}:\d{2}(:\d{2})?( ?[AaPp][Mm])?)?)"
    ),
    "geometry": re.compile(
        r"(?i:SRID=\d+;)?(?i:(MULTI)?(POINT|LINESTRING|POLYGON)|GEOMETRYCOLLECTION)\s*(Z|M|ZM)?\s*"
        r"(\(.*\)|EMPTY)",
        re.DOTALL,
    ),
}
TYPE_ORDER = ("integer", "number", "boolean", "date", "datetime", "geometry")
_SLASH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})(?: (\d{1,2}):\d{2}(?::\d{2})?"
                         r"( ?[AaPp][Mm])?)?")
# a parenthesized amount must be balanced: "(1,200" is text
_UNBALANCED = re.compile(r"^\(.*[^)]$|^[^(].*\)$")


class _Notation:
    """How one column writes its numbers or slash dates, from the values seen."""

    __slots__ = (
        "ampm",
        "currency",
        "day_first",
        "grouped",
        "month_first",
        "negative_parentheses",
        "padded",
        "slash",
        "two_digit_year",
    )

    def __init__(self) -> None:
        self.grouped = self.negative_parentheses = self.padded = self.currency = False
        self.slash = self.two_digit_year = self.ampm = False
        self.day_first = self.month_first = False

    def see_number(self, raw: str, text: str) -> None:
        self.grouped |= "," in text
        self.negative_parentheses |= text.startswith("(")
        self.currency |= "$" in text
        self.padded |= raw != text

    def see_date(self, match: re.Match[str]) -> None:
        self.slash = True
        first, second, year, _hour, ampm = match.groups()
        self.day_first |= int(first) > 12
        self.month_first |= int(second) > 12
        self.two_digit_year |= len(year) == 2
        self.ampm |= ampm is not None

    def describe(self, kind: str) -> str | None:
        if kind == "number":
            parts = [label for flag, label in (
                (self.grouped, "thousands separators"),
                (self.negative_parentheses, "negatives in parentheses"),
                (self.currency, "currency sign"),
                (self.padded, "spaces around values")) if flag]
            return ", ".join(parts) or None
        if kind in ("date", "datetime") and self.slash:
            if self.day_first and not self.month_first:
                order = "D/M/Y: day first"
            elif self.month_first and not self.day_first:
                order = "M/D/Y: month first, as in the US"
            else:
                order = "M/D/Y: US order assumed, no day above 12 tells"
            parts = [order]
            if self.two_digit_year:
                parts.append("two-digit years")
            if kind == "datetime":
                parts.append("12-hour clock (AM/PM)" if self.ampm else "24-hour clock")
            return ", ".join(parts)
        return None


class TypeDetector:
    """Feed rows (lists of text or None); ask `types()` at the end."""

    def __init__(self, width: int = 0, *, sample_size: int = DEFAULT_SAMPLE_SIZE) -> None:
        self.sample_size = sample_size
        self.seen = 0
        # per column: the candidate types still possible, and whether a value was seen
        self._candidates: list[list[str]] = []
        self._has_value: list[bool] = []
        self._notations: list[_Notation | None] = []
        self.widen(width)

    def widen(self, width: int) -> None:
        """Columns added later (JSON keys seen late) start with no values seen."""
        while len(self._candidates) < width:
            self._candidates.append(list(TYPE_ORDER))
            self._has_value.append(False)
            self._notations.append(None)

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
            raw = value if isinstance(value, str) else str(value)
            text = raw.strip()
            candidates[:] = [t for t in candidates if _PATTERNS[t].fullmatch(text)]
            if candidates and (raw is not text or "," in text or "/" in text
                               or "(" in text or "$" in text):
                self._note(index, candidates, raw, text)

    def _note(self, index: int, candidates: list[str], raw: str, text: str) -> None:
        """Record how a value that is not plain writes its number or date (rare: only
        values with separators, slashes, parentheses or spaces come here)."""
        if "number" in candidates and _UNBALANCED.search(text):
            candidates.remove("number")
        notation = self._notations[index] or _Notation()
        self._notations[index] = notation
        if "number" in candidates:
            notation.see_number(raw, text)
        if "/" in text and ("date" in candidates or "datetime" in candidates):
            match = _SLASH_DATE.fullmatch(text)
            if match:
                notation.see_date(match)

    @property
    def full(self) -> bool:
        return self.seen >= self.sample_size

    def types(self) -> list[str]:
        return [
            (candidates[0] if candidates else "text") if has_value else "text"
            for candidates, has_value in zip(self._candidates, self._has_value, strict=True)
        ]

    def notations(self) -> list[str | None]:
        """Per column, how its values write a number or date when it is not plain
        (`thousands separators, negatives in parentheses`, `M/D/Y: month first, as in the US,
        two-digit years, 24-hour clock`), else None."""
        return [
            notation.describe(kind) if notation is not None else None
            for kind, notation in zip(self.types(), self._notations, strict=True)
        ]
