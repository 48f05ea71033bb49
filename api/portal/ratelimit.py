"""A per-process sliding-window limit on form submissions, keyed by a hash of the client
(never its address): enough to stop one client flooding an inbox or the catalogue."""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict, deque

WINDOW_SECONDS = 3600.0


class RateLimiter:
    def __init__(self, per_hour: int) -> None:
        self.per_hour = per_hour
        self._seen: dict[str, deque[float]] = defaultdict(deque)

    def allow(self, client: str) -> bool:
        """Count one attempt of `client`; False once it made `per_hour` in the last hour."""
        key = hashlib.sha256(client.encode()).hexdigest()
        now = time.monotonic()
        attempts = self._seen[key]
        while attempts and attempts[0] < now - WINDOW_SECONDS:
            attempts.popleft()
        if len(attempts) >= self.per_hour:
            return False
        attempts.append(now)
        return True
