"""Reviewer approval pages: one single-use link per candidate and role, mailed by the
candidate sensor. The decision goes through the same rule as the CLI
(`catalog.approvals.record_decision`, i.e. `catalog.record_decision` in SQL)."""

from __future__ import annotations

import hmac
from datetime import UTC
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.deps import DbDep
from catalog.approvals import ApprovalError, acknowledge_attention, record_decision
from catalog.review_requests import (
    checklist,
    get_review_request,
    hash_token,
    next_role,
    role_label,
)

router = APIRouter(prefix="/review", tags=["approval"], include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")
templates.env.globals["role_label"] = role_label


def _request_or_404(db, token: str) -> dict[str, Any]:
    found = get_review_request(db, token_hash=hash_token(token))
    if found is None:
        raise HTTPException(status_code=404, detail="unknown or expired review link")
    return found


def _closed_reason(found: dict[str, Any]) -> str | None:
    """Why this link can no longer take a decision, or None while it can."""
    if found["status"] != "pending":
        return f"This candidate is {found['status']}; it takes no more decisions."
    approved = {d["role"] for d in found["decisions"] if d["decision"] == "approved"}
    if found["role"] in approved:
        return f"The {role_label(found['role'])} has already signed this candidate."
    expected = next_role(found["chain"], approved)
    if expected != found["role"]:
        return (f"The chain is signed in order; {role_label(expected or '')} signs before "
                f"the {role_label(found['role'])}.")
    return None


def _page(request: Request, found: dict[str, Any], token: str, *, status_code: int = 200,
          error: str | None = None, result: str | None = None,
          form: dict[str, Any] | None = None) -> HTMLResponse:
    checks = found["checks"] or {}
    anonymization = found["anonymization"] or {}
    preview = found["preview"] or []
    return templates.TemplateResponse(request, "review.html", status_code=status_code, context={
        "r": found, "token": token, "error": error, "result": result,
        "closed": None if result else _closed_reason(found),
        "checks": checks,
        # what changed since the last publication, and what comparing the releases reveals
        "flags": [flag for name in ("change_since_last_publication", "release_difference")
                  for flag in (checks.get(name, {}).get("details") or {}).get("flags", [])],
        "quality": found["quality"] or {},
        "anonymization": anonymization,
        "preview": preview,
        # the candidate's own column order (a jsonb object does not keep it)
        "preview_columns": [c["name"] for c in found["columns"] or []] or (
            list(preview[0]) if preview else []),
        "checklist": checklist(found["role"]),
        "prepared_at": found["candidate_created_at"].astimezone(UTC).strftime(
            "%Y-%m-%d %H:%M UTC"),
        "form": form or {},
    })


@router.get("/{token}", response_class=HTMLResponse, summary="A candidate to review")
def review_page(token: str, request: Request, db: DbDep) -> HTMLResponse:
    return _page(request, _request_or_404(db, token), token)


@router.post("/{token}", response_class=HTMLResponse, summary="Record a reviewer's decision")
def review_decision(
    token: str, request: Request, db: DbDep,
    form_token: Annotated[str, Form(alias="token")] = "",
    decision: Annotated[str, Form()] = "",
    reviewer: Annotated[str, Form()] = "",
    comment: Annotated[str, Form()] = "",
    confirm: Annotated[list[int], Form()] = [],  # noqa: B006 — FastAPI copies defaults
    acknowledge: Annotated[bool, Form()] = False,
) -> HTMLResponse:
    found = _request_or_404(db, token)
    form = {"decision": decision, "reviewer": reviewer, "comment": comment,
            "confirm": set(confirm), "acknowledge": acknowledge}

    def refuse(message: str) -> HTMLResponse:
        return _page(request, found, token, status_code=400, error=message, form=form)

    # the form must carry the link's own token: a page elsewhere cannot post a decision
    if not hmac.compare_digest(form_token.encode(), token.encode()):
        return refuse("The form does not belong to this review link; reload the page.")
    reviewer = reviewer.strip()
    comment = comment.strip()
    if not reviewer:
        return refuse("Enter your name or e-mail address: every decision is signed.")
    if decision == "approve":
        items = checklist(found["role"])
        missing = [items[i] for i in range(len(items)) if i not in set(confirm)]
        if missing:
            return refuse("Tick every item of the checklist to approve. Not confirmed: "
                          + " ".join(missing))
        if (found["needs_attention"] and not found["attention_acknowledged_by"]
                and not acknowledge):
            return refuse("This candidate needs attention: acknowledge the flagged changes "
                          "to approve.")
    elif decision == "reject":
        if not comment:
            return refuse("Say why you reject the candidate: the comment goes back to the "
                          "data owner.")
    else:
        return refuse("Choose Approve or Reject.")

    try:
        with db.transaction():
            if (decision == "approve" and found["needs_attention"]
                    and not found["attention_acknowledged_by"]):
                acknowledge_attention(db, candidate_id=found["candidate_id"],
                                      reviewer=reviewer)
            status = record_decision(
                db, candidate_id=found["candidate_id"], role=found["role"], reviewer=reviewer,
                decision="approved" if decision == "approve" else "rejected",
                comment=comment or None, chain=list(found["chain"]))
    except ApprovalError as refusal:
        return refuse(str(refusal))
    found = _request_or_404(db, token)
    if decision == "reject":
        result = "You rejected the candidate. Your comment is being sent to the data owner."
    elif status == "approved":
        result = ("You approved the candidate. The approval chain is complete: it will be "
                  "published.")
    else:
        approved = {d["role"] for d in found["decisions"] if d["decision"] == "approved"}
        following = role_label(next_role(found["chain"], approved) or "")
        result = (f"You approved the candidate. The next reviewer, {following}, will be "
                  "asked by e-mail.")
    return _page(request, found, token, result=result)
