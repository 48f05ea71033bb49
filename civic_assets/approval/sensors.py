"""Sensors of the approval stage: ask a candidate's reviewers, publish it once approved.

Both only look and request runs; the mails and the publication happen in those runs.
"""

import dagster as dg

from catalog.approvals import approved_unpublished_candidates
from catalog.review_requests import (
    candidates_awaiting_request,
    owner_role,
    rejections_awaiting_notice,
)
from civic_assets.approval.jobs import notify_run_config
from civic_assets.keys import op_name, published_key
from civic_assets.resources import CivicDatabase
from metadata.specs import DatasetSpec


def build_candidate_sensor(spec: DatasetSpec, notify_job: dg.JobDefinition
                           ) -> dg.SensorDefinition:
    """Request a notify run for the next reviewer role of each candidate whose checks
    passed, and one for each rejection's feedback to the data owner role.

    After an approval the next role is asked on the sensor's next tick (the API sends no
    mail). The run key names candidate, role and kind: each notice is requested once, and
    a failed one is retried by re-executing its run.
    """
    chain = list(spec.approval.chain)

    @dg.sensor(
        name=f"{spec.slug}_candidate_sensor",
        job=notify_job,
        minimum_interval_seconds=30,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=f"Asks the next reviewer role of each {spec.slug} candidate to sign off, "
                    "and sends rejections to the data owner, each in a notify run.",
    )
    def candidate_sensor(context: dg.SensorEvaluationContext, civic_db: CivicDatabase):
        with civic_db.connect() as conn:
            steps = candidates_awaiting_request(conn, {spec.slug: chain})
            rejections = rejections_awaiting_notice(conn, {spec.slug: chain})
        requests = [
            _notice_request(spec.slug, step.candidate_id, step.role, "approval")
            for step in steps
        ] + [
            _notice_request(spec.slug, rejection["candidate_id"], owner_role(chain), "rejection")
            for rejection in rejections
        ]
        return requests or dg.SkipReason(f"no {spec.slug} candidate waits for a reviewer mail")

    return candidate_sensor


def _notice_request(slug: str, candidate_id: int, role: str, kind: str) -> dg.RunRequest:
    return dg.RunRequest(
        run_key=f"candidate-{candidate_id}-{kind}-{role}",
        run_config=notify_run_config(candidate_id=candidate_id, role=role, kind=kind),
        tags={"civic/dataset": slug, "civic/candidate_id": str(candidate_id),
              "civic/role": role, "civic/notice": kind},
    )


def build_approval_sensor(spec: DatasetSpec) -> dg.SensorDefinition:
    """Request `<slug>/published` for every candidate whose approval chain completed.

    The run key is the candidate id, so a candidate is published at most once however
    often the sensor ticks; the asset re-checks the approvals itself.
    """
    key = published_key(spec.slug)

    @dg.sensor(
        name=f"{spec.slug}_approval_sensor",
        target=dg.AssetSelection.assets(key),
        minimum_interval_seconds=30,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=f"Publishes each {spec.slug} candidate once its approval chain is complete.",
    )
    def approval_sensor(context: dg.SensorEvaluationContext, civic_db: CivicDatabase):
        with civic_db.connect() as conn:
            ready = [cid for cid, slug in approved_unpublished_candidates(conn)
                     if slug == spec.slug]
        if not ready:
            return dg.SkipReason(f"no approved {spec.slug} candidate waits to be published")
        return [
            dg.RunRequest(
                run_key=f"publish-candidate-{cid}",
                asset_selection=[key],
                run_config={"ops": {op_name(key): {"config": {"candidate_id": cid}}}},
                tags={"civic/candidate_id": str(cid), "civic/dataset": spec.slug},
            )
            for cid in ready
        ]

    return approval_sensor
