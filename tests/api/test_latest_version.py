"""The `latest` data URL after a publication: each API worker remembers the version it
last found to be the latest and checks it in the page's own statement, so a version
published while the API runs is served by the very next request, whatever its shape."""

from __future__ import annotations

import json

import httpx
import psycopg
import pytest

from bench.load import serve_api
from catalog.database import libpq_url
from civic_assets.demo.generator import boundaries_geojson
from civic_assets.publish.publication import publish_candidate
from tests.api.published_data import (
    approved_candidate,
    request_id,
    requests_frame,
    service_requests_spec,
)

# a request answered by each of two workers at least once, very likely
REPEATS = 8


def _publish(database_url: str, tmp_path, slug: str, number: int, *,
             coordinates: bool) -> None:
    spec = service_requests_spec().model_copy(update={"slug": slug})
    if not coordinates:  # aggregated to areas, as the API tests' second version
        boundaries = tmp_path / "neighbourhoods.geojson"
        boundaries.write_text(json.dumps(boundaries_geojson()), encoding="utf-8")
        spec = spec.model_copy(update={"anonymization": spec.anonymization.model_copy(
            update={"boundaries": str(boundaries)})})
    frame = requests_frame(100 * number + 1, 6, coordinates=coordinates)
    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        candidate = approved_candidate(conn, spec, frame, table=f"{slug}_candidate_{number}")
        published = publish_candidate(conn, spec, candidate, published_dir=tmp_path)
    assert published.version == number


def _latest(base: str, slug: str, params: dict) -> list[httpx.Response]:
    return [httpx.get(f"{base}/datasets/{slug}/data", params=params, timeout=30)
            for _ in range(REPEATS)]


SHAPES = {
    "rows": {"sort": "request_id", "limit": "3"},
    "filtered": {"status": "closed", "sort": "-created_at", "limit": "2"},
    "empty": {"status": "no such status"},
    "groups": {"group_by": "status"},
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_a_new_version_is_served_right_after_its_publication(database_url, tmp_path, shape):
    params, slug = SHAPES[shape], f"latest_{shape}"
    _publish(database_url, tmp_path, slug, 1, coordinates=True)
    with serve_api({"CIVIC_PUBLISHED_DIR": str(tmp_path)}, workers=2) as base:
        remembered = _latest(base, slug, params) + _latest(base, slug, {"latitude__gte": "0"})
        for response in remembered:
            assert response.status_code == 200, response.text
            assert response.json()["version"] == 1
        first = _latest(base, slug, {"sort": "request_id", "limit": "2"})[0].json()

        _publish(database_url, tmp_path, slug, 2, coordinates=False)
        for response in _latest(base, slug, params):
            assert response.status_code == 200, response.text
            page = response.json()
            assert page["version"] == 2
            if "limit" in params and "group_by" not in params:
                assert all(row["request_id"] >= request_id(201) for row in page["rows"])
        # a field of version 1 that version 2 no longer has
        for response in _latest(base, slug, {"latitude__gte": "0"}):
            assert response.status_code == 400
            assert "no field named 'latitude'" in response.json()["detail"]
        # a cursor of version 1 on the latest URL still reads version 1
        more = httpx.get(first["next"], timeout=30).json()
        assert more["version"] == 1
        assert more["rows"][0]["request_id"] == request_id(103)

        # a field that only the new version has again: refused by the version the
        # workers remember, answered from the new one
        _publish(database_url, tmp_path, slug, 3, coordinates=True)
        for response in _latest(base, slug, {"latitude__gte": "0", "sort": "request_id"}):
            assert response.status_code == 200, response.text
            page = response.json()
            assert page["version"] == 3
            assert page["rows"][0]["request_id"] == request_id(301)
