"""The real city datasets, published once per test session (slow: the whole graph from the
source files in ../shared/data to seven published datasets). Tests of the figures, the
Open311 endpoints and the transparency report share it."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def city_published(database_url, shared_data):
    from civic_assets.demo.city import approve_candidates, prepare_candidates, publish_candidates

    candidates = prepare_candidates()
    approve_candidates(candidates, reviewer="pytest reviewer")
    return {"candidates": candidates, "versions": publish_candidates(candidates)}
