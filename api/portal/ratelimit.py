"""Limits on what one client may submit per hour (requests, feedback, votes,
subscriptions), shared by every worker process and every API server on the database:
the attempts are counted in PostgreSQL (`catalog.rate_limit_hits`), under a hash of the
client's address with the day's salt, never the address itself.

The window slides (estimated from the current and the previous hour, see
`catalog.rate_limits`). Refused attempts count too: a client that keeps trying stays
refused until its attempts of the last hour fall under the limit. At midnight UTC the
salt changes, and with it every client's hash: the count starts again then."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from fastapi import Request

from api.portal.salt import daily_salt
from catalog.rate_limits import count_attempt_async


@dataclass(frozen=True)
class RateLimit:
    """`per_hour` attempts per client at the limiter `name`."""

    name: str
    per_hour: int

    async def allow(self, request: Request, db: psycopg.AsyncConnection) -> bool:
        """Count one attempt of the request's client; False once it made more than
        `per_hour` in the last hour, this one included."""
        address = request.client.host if request.client else "unknown"
        client = await daily_salt(request.app.state).hash(db, address)
        return await count_attempt_async(db, limiter=self.name, client=client) \
            <= self.per_hour
