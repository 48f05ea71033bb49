"""What every reader hands the loader: column names and a stream of text rows."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

Row = Sequence[str | None]


@dataclass
class RecordStream:
    """Rows of one source, values already rendered as text (None for empty).

    `columns` are the original header names when the format has a header (CSV, Excel);
    for keyed records (JSON, XML, GeoJSON, REST) `columns` is empty and `records` yields
    dicts whose keys may appear late. `where()` describes the current position ("line 12")
    for error messages. `details` records how the source was read (delimiter, sheet...).
    """

    columns: list[str] = field(default_factory=list)
    rows: Iterator[Row] | None = None
    records: Iterator[dict[str, Any]] | None = None
    where: Callable[[], str] = lambda: ""
    details: dict[str, Any] = field(default_factory=dict)
    close: Callable[[], None] = lambda: None


def to_text(value: Any) -> str | None:
    """How a typed value (Excel cell, JSON value, SQL column) is kept in a text column."""
    if value is None:
        return None
    if isinstance(value, str):
        return value if value != "" else None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None if math.isnan(value) else str(value)
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None and value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)
