"""A published dataset for the query API tests: 400 service requests with ties in the
sort keys, empty values, coordinates, a date column and free text; published through the
real publication (so with the indexes publication builds)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import psycopg

from catalog.database import libpq_url
from civic_assets.publish.publication import PublishedVersion, publish_candidate
from tests.api.published_data import approved_candidate, service_requests_spec

SLUG = "requests_query"
TYPES = ["Pothole repair", "Graffiti removal", "Noise complaint", "Streetlight out",
         "Snow removal"]
NEIGHBOURHOODS = ["Old Town", "Sandy Hill", "Bayview", "Beauséjour", "Hillcrest"]
STREETS = ["Elm Street", "Bank Street", "Rideau Street", "Baseline Road"]
# the demo city's extent
WEST, SOUTH, EAST, NORTH = -75.8, 45.3, -75.55, 45.46


def query_frame(rows: int = 400, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    created = pd.Timestamp("2026-01-01", tz="UTC") + pd.to_timedelta(
        rng.integers(0, 60 * 24, rows) * 3, unit="h")  # 3-hour steps: many ties
    status = rng.choice(["open", "closed", "in_progress"], rows)
    closed = status == "closed"
    hours = np.round(rng.gamma(2.0, 20.0, rows), 1)
    request_type = rng.choice(TYPES, rows)
    street = rng.choice(STREETS, rows)
    has_point = rng.random(rows) > 0.05
    return pd.DataFrame({
        "request_id": [f"SR-2026-{i:06d}" for i in range(1, rows + 1)],
        "created_at": created,
        "closed_at": pd.Series(created + pd.to_timedelta(hours, unit="h")).where(closed),
        "due_date": (created + pd.Timedelta(days=7)).tz_localize(None).normalize(),
        "status": status,
        "request_type": request_type,
        "neighbourhood": rng.choice(NEIGHBOURHOODS, rows),
        "priority": pd.array(np.where(rng.random(rows) < 0.1, None,
                                      rng.integers(1, 5, rows)), dtype="Int64"),
        "is_escalated": rng.random(rows) < 0.2,
        "response_time_hours": np.where(closed, hours, np.nan),
        "description": [None if i % 11 == 0 else f"{t} reported near {s}, Riverton"
                        for i, (t, s) in enumerate(zip(request_type, street, strict=True))],
        "latitude": np.where(has_point, np.round(rng.uniform(SOUTH, NORTH, rows), 6), np.nan),
        "longitude": np.where(has_point, np.round(rng.uniform(WEST, EAST, rows), 6), np.nan),
    })


def publish_query_dataset(database_url: str, published_dir: Path,
                          frame: pd.DataFrame) -> PublishedVersion:
    spec = service_requests_spec().model_copy(update={"slug": SLUG})
    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        candidate_id = approved_candidate(conn, spec, frame, table="query_test_candidate")
        return publish_candidate(conn, spec, candidate_id, published_dir=published_dir)
