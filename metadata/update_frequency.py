"""How often a dataset is meant to change, from its metadata or its schedule.

`expected_update_interval` reads `metadata.update_frequency` (a word such as "daily" or
"quarterly", or an EU frequency URI ending in one) and, failing that, the spec's cron
`schedule` ("0 6 * * *", "@weekly"). The interval is the promise timeliness is judged
against; `None` means no promise was made (irregular, as needed, never).

`freshness_window` (the interval times `FRESHNESS_GRACE`) is the one number every
freshness flag uses: the published asset's Dagster `FreshnessPolicy`, the portal's flag
and the DCAT quality measurement (both through `freshness_at`). `frequency_cron` turns a
promised frequency into the extract's schedule when the spec names no cron of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

FREQUENCY_INTERVALS = {
    "continuous": timedelta(hours=1),
    "realtime": timedelta(hours=1),
    "hourly": timedelta(hours=1),
    "daily": timedelta(days=1),
    "weekdays": timedelta(days=3),  # a Friday update is still fresh on Monday
    "weekly": timedelta(weeks=1),
    "biweekly": timedelta(weeks=2),
    "fortnightly": timedelta(weeks=2),
    "monthly": timedelta(days=31),
    "bimonthly": timedelta(days=62),
    "quarterly": timedelta(days=92),
    "semiannual": timedelta(days=183),
    "biannual": timedelta(days=183),
    "annual": timedelta(days=366),
    "annually": timedelta(days=366),
    "yearly": timedelta(days=366),
    "biennial": timedelta(days=731),
}

# EU Publications Office frequency authority codes (used in DCAT-AP accrualPeriodicity)
_EU_CODES = {
    "cont": "continuous", "update_cont": "continuous", "hourly": "hourly", "daily": "daily",
    "weekly": "weekly", "biweekly": "biweekly", "monthly": "monthly",
    "bimonthly": "bimonthly", "quarterly": "quarterly", "annual_2": "semiannual",
    "annual": "annual", "biennial": "biennial",
}

_CRON_ALIASES = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
}


def _frequency_word(text: str) -> str:
    """The key of FREQUENCY_INTERVALS a frequency word, code or EU URI stands for."""
    word = text.strip().rstrip("/").rsplit("/", 1)[-1].lower()
    word = _EU_CODES.get(word, word)
    return word.replace("-", "").replace("_", "").replace(" ", "")


def parse_update_frequency(text: str | None) -> timedelta | None:
    """Interval of a frequency word or EU frequency URI; None when unknown or irregular."""
    if not text:
        return None
    return FREQUENCY_INTERVALS.get(_frequency_word(text))


# the extract's cron for a promised frequency, at 05:00 (the instance's time zone) before
# the working day. Cron cannot say "every other week" or "every other year": those run
# weekly and yearly, more often than promised, never less (a test holds
# cron_interval(frequency_cron(f)) <= parse_update_frequency(f) for every frequency)
FREQUENCY_CRONS = {
    "continuous": "0 * * * *",
    "realtime": "0 * * * *",
    "hourly": "0 * * * *",
    "daily": "0 5 * * *",
    "weekdays": "0 5 * * 1-5",
    "weekly": "0 5 * * 1",
    "biweekly": "0 5 * * 1",
    "fortnightly": "0 5 * * 1",
    "monthly": "0 5 1 * *",
    "bimonthly": "0 5 1 1,3,5,7,9,11 *",
    "quarterly": "0 5 1 1,4,7,10 *",
    "semiannual": "0 5 1 1,7 *",
    "biannual": "0 5 1 1,7 *",
    "annual": "0 5 1 1 *",
    "annually": "0 5 1 1 *",
    "yearly": "0 5 1 1 *",
    "biennial": "0 5 1 1 *",
}


def frequency_cron(update_frequency: str | None) -> str | None:
    """The cron schedule of an extract that keeps a promised update frequency; None for
    no promise (irregular, as needed, never, unknown words)."""
    if not update_frequency:
        return None
    return FREQUENCY_CRONS.get(_frequency_word(update_frequency))


def refresh_cron(update_frequency: str | None = None,
                 schedule: str | None = None) -> str | None:
    """The extract's cron: the spec's own `schedule` if it has one, else the one its
    update frequency implies."""
    return schedule or frequency_cron(update_frequency)


def cron_interval(schedule: str | None) -> timedelta | None:
    """The longest gap between two runs of a five-field cron schedule, roughly."""
    if not schedule:
        return None
    expression = _CRON_ALIASES.get(schedule.strip().lower(), schedule.strip())
    fields = expression.split()
    if len(fields) != 5:
        return None
    minute, hour, day_of_month, month, day_of_week = fields
    if month != "*":
        months = _count_values(month, 12)
        return timedelta(days=366 / max(months, 1)) if months else None
    if day_of_month != "*":
        return timedelta(days=31)
    if day_of_week != "*":
        days = _count_values(day_of_week, 7)
        # runs on n weekdays: the longest gap is at most the week minus the other runs
        return timedelta(days=7 - (days - 1)) if days else timedelta(weeks=1)
    if hour != "*" and not hour.startswith("*/"):
        runs = _count_values(hour, 24) or 1
        return timedelta(hours=24 / runs)
    if hour.startswith("*/"):
        return timedelta(hours=_step(hour))
    if minute.startswith("*/"):
        return timedelta(minutes=_step(minute))
    return timedelta(hours=1) if minute != "*" else timedelta(minutes=1)


def _step(field: str) -> int:
    try:
        return max(1, int(field[2:]))
    except ValueError:
        return 1


def _count_values(field: str, size: int) -> int:
    """How many values a cron field lists (1,15 → 2; 1-5 → 5; */3 → size/3)."""
    if field.startswith("*/"):
        return max(1, size // _step(field))
    count = 0
    for part in field.split(","):
        if "-" in part:
            low, _, high = part.partition("-")
            try:
                count += int(high.split("/")[0]) - int(low) + 1
            except ValueError:
                count += 1
        else:
            count += 1
    return count


def expected_update_interval(
    update_frequency: str | None = None, schedule: str | None = None
) -> timedelta | None:
    """The promised interval: the published update frequency first, else the schedule."""
    return parse_update_frequency(update_frequency) or cron_interval(schedule)


# a published dataset is late after this many of its update intervals (a grace period):
# the published asset's Dagster freshness policy and the portal's flag use the same
FRESHNESS_GRACE = 2


def freshness_window(update_frequency: str | None = None,
                     schedule: str | None = None) -> timedelta | None:
    """How long after its latest publication a dataset is still fresh; None: no promise."""
    interval = expected_update_interval(update_frequency, schedule)
    return interval * FRESHNESS_GRACE if interval else None


@dataclass(frozen=True)
class Freshness:
    """Whether a dataset kept its promise at one moment: "fresh", "overdue" or
    "no_schedule" (nothing promised), and when its next update is due."""

    state: str
    due: datetime | None


def freshness_at(published_at: datetime, now: datetime, *, update_frequency: str | None = None,
                 schedule: str | None = None) -> Freshness:
    """Overdue once the freshness window since the latest publication has passed: from the
    due moment on, as Dagster judges a `FreshnessPolicy.time_window(fail_window=window)`
    (failing when the time since the last materialization is >= the window)."""
    window = freshness_window(update_frequency, schedule)
    if window is None:
        return Freshness("no_schedule", None)
    due = published_at + window
    return Freshness("overdue" if now >= due else "fresh", due)


def describe_interval(interval: timedelta) -> str:
    """A frequency phrase for an interval, for messages ("updated daily")."""
    for word in ("hourly", "daily", "weekly", "monthly", "quarterly", "annually"):
        if interval == FREQUENCY_INTERVALS[word]:
            return word
    hours = interval.total_seconds() / 3600
    if hours < 48:
        return f"every {hours:g} hours"
    return f"every {hours / 24:g} days"
