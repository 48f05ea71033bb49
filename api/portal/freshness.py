"""Whether a dataset kept the update schedule its spec promises."""

from __future__ import annotations

from datetime import datetime

from metadata.update_frequency import Freshness, freshness_at

__all__ = ["Freshness", "freshness"]


def freshness(spec: dict, published_at: datetime, now: datetime) -> Freshness:
    """Overdue once the freshness window (the promised interval and its grace, as the
    published asset's Dagster freshness policy and the dataset's DCAT have it) since the
    latest publication passed; `state` is a message key of the portal."""
    return freshness_at(published_at, now,
                        update_frequency=(spec.get("metadata") or {}).get("update_frequency"),
                        schedule=spec.get("schedule"))
