"""The day's salt (`catalog.usage_salt`), asked once a day per worker process, and the
hashes made with it. Usage visitors and rate-limited clients are known only by these
hashes: they can be told apart within a day, and once the salt is deleted (the next
day) no hash can be traced back to an address."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from typing import Any

import psycopg

from catalog.usage_log import usage_salt_async


class DailySalt:
    """One per worker process (`daily_salt(app.state)`)."""

    def __init__(self) -> None:
        self._salt: tuple[date, str] | None = None

    async def hash(self, conn: psycopg.AsyncConnection, text: str, *,
                   day: date | None = None) -> str:
        """SHA-256 (hex) of the salt of `day` (default: today, UTC) and `text`."""
        day = day or datetime.now(UTC).date()
        if self._salt is None or self._salt[0] != day:
            self._salt = (day, await usage_salt_async(conn, day=day))
        return hashlib.sha256(f"{self._salt[1]}|{text}".encode()).hexdigest()


def daily_salt(state: Any) -> DailySalt:
    """The worker's salt, kept on the app's state."""
    salt = getattr(state, "daily_salt", None)
    if salt is None:
        salt = state.daily_salt = DailySalt()
    return salt
