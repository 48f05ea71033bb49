"""Reviewers' decisions on candidates. The chain rule (chain order, checks passed, flagged
changes acknowledged, a rejection ends it) lives in SQL, `catalog.record_decision`, shared
by the CLI, the pipeline and the approval pages; here are its Python entry points and the
publisher's own re-check."""

from __future__ import annotations

import psycopg

from catalog.candidates import Candidate, get_candidate
from catalog.rows import one_row


class ApprovalError(RuntimeError):
    """A candidate may not be published: its approval chain is incomplete or it failed."""


def _approval_refusal(error: psycopg.errors.RaiseException) -> ApprovalError | None:
    if error.diag.message_hint == "civic.approval":
        return ApprovalError(error.diag.message_primary)
    return None


def record_decision(
    conn: psycopg.Connection, *, candidate_id: int, role: str, reviewer: str,
    decision: str, comment: str | None = None, chain: list[str],
) -> str:
    """Record one reviewer's decision and append it to the audit log; return the
    candidate's status afterwards. A refusal of the chain rule raises ApprovalError with
    its message."""
    try:
        with conn.transaction():
            row = one_row(conn.execute(
                "SELECT catalog.record_decision(%s, %s, %s, %s, %s, %s::text[])",
                (candidate_id, role, reviewer, decision, comment, list(chain)),
            ))
    except psycopg.errors.RaiseException as error:
        refusal = _approval_refusal(error)
        if refusal is None:
            raise
        raise refusal from None
    return row[0]


def acknowledge_attention(conn: psycopg.Connection, *, candidate_id: int,
                          reviewer: str) -> None:
    """Record that `reviewer` saw the changes flagged on a pending candidate."""
    try:
        with conn.transaction():
            conn.execute("SELECT catalog.acknowledge_attention(%s, %s)",
                         (candidate_id, reviewer))
    except psycopg.errors.RaiseException as error:
        refusal = _approval_refusal(error)
        if refusal is None:
            raise
        raise refusal from None


def approved_roles(conn: psycopg.Connection, *, candidate_id: int) -> set[str]:
    rows = conn.execute(
        "SELECT role FROM catalog.approvals WHERE candidate_id = %s AND decision = 'approved'",
        (candidate_id,),
    ).fetchall()
    return {r[0] for r in rows}


def assert_publishable(conn: psycopg.Connection, *, candidate_id: int,
                       chain: list[str]) -> Candidate:
    """Raise ApprovalError unless every role of the chain approved a passing candidate."""
    candidate = get_candidate(conn, candidate_id)
    if candidate is None:
        raise ApprovalError(f"candidate {candidate_id} does not exist")
    if candidate.status == "published":
        raise ApprovalError(f"candidate {candidate_id} of '{candidate.slug}' is already published")
    if candidate.checks_passed is not True:
        raise ApprovalError(
            f"candidate {candidate_id} of '{candidate.slug}' has not passed its checks; "
            "it cannot be published")
    approved = approved_roles(conn, candidate_id=candidate_id)
    missing = [role for role in chain if role not in approved]
    if missing or candidate.status != "approved":
        raise ApprovalError(
            f"candidate {candidate_id} of '{candidate.slug}' is not approved: missing "
            f"approval from {', '.join(missing) or 'the chain'}; refusing to publish")
    return candidate


def approved_unpublished_candidates(conn: psycopg.Connection) -> list[tuple[int, str]]:
    """(candidate id, slug) of every approved candidate without a published version."""
    return [tuple(r) for r in conn.execute(
        "SELECT c.id, c.slug FROM catalog.candidates c"
        " LEFT JOIN catalog.versions v ON v.candidate_id = c.id"
        " WHERE c.status = 'approved' AND v.candidate_id IS NULL ORDER BY c.id"
    ).fetchall()]
