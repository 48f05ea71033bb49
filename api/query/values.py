"""Request values read as the type the data dictionary gives their column.

Each value becomes the Python type psycopg binds as the matching PostgreSQL type, so the
comparison uses the column's index: integers as int (bigint range), numbers as Decimal
(numeric compares with both numeric and double precision columns without casting the
column), dates as date, times as datetime. A value that is not of the type raises a
QueryError naming the parameter and the type expected.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from api.query.errors import QueryError
from api.query.schema import Column

BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1
# beyond this a number is no measurement but an attempt to overflow a double
NUMBER_LIMIT = Decimal("1e300")
MAX_TEXT_LENGTH = 1_000
_INTEGER = re.compile(r"^[+-]?\d{1,20}$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?$")
_TRUE = {"true", "t", "yes", "1"}
_FALSE = {"false", "f", "no", "0"}

EXPECTED = {
    "integer": "an integer, e.g. 42",
    "number": "a number, e.g. 12.5",
    "boolean": "true or false",
    "date": "a date, YYYY-MM-DD",
    "datetime": "a date and time, ISO 8601 (YYYY-MM-DDTHH:MM:SS, optionally with a "
                "time zone)",
    "text": f"text of at most {MAX_TEXT_LENGTH} characters",
}


def _bad(parameter: str, column: Column, raw: str) -> QueryError:
    shown = raw if len(raw) <= 40 else raw[:39] + "…"
    return QueryError(parameter, f"'{shown}' is not {EXPECTED.get(column.type, column.type)}"
                                 f" (field '{column.name}' is {column.type})")


def parse_integer(raw: str) -> int | None:
    text = raw.strip()
    if not _INTEGER.match(text):
        return None
    number = int(text)
    return number if BIGINT_MIN <= number <= BIGINT_MAX else None


def parse_number(raw: str) -> Decimal | None:
    text = raw.strip()
    if not _NUMBER.match(text):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if abs(number) <= NUMBER_LIMIT else None


def _parse_datetime(raw: str) -> datetime | None:
    text = raw.strip()
    if len(text) < 10 or len(text) > 40:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value


def parse_value(column: Column, raw: str, *, parameter: str) -> Any:
    """`raw` as a value of `column`'s type, or a QueryError."""
    kind = column.type
    if kind == "integer":
        value: Any = parse_integer(raw)
    elif kind == "number":
        value = parse_number(raw)
    elif kind == "boolean":
        lowered = raw.strip().lower()
        value = True if lowered in _TRUE else False if lowered in _FALSE else None
    elif kind == "date":
        try:
            value = date.fromisoformat(raw.strip())
        except ValueError:
            value = None
    elif kind == "datetime":
        value = _parse_datetime(raw)
    elif kind == "text":
        value = raw if len(raw) <= MAX_TEXT_LENGTH and "\x00" not in raw else None
    else:
        raise QueryError(parameter, f"field '{column.name}' is {kind}; it is filtered with "
                                    "the spatial parameters bbox, within and near")
    if value is None:
        raise _bad(parameter, column, raw)
    return value


def to_token(value: Any) -> Any:
    """A value of a row as JSON, for a cursor; `parse_value` reads it back exactly."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return value


def from_token(column: Column, value: Any, *, parameter: str) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        value = "true" if value else "false"
    return parse_value(column, str(value), parameter=parameter)
