"""The metadata completeness check holds back a candidate whose DCAT metadata is thin,
naming what is missing — end to end through Dagster on the real mart."""

from __future__ import annotations

import dagster as dg
import pytest

from catalog.candidates import latest_candidate
from civic_assets.candidate.asset import build_candidate_asset
from civic_assets.resources import CivicDatabase
from civic_assets.runner import dataset_spec
from tests.civic_assets.candidate.pipeline_baseline import (
    SLUG,
    baseline_as_latest_publication,
    restore_mart,
)

pytestmark = pytest.mark.slow


def _review_with(spec, database_url, instance):
    result = dg.materialize([build_candidate_asset(spec)], raise_on_error=False,
                            resources={"civic_db": CivicDatabase(url=database_url)},
                            instance=instance)
    return {e.check_name: e for e in result.get_asset_check_evaluations()}


@pytest.mark.parametrize(("damage", "missing"), [
    (lambda spec: spec.title.__setattr__("fr", None), "title.fr"),
    (lambda spec: spec.metadata.__setattr__("license", type(spec.metadata.license)()),
     "license"),
])
def test_thin_metadata_is_held_back_with_the_fields_named(database_url, conn, damage, missing):
    baseline = baseline_as_latest_publication()
    restore_mart(conn)
    spec = dataset_spec(SLUG).model_copy(deep=True)
    damage(spec)
    evaluations = _review_with(spec, database_url, baseline.instance)

    check = evaluations["metadata_completeness"]
    assert check.passed is False
    assert check.severity == dg.AssetCheckSeverity.ERROR
    assert missing in check.metadata["summary"].value
    candidate = latest_candidate(conn, slug=SLUG)
    assert candidate.checks_passed is False
    assert missing in candidate.checks["metadata_completeness"]["details"]["missing"]
    # the complete spec passes the same check on the same data
    assert _review_with(dataset_spec(SLUG), database_url,
                        baseline.instance)["metadata_completeness"].passed is True
