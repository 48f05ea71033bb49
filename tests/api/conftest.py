"""Published data for the API tests, built without Dagster: a review table, a candidate
signed by the whole approval chain, then `publish_candidate` — twice, so that there are
two versions — and the API as a real uvicorn process serving them."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import psycopg
import pytest

from catalog.database import libpq_url
from civic_assets.demo.generator import boundaries_geojson
from civic_assets.publish.publication import PublishedVersion, publish_candidate
from metadata.specs import DatasetSpec
from tests.api.published_data import approved_candidate, requests_frame, service_requests_spec
from tests.helpers import running_api


@dataclass
class Publication:
    published_dir: Path
    spec: DatasetSpec
    versions: list[PublishedVersion]
    frames: list[pd.DataFrame]


@pytest.fixture(scope="session")
def publication(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Publication:
    """Version 1 with coordinates (every format); version 2 aggregated to areas (no
    coordinates: no GeoJSON, bbox from the spec's boundaries file)."""
    published_dir = tmp_path_factory.mktemp("published")
    boundaries = tmp_path_factory.mktemp("boundaries") / "neighbourhoods.geojson"
    boundaries.write_text(json.dumps(boundaries_geojson()), encoding="utf-8")
    spec = service_requests_spec()
    spec_v2 = spec.model_copy(
        update={"anonymization": spec.anonymization.model_copy(
            update={"boundaries": str(boundaries)})})

    frames = [requests_frame(1, 12, coordinates=True), requests_frame(101, 9, coordinates=False)]
    versions = []
    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        for number, (version_spec, frame) in enumerate(zip((spec, spec_v2), frames,
                                                           strict=True), start=1):
            candidate_id = approved_candidate(conn, version_spec, frame,
                                              table=f"api_test_candidate_{number}")
            versions.append(publish_candidate(conn, version_spec, candidate_id,
                                              published_dir=published_dir))
    return Publication(published_dir, spec_v2, versions, frames)


@pytest.fixture(scope="session")
def api(publication: Publication) -> Iterator[str]:
    with running_api(env={"CIVIC_PUBLISHED_DIR": str(publication.published_dir)}) as base:
        yield base


@pytest.fixture(scope="session")
def area_datasets(database_url: str) -> dict[str, int]:
    """The Los Angeles councils and the requests per council (tests/api/area_data.py),
    published into the session's published dir (the one the API's settings read)."""
    from tests.api.area_data import publish_area_datasets

    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        return publish_area_datasets(conn, Path(os.environ["CIVIC_PUBLISHED_DIR"]))
