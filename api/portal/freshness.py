"""Whether a dataset kept the update schedule its spec promises."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from metadata.update_frequency import expected_update_interval


@dataclass(frozen=True)
class Freshness:
    state: str  # "fresh", "overdue" or "no_schedule" (a message key of the portal)
    due: datetime | None


def freshness(spec: dict, published_at: datetime, now: datetime) -> Freshness:
    """Overdue once the promised interval since the latest publication has passed."""
    interval = expected_update_interval((spec.get("metadata") or {}).get("update_frequency"),
                                        spec.get("schedule"))
    if interval is None:
        return Freshness("no_schedule", None)
    due = published_at + interval
    return Freshness("overdue" if now > due else "fresh", due)
