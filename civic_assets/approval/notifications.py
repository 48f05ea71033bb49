"""The reviewers' mails: one approval request or rejection notice at a time. No Dagster
here: the notify job (`approval/jobs.py`) sends each one in a run of its own, requested by
the candidate sensor.

A request for a role is recorded (with a new link token, of which only the hash is
kept) and its mail sent in one transaction: a failed SMTP delivery rolls the request back
and fails the run, which can be retried. A notice already recorded is not sent again, so
re-running a run never mails twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import psycopg

from catalog.candidates import get_candidate
from catalog.review_requests import (
    candidates_awaiting_request,
    hash_token,
    new_token,
    owner_role,
    record_request,
    rejections_awaiting_notice,
    request_exists,
    role_label,
)
from civic_assets.resources import Mailer
from metadata.specs import DatasetSpec

NoticeKind = Literal["approval", "rejection"]


@dataclass(frozen=True)
class Notice:
    """What became of one notice: sent, recorded without mail, or nothing to do."""

    candidate_id: int
    role: str
    kind: NoticeKind
    outcome: Literal["sent", "not_sent", "skipped"]
    recipients: tuple[str, ...] = ()
    detail: str | None = None

    def summary(self) -> str:
        what = (f"{self.kind} notice for candidate {self.candidate_id} "
                f"({role_label(self.role)})")
        if self.outcome == "sent":
            return f"{what}: mailed to {', '.join(self.recipients)}"
        done = "recorded, no mail sent" if self.outcome == "not_sent" else "skipped"
        return f"{what}: {done}" + (f": {self.detail}" if self.detail else "")


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


def send_notice(conn: psycopg.Connection, spec: DatasetSpec, mailer: Mailer, *,
                candidate_id: int, role: str, kind: NoticeKind) -> Notice:
    """Ask `role` to review the candidate, or send its rejection to the data owner role.

    Skipped when the candidate no longer waits for it: the role was asked already, the
    candidate moved on (approved by that role, rejected, superseded), or the rejection's
    notice went out.
    """
    if kind == "approval":
        return _send_review_request(conn, spec, mailer, candidate_id=candidate_id, role=role)
    return _send_rejection_notice(conn, spec, mailer, candidate_id=candidate_id)


def _send_review_request(conn: psycopg.Connection, spec: DatasetSpec, mailer: Mailer, *,
                         candidate_id: int, role: str) -> Notice:
    chain = list(spec.approval.chain)
    waiting = {(step.candidate_id, step.role)
               for step in candidates_awaiting_request(conn, {spec.slug: chain})}
    if (candidate_id, role) not in waiting:
        return Notice(candidate_id, role, "approval", "skipped",
                      detail="the candidate does not wait for this role's request")
    candidate = get_candidate(conn, candidate_id)
    if candidate is None:
        return Notice(candidate_id, role, "approval", "skipped", detail="no such candidate")
    token = new_token()
    link = f"{mailer.public_base_url.rstrip('/')}/review/{token}"
    recipients = list(spec.approval.reviewers.get(role, []))
    subject, body = _request_mail(spec, candidate_id, role, link, candidate.row_count,
                                  candidate.needs_attention)
    with conn.transaction():
        not_sent = mailer.cannot_send(recipients)
        # recorded first: a mail is never out with a token that was not stored
        record_request(conn, candidate_id=candidate_id, role=role, kind="approval",
                       chain=chain, title=spec.title.en, sent_to=recipients,
                       mail_status="not_sent" if not_sent else "sent",
                       mail_detail=not_sent, token_hash=hash_token(token))
        if not not_sent:
            mailer.send(to=recipients, subject=subject, body=body)
    return Notice(candidate_id, role, "approval", "not_sent" if not_sent else "sent",
                  tuple(recipients), not_sent)


def _send_rejection_notice(conn: psycopg.Connection, spec: DatasetSpec, mailer: Mailer, *,
                           candidate_id: int) -> Notice:
    chain = list(spec.approval.chain)
    owner = owner_role(chain)
    rejection = next((r for r in rejections_awaiting_notice(conn, {spec.slug: chain})
                      if r["candidate_id"] == candidate_id), None)
    if rejection is None or request_exists(conn, candidate_id=candidate_id, role=owner,
                                           kind="rejection"):
        return Notice(candidate_id, owner, "rejection", "skipped",
                      detail="no rejection of this candidate awaits its notice")
    recipients = list(spec.approval.reviewers.get(owner, []))
    subject, body = _rejection_mail(spec, rejection)
    with conn.transaction():
        not_sent = mailer.cannot_send(recipients)
        record_request(conn, candidate_id=candidate_id, role=owner, kind="rejection",
                       chain=chain, title=spec.title.en, sent_to=recipients,
                       mail_status="not_sent" if not_sent else "sent", mail_detail=not_sent)
        if not not_sent:
            mailer.send(to=recipients, subject=subject, body=body)
    return Notice(candidate_id, owner, "rejection", "not_sent" if not_sent else "sent",
                  tuple(recipients), not_sent)
