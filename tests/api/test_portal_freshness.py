"""Freshness moves with time: a daily dataset is fresh within its window (the interval
and its grace) after a publication and overdue past it; the published asset's Dagster
freshness policy has the very same window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from api.portal.freshness import freshness
from civic_assets.publish.asset import build_published_asset
from metadata.update_frequency import FRESHNESS_GRACE
from tests.api.published_data import service_requests_spec

PUBLISHED = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize(("frequency", "later", "state"), [
    ("daily", timedelta(hours=23), "fresh"),
    ("daily", timedelta(days=FRESHNESS_GRACE, seconds=-1), "fresh"),
    # overdue from the due moment on, as Dagster fails a policy (elapsed >= window)
    ("daily", timedelta(days=FRESHNESS_GRACE), "overdue"),
    ("monthly", timedelta(days=40), "fresh"),
    ("monthly", timedelta(days=63), "overdue"),
    ("irregular", timedelta(days=900), "no_schedule"),
])
def test_freshness_as_time_moves_forward(frequency, later, state):
    spec = {"metadata": {"update_frequency": frequency}}
    assert freshness(spec, PUBLISHED, PUBLISHED + later).state == state


def test_the_published_asset_has_the_same_window_in_dagster():
    spec = service_requests_spec()
    asset = build_published_asset(spec)
    policy = next(iter(asset.specs)).freshness_policy
    assert policy is not None
    assert policy.fail_window.to_timedelta() == timedelta(days=FRESHNESS_GRACE)
    due = freshness(spec.model_dump(mode="json"), PUBLISHED, PUBLISHED).due
    assert due == PUBLISHED + policy.fail_window.to_timedelta()
