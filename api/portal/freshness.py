"""Whether a dataset kept the update schedule its spec promises."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from metadata.update_frequency import freshness_window


@dataclass(frozen=True)
class Freshness:
    state: str  # "fresh", "overdue" or "no_schedule" (a message key of the portal)
    due: datetime | None


def freshness(spec: dict, published_at: datetime, now: datetime) -> Freshness:
    """Overdue once the freshness window (the promised interval and its grace, as the
    published asset's Dagster freshness policy has it) since the latest publication passed."""
    window = freshness_window((spec.get("metadata") or {}).get("update_frequency"),
                              spec.get("schedule"))
    if window is None:
        return Freshness("no_schedule", None)
    due = published_at + window
    return Freshness("overdue" if now > due else "fresh", due)
