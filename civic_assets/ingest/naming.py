"""Column names: whatever a header says becomes a snake_case SQL identifier.

Rules (documented for data officers):
- CamelCase is split (`SRNumber` -> `sr_number`, `ZipCode` -> `zip_code`);
- accents are dropped (`Année` -> `annee`); other letters (e.g. CJK) are kept;
- every run of spaces or punctuation becomes one `_`; the result is lowercased;
- a name starting with a digit gets a `c_` prefix; names are cut to 63 bytes (PostgreSQL);
- a blank header becomes `column_<n>` (n = 1-based position) rather than failing, because
  spreadsheets often carry one unlabelled column; the mapping is logged;
- two headers that end up with the same name are an error naming both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

MAX_IDENTIFIER_BYTES = 63

_ACRONYM_THEN_WORD = re.compile(r"([A-Z]+)([A-Z][a-z])")
_LOWER_THEN_UPPER = re.compile(r"([a-z0-9])([A-Z])")
_NOT_WORD = re.compile(r"[\W_]+")


class DuplicateColumnError(ValueError):
    """Two headers normalize to the same column name."""


def normalize_column_name(original: object, position: int) -> str:
    """The SQL identifier for one header; `position` is 1-based (used for blanks)."""
    text = "" if original is None else str(original).strip()
    text = _ACRONYM_THEN_WORD.sub(r"\1_\2", text)
    text = _LOWER_THEN_UPPER.sub(r"\1_\2", text)
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )
    text = _NOT_WORD.sub("_", text).strip("_").lower()
    if not text:
        return f"column_{position}"
    if text[0].isdigit():
        text = f"c_{text}"
    while len(text.encode("utf-8")) > MAX_IDENTIFIER_BYTES:
        text = text[:-1]
    return text.rstrip("_")


class ColumnNamer:
    """Assigns normalized names one header at a time and refuses duplicates."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.originals: list[str] = []
        self._by_name: dict[str, int] = {}  # name -> 0-based position

    def add(self, original: object) -> str:
        original_text = "" if original is None else str(original)
        name = normalize_column_name(original_text, len(self.names) + 1)
        if name in self._by_name:
            first = self._by_name[name]
            raise DuplicateColumnError(
                f"duplicate column name: header {self.originals[first]!r} (column {first + 1})"
                f" and header {original_text!r} (column {len(self.names) + 1}) both become"
                f" {name!r}"
            )
        self._by_name[name] = len(self.names)
        self.names.append(name)
        self.originals.append(original_text)
        return name

    def add_all(self, originals: Iterable[object]) -> list[str]:
        return [self.add(original) for original in originals]
