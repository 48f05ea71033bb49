"""Reading the row a statement always returns (RETURNING, an aggregate, a function call)."""

from __future__ import annotations

from typing import Any

import psycopg


def one_row(cursor: psycopg.Cursor[Any]) -> Any:
    """The first row; a statement that must return one and did not is a bug, not data."""
    row = cursor.fetchone()
    if row is None:
        raise LookupError("the statement returned no row")
    return row
