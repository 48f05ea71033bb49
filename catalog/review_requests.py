"""Review requests (rows of `catalog.approval_requests`): which reviewer role is asked
next about a candidate, the secret link tokens, the checklists each role signs. Shared by
the candidate sensor (which writes requests) and the approval pages (which read them); the
decision itself is `catalog.approvals.record_decision`."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.rows import dict_row

# what each role confirms on the approval page; every box is required to approve
CHECKLISTS: dict[str, list[str]] = {
    "data_owner": [
        "The columns and their meaning are correct.",
        "The records are complete for the period covered.",
        "The dataset may be made public under the open licence.",
    ],
    "open_data_coordinator": [
        "The title, description, keywords and update frequency are right.",
        "The data dictionary describes every column in both languages.",
        "The quality grade and recommendations are acceptable for publication.",
    ],
    "privacy_reviewer": [
        "No personal information remains in the preview or the column list.",
        "The anonymization steps match the policy and k-anonymity is met.",
        "Small cells and free text cannot identify a person.",
    ],
    "final_approver": [
        "The previous reviewers signed off and their comments are addressed.",
        "I approve publishing this dataset under the city's open data policy.",
    ],
}
GENERIC_CHECKLIST = ["I reviewed the candidate's checks, quality report and preview."]


def checklist(role: str) -> list[str]:
    return CHECKLISTS.get(role, GENERIC_CHECKLIST)


def role_label(role: str) -> str:
    return role.replace("_", " ").capitalize()


def new_token() -> str:
    """An unguessable link token; only its hash is stored."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def owner_role(chain: list[str]) -> str:
    """The role a rejection returns to: the data owner."""
    return "data_owner" if "data_owner" in chain else chain[0]


@dataclass(frozen=True)
class ReviewStep:
    candidate_id: int
    slug: str
    role: str


def next_role(chain: list[str], approved: set[str]) -> str | None:
    return next((role for role in chain if role not in approved), None)


def candidates_awaiting_request(conn: psycopg.Connection,
                                chains: dict[str, list[str]]) -> list[ReviewStep]:
    """Pending candidates whose checks passed and whose next role has no request yet."""
    rows = conn.execute(
        "SELECT c.id, c.slug, coalesce(array_agg(a.role) FILTER (WHERE a.decision ="
        " 'approved'), '{}') FROM catalog.candidates c"
        " LEFT JOIN catalog.approvals a ON a.candidate_id = c.id"
        " WHERE c.status = 'pending' AND c.checks_passed AND c.slug = ANY(%s)"
        " GROUP BY c.id ORDER BY c.id", (list(chains),)).fetchall()
    steps = []
    for candidate_id, slug, approved in rows:
        role = next_role(chains[slug], set(approved))
        if role and not request_exists(conn, candidate_id=candidate_id, role=role,
                                       kind="approval"):
            steps.append(ReviewStep(candidate_id, slug, role))
    return steps


def rejections_awaiting_notice(conn: psycopg.Connection,
                               chains: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Rejected candidates whose data owner has not been sent the feedback yet."""
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(
            "SELECT c.id AS candidate_id, c.slug, a.role, a.reviewer, a.comment"
            " FROM catalog.candidates c JOIN catalog.approvals a ON a.candidate_id = c.id"
            " WHERE c.status = 'rejected' AND a.decision = 'rejected' AND c.slug = ANY(%s)"
            " AND NOT EXISTS (SELECT 1 FROM catalog.approval_requests r"
            "   WHERE r.candidate_id = c.id AND r.kind = 'rejection')"
            " ORDER BY c.id", (list(chains),)).fetchall()
    return rows


def request_exists(conn: psycopg.Connection, *, candidate_id: int, role: str,
                   kind: str) -> bool:
    return conn.execute(
        "SELECT 1 FROM catalog.approval_requests WHERE candidate_id = %s AND role = %s"
        " AND kind = %s", (candidate_id, role, kind)).fetchone() is not None


def record_request(conn: psycopg.Connection, *, candidate_id: int, role: str, kind: str,
                   chain: list[str], title: str | None, sent_to: list[str],
                   mail_status: str, mail_detail: str | None = None,
                   token_hash: str | None = None) -> None:
    conn.execute(
        "INSERT INTO catalog.approval_requests (candidate_id, role, kind, token_hash, chain,"
        " title, sent_to, mail_status, mail_detail) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s)",
        (candidate_id, role, kind, token_hash, chain, title, sent_to, mail_status,
         mail_detail))


def get_review_request(conn: psycopg.Connection, *, token_hash: str) -> dict[str, Any] | None:
    """The approval request a reviewer's link names, with its candidate's reports (never
    its data: only the stored 20-row anonymized preview) and the decisions so far."""
    with conn.cursor(row_factory=dict_row) as cur:
        found = cur.execute(
            "SELECT r.id AS request_id, r.role, r.chain, r.title, r.sent_to, r.created_at,"
            " c.id AS candidate_id, c.slug, c.row_count, c.status, c.checks_passed,"
            " c.needs_attention, c.attention_acknowledged_by, c.columns, c.checks,"
            " c.quality, c.anonymization, c.preview, c.created_at AS candidate_created_at"
            " FROM catalog.approval_requests r"
            " JOIN catalog.candidates c ON c.id = r.candidate_id"
            " WHERE r.token_hash = %s AND r.kind = 'approval'",
            (token_hash,),
        ).fetchone()
        if found is None:
            return None
        found["decisions"] = cur.execute(
            "SELECT role, reviewer, decision, comment, decided_at FROM catalog.approvals"
            " WHERE candidate_id = %s ORDER BY id", (found["candidate_id"],),
        ).fetchall()
    return found
