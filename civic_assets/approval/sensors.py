"""Sensors of the approval stage: ask reviewers to sign off, publish approved candidates."""

import dagster as dg

from catalog.approvals import approved_unpublished_candidates
from civic_assets.approval.notifications import notify_reviewers
from civic_assets.keys import op_name, published_key
from civic_assets.resources import CivicDatabase, Mailer
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


def build_candidate_sensor(specs: list[DatasetSpec]) -> dg.SensorDefinition:
    """Open an approval request for the next reviewer role of each candidate whose checks
    passed, and mail that role's reviewers a single-use link to the approval page.

    It also asks the next role after each approval (on its next tick) and sends a
    rejection's feedback to the data owner role. It starts no runs.
    """

    @dg.sensor(
        name="candidate_sensor",
        minimum_interval_seconds=30,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Asks each candidate's next reviewer role to sign off, by e-mail.",
    )
    def candidate_sensor(context: dg.SensorEvaluationContext, civic_db: CivicDatabase,
                         mailer: Mailer):
        with civic_db.connect(autocommit=True) as conn:
            outcome = notify_reviewers(conn, specs, mailer)
        for failure in outcome.failed:
            context.log.warning(f"mail not delivered: {failure}")
        return dg.SkipReason(outcome.summary())

    return candidate_sensor
