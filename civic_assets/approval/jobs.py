"""The notify job: each reviewer or rejection mail is a run of its own, requested by the
candidate sensor, so it can be seen, retried and audited in the Dagster UI."""

from typing import Literal

import dagster as dg

from civic_assets.approval.notifications import send_notice
from civic_assets.keys import candidate_key
from civic_assets.resources import CivicDatabase, Mailer
from metadata.specs import DatasetSpec

NOTIFY_OP = "notify_reviewers"


class NotifyConfig(dg.Config):
    """One notice: ask `role` to review the candidate, or send its rejection."""

    candidate_id: int
    role: str
    kind: Literal["approval", "rejection"]


def notify_job_name(slug: str) -> str:
    return f"{slug}_notify_reviewers"


def build_notify_job(spec: DatasetSpec) -> dg.JobDefinition:
    # an SMTP server that is briefly away is tried again before the run fails
    @dg.op(name=NOTIFY_OP, retry_policy=dg.RetryPolicy(max_retries=3, delay=30),
           tags={"civic/dataset": spec.slug})
    def notify_reviewers(context: dg.OpExecutionContext, config: NotifyConfig,
                         civic_db: CivicDatabase, mailer: Mailer) -> None:
        """Record the approval request (or rejection notice) and mail it."""
        with civic_db.connect(autocommit=True) as conn:
            notice = send_notice(conn, spec, mailer, candidate_id=config.candidate_id,
                                 role=config.role, kind=config.kind)
        if notice.outcome == "not_sent":
            context.log.warning(notice.summary())
        else:
            context.log.info(notice.summary())
        # on the candidate's page: who was asked, when, and whether the mail went out
        context.log_event(dg.AssetObservation(
            asset_key=candidate_key(spec.slug),
            metadata={"candidate_id": config.candidate_id, "notice": config.kind,
                      "role": notice.role, "mail": notice.outcome,
                      "sent_to": ", ".join(notice.recipients) or "-",
                      **({"detail": notice.detail} if notice.detail else {})}))

    @dg.job(name=notify_job_name(spec.slug), tags={"civic/dataset": spec.slug},
            description=f"Mails one reviewer role of {spec.slug} its approval link, or the "
                        "data owner a rejection's feedback.")
    def notify_job() -> None:
        notify_reviewers()

    return notify_job


def notify_run_config(*, candidate_id: int, role: str, kind: str) -> dict:
    return {"ops": {NOTIFY_OP: {"config": {"candidate_id": candidate_id, "role": role,
                                           "kind": kind}}}}
