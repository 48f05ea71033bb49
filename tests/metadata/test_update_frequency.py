"""A promised update frequency becomes the extract's cron (never less often than promised)
and, with its grace, the freshness window every flag is judged by."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from metadata.update_frequency import (
    FREQUENCY_CRONS,
    FREQUENCY_INTERVALS,
    FRESHNESS_GRACE,
    cron_interval,
    frequency_cron,
    freshness_at,
    freshness_window,
    parse_update_frequency,
    refresh_cron,
)

PUBLISHED = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize(("frequency", "cron"), [
    ("daily", "0 5 * * *"),
    ("Weekly", "0 5 * * 1"),
    ("monthly", "0 5 1 * *"),
    ("quarterly", "0 5 1 1,4,7,10 *"),
    ("annual", "0 5 1 1 *"),
    ("http://publications.europa.eu/resource/authority/frequency/ANNUAL_2", "0 5 1 1,7 *"),
    ("http://publications.europa.eu/resource/authority/frequency/WEEKLY", "0 5 * * 1"),
    ("hourly", "0 * * * *"),
    ("irregular", None),
    ("as needed", None),
    ("never", None),
    ("", None),
    (None, None),
])
def test_a_frequency_becomes_a_cron(frequency, cron):
    assert frequency_cron(frequency) == cron


def test_every_frequency_has_a_cron_at_least_as_often_as_promised():
    assert set(FREQUENCY_CRONS) == set(FREQUENCY_INTERVALS)
    for word, promised in FREQUENCY_INTERVALS.items():
        scheduled = cron_interval(frequency_cron(word))
        assert scheduled is not None and scheduled <= promised, word


def test_an_explicit_schedule_wins_over_the_frequency():
    assert refresh_cron("daily", "30 2 * * 0") == "30 2 * * 0"
    assert refresh_cron("daily", None) == "0 5 * * *"
    assert refresh_cron("irregular", None) is None
    assert refresh_cron(None, "@weekly") == "@weekly"


@pytest.mark.parametrize(("frequency", "later", "state"), [
    ("daily", timedelta(0), "fresh"),
    ("daily", timedelta(days=FRESHNESS_GRACE, seconds=-1), "fresh"),
    # from the due moment on, as Dagster's time-window policy fails (elapsed >= window)
    ("daily", timedelta(days=FRESHNESS_GRACE), "overdue"),
    ("quarterly", timedelta(days=180), "fresh"),
    ("quarterly", timedelta(days=185), "overdue"),
    ("irregular", timedelta(days=3000), "no_schedule"),
])
def test_freshness_at_a_moment(frequency, later, state):
    result = freshness_at(PUBLISHED, PUBLISHED + later, update_frequency=frequency)
    assert result.state == state
    window = freshness_window(frequency)
    assert result.due == (PUBLISHED + window if window else None)


def test_the_window_is_the_interval_and_its_grace():
    assert freshness_window("weekly") == parse_update_frequency("weekly") * FRESHNESS_GRACE
    assert freshness_window(None, "0 6 * * *") == timedelta(days=FRESHNESS_GRACE)
