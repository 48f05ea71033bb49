"""Open approval requests and send the reviewers' mails. No Dagster here: the
candidate sensor (`factories/sensors.py`) calls `notify_reviewers` on each tick.

Each tick asks the next role of every pending, passing candidate that has not been asked
yet, so after an approval the next role is notified on the sensor's next tick (the API
sends no mail). A rejection is sent back to the data owner role with the feedback.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field

import psycopg

from catalog.candidates import get_candidate
from catalog.review_requests import (
    candidates_awaiting_request,
    hash_token,
    new_token,
    owner_role,
    record_request,
    rejections_awaiting_notice,
    role_label,
)
from civic_assets.resources import Mailer
from metadata.specs import DatasetSpec

logger = logging.getLogger(__name__)


@dataclass
class NotifyOutcome:
    requested: list[str] = field(default_factory=list)
    rejections: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{len(self.requested)} approval request(s) opened",
                 f"{len(self.rejections)} rejection notice(s)"]
        if self.failed:
            parts.append(f"{len(self.failed)} mail(s) failed, retried next tick: "
                         + "; ".join(self.failed))
        return ", ".join(parts)


def _request_mail(spec: DatasetSpec, candidate_id: int, role: str, link: str,
                  row_count: int, needs_attention: bool) -> tuple[str, str]:
    title = spec.title.en or spec.slug
    subject = f"Review requested: {title} (candidate {candidate_id}) — {role_label(role)}"
    body = "\n".join([
        f"A new candidate of the dataset '{title}' ({spec.slug}) awaits your sign-off as",
        f"{role_label(role)}.",
        "",
        f"Records: {row_count:,}. Its blocking checks passed."
        + (" Changes since the last publication need your attention." if needs_attention
           else ""),
        "",
        f"Review it here (the link is yours; do not forward it): {link}",
        "",
        "Civic Open Data Platform",
    ])
    return subject, body


def _rejection_mail(spec: DatasetSpec, rejection: dict) -> tuple[str, str]:
    title = spec.title.en or spec.slug
    subject = f"Rejected: {title} (candidate {rejection['candidate_id']})"
    body = "\n".join([
        f"The candidate {rejection['candidate_id']} of '{title}' ({spec.slug}) was rejected by",
        f"{rejection['reviewer']} ({role_label(rejection['role'])}).",
        "",
        "Feedback:",
        rejection["comment"] or "(no comment)",
        "",
        "Correct the data or the spec and run the dataset again for a new candidate.",
    ])
    return subject, body


def notify_reviewers(conn: psycopg.Connection, specs: list[DatasetSpec],
                     mailer: Mailer) -> NotifyOutcome:
    """Open the next approval request of each waiting candidate and send the rejections.

    Each request is recorded and its mail sent in one transaction: a failed SMTP delivery
    rolls the request back, so the next tick tries again with a new token.
    """
    by_slug = {spec.slug: spec for spec in specs}
    chains = {slug: list(spec.approval.chain) for slug, spec in by_slug.items()}
    outcome = NotifyOutcome()
    for step in candidates_awaiting_request(conn, chains):
        spec = by_slug[step.slug]
        candidate = get_candidate(conn, step.candidate_id)
        token = new_token()
        link = f"{mailer.public_base_url.rstrip('/')}/review/{token}"
        recipients = list(spec.approval.reviewers.get(step.role, []))
        subject, body = _request_mail(spec, step.candidate_id, step.role, link,
                                      candidate.row_count, candidate.needs_attention)
        try:
            with conn.transaction():
                not_sent = mailer.cannot_send(recipients)
                # recorded first: a mail is never out with a token that was not stored
                record_request(conn, candidate_id=step.candidate_id, role=step.role,
                               kind="approval", chain=chains[step.slug],
                               title=spec.title.en, sent_to=recipients,
                               mail_status="not_sent" if not_sent else "sent",
                               mail_detail=not_sent, token_hash=hash_token(token))
                if not_sent:
                    logger.warning("approval request for candidate %s (%s): no mail sent: %s",
                                   step.candidate_id, step.role, not_sent)
                else:
                    mailer.send(to=recipients, subject=subject, body=body)
        except (smtplib.SMTPException, OSError) as error:
            outcome.failed.append(f"candidate {step.candidate_id} ({step.role}): {error}")
            continue
        outcome.requested.append(f"candidate {step.candidate_id} → {step.role}")
    for rejection in rejections_awaiting_notice(conn, chains):
        spec = by_slug[rejection["slug"]]
        chain = chains[spec.slug]
        owner = owner_role(chain)
        recipients = list(spec.approval.reviewers.get(owner, []))
        subject, body = _rejection_mail(spec, rejection)
        try:
            with conn.transaction():
                not_sent = mailer.cannot_send(recipients)
                record_request(conn, candidate_id=rejection["candidate_id"], role=owner,
                               kind="rejection", chain=chain, title=spec.title.en,
                               sent_to=recipients,
                               mail_status="not_sent" if not_sent else "sent",
                               mail_detail=not_sent)
                if not_sent:
                    logger.warning("rejection of candidate %s: no mail sent: %s",
                                   rejection["candidate_id"], not_sent)
                else:
                    mailer.send(to=recipients, subject=subject, body=body)
        except (smtplib.SMTPException, OSError) as error:
            outcome.failed.append(f"rejection of candidate {rejection['candidate_id']}: {error}")
            continue
        outcome.rejections.append(f"candidate {rejection['candidate_id']} → {owner}")
    return outcome
