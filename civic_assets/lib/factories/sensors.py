"""Sensors that move a dataset along without a person starting runs."""

from __future__ import annotations

import dagster as dg

from civic_assets.lib.keys import op_name, published_key
from civic_assets.lib.resources import CivicDatabase
from metadata.registry import approved_unpublished_candidates
from metadata.specs import DatasetSpec


def build_approval_sensor(specs: list[DatasetSpec]) -> dg.SensorDefinition:
    """Request `published/<slug>` for every candidate whose approval chain completed.

    The run key is the candidate id, so a candidate is published at most once however
    often the sensor ticks; the asset re-checks the approvals itself.
    """
    slugs = {spec.slug for spec in specs}

    @dg.sensor(
        name="approval_sensor",
        target=dg.AssetSelection.assets(*(published_key(slug) for slug in sorted(slugs))),
        minimum_interval_seconds=30,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Publishes each review candidate once its approval chain is complete.",
    )
    def approval_sensor(context: dg.SensorEvaluationContext, civic_db: CivicDatabase):
        with civic_db.connect() as conn:
            ready = [(cid, slug) for cid, slug in approved_unpublished_candidates(conn)
                     if slug in slugs]
        if not ready:
            return dg.SkipReason("no approved candidate is waiting to be published")
        return [
            dg.RunRequest(
                run_key=f"publish-candidate-{cid}",
                asset_selection=[published_key(slug)],
                run_config={"ops": {op_name(published_key(slug)):
                                    {"config": {"candidate_id": cid}}}},
                tags={"civic/candidate_id": str(cid), "civic/dataset": slug},
            )
            for cid, slug in ready
        ]

    return approval_sensor
