"""The approval pages with TestClient on real PostgreSQL: what a reviewer sees, and every
refusal of the shared chain rule as a 400 with its message."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from catalog.candidates import create_candidate, get_candidate, record_checks
from catalog.review_requests import CHECKLISTS, hash_token, new_token, record_request

CHAIN = ["data_owner", "privacy_reviewer"]
SLUG = "approval_pages_test"
PREVIEW = [{"ward": "Ward 1", "category": "<script>alert(1)</script>", "n": 3}] * 20


@pytest.fixture(scope="module")
def client(database_url):
    with TestClient(create_app()) as test_client:
        yield test_client


def _request(conn, role: str, *, candidate_id: int | None = None, passed: bool = True,
             needs_attention: bool = False) -> tuple[int, str]:
    if candidate_id is None:
        candidate_id = create_candidate(
            conn, slug=SLUG, table_name="t", row_count=20, columns=[], preview=PREVIEW,
            quality={"grade": "B", "overall_score": 84.0,
                     "recommendations": ["Fill the missing ward of 3 records."]},
            anonymization={"rows_in": 25, "rows_out": 20, "steps": [
                {"operator": "drop", "columns": ["requester_name"], "reason": "policy"}],
                "risk_before": {"k": 1, "k_threshold": 5},
                "risk_after": {"k": 7, "k_threshold": 5}})
        record_checks(conn, candidate_id=candidate_id, passed=passed,
                      needs_attention=needs_attention,
                      checks={"residual_pii": {"passed": True, "blocking": True,
                                               "summary": "no PII found"},
                              "change_since_last_publication": {
                                  "passed": not needs_attention, "blocking": False,
                                  "summary": "records changed",
                                  "details": {"flags": ["record count fell by 40%"]}}})
    token = new_token()
    record_request(conn, candidate_id=candidate_id, role=role, kind="approval", chain=CHAIN,
                   title="Pages test", sent_to=["owner@example.org"], mail_status="sent",
                   token_hash=hash_token(token))
    return candidate_id, token


def _approve_form(token: str, role: str, **extra) -> dict:
    return {"token": token, "decision": "approve", "reviewer": "owner@example.org",
            "confirm": [str(i) for i in range(len(CHECKLISTS[role]))], **extra}


def test_unknown_token_is_404(client):
    assert client.get("/review/not-a-token").status_code == 404
    assert client.post("/review/not-a-token", data={"token": "not-a-token"}).status_code == 404


def test_page_shows_the_candidate_escaped(client, conn):
    cid, token = _request(conn, "data_owner")
    page = client.get(f"/review/{token}")
    assert page.status_code == 200
    html = page.text
    assert "Pages test" in html and f"candidate {cid}" in html
    assert "no PII found" in html and "Grade <strong>B</strong>" in html
    assert "Fill the missing ward of 3 records." in html
    assert "before: 1" in html and "after: 7" in html and "requester_name" in html
    assert "<script>alert(1)</script>" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 20
    for item in CHECKLISTS["data_owner"]:
        assert item in html
    assert f'name="token" value="{token}"' in html


def test_refusals_are_400_with_a_clear_message(client, conn):
    cid, token = _request(conn, "data_owner", needs_attention=True)
    incomplete = _approve_form(token, "data_owner", confirm=["0"])
    answer = client.post(f"/review/{token}", data=incomplete)
    assert answer.status_code == 400 and "Tick every item of the checklist" in answer.text
    answer = client.post(f"/review/{token}", data=_approve_form(token, "data_owner"))
    assert answer.status_code == 400 and "needs attention" in answer.text
    forged = _approve_form("another-token", "data_owner", acknowledge="true")
    answer = client.post(f"/review/{token}", data=forged)
    assert answer.status_code == 400 and "does not belong to this review link" in answer.text
    answer = client.post(f"/review/{token}", data={"token": token, "decision": "reject",
                                                   "reviewer": "o"})
    assert answer.status_code == 400 and "Say why you reject" in answer.text

    # out of order: the privacy reviewer's link before the data owner signed
    _, privacy_token = _request(conn, "privacy_reviewer", candidate_id=cid)
    answer = client.post(f"/review/{privacy_token}",
                         data=_approve_form(privacy_token, "privacy_reviewer",
                                            acknowledge="true"))
    assert answer.status_code == 400
    assert "the next signature is 'data_owner', not 'privacy_reviewer'" in unescape(answer.text)

    ok = client.post(f"/review/{token}", data=_approve_form(token, "data_owner",
                                                            acknowledge="true"))
    assert ok.status_code == 200 and "Decision recorded" in ok.text
    assert get_candidate(conn, cid).attention_acknowledged_by == "owner@example.org"
    # the link is single-use: the role has signed
    again = client.post(f"/review/{token}", data=_approve_form(token, "data_owner"))
    assert again.status_code == 400
    assert "next signature is 'privacy_reviewer'" in unescape(again.text)
    assert "already signed" in client.get(f"/review/{token}").text
    assert not re.search(r"<form", client.get(f"/review/{token}").text)


def test_failed_checks_cannot_be_approved_but_can_be_rejected(client, conn):
    cid, token = _request(conn, "data_owner", passed=False)
    answer = client.post(f"/review/{token}", data=_approve_form(token, "data_owner"))
    assert answer.status_code == 400 and "has not passed its checks" in answer.text
    answer = client.post(f"/review/{token}", data={
        "token": token, "decision": "reject", "reviewer": "o", "comment": "fix the wards"})
    assert answer.status_code == 200 and "You rejected the candidate" in answer.text
    assert get_candidate(conn, cid).status == "rejected"


def test_page_shows_accepted_quasi_identifiers_and_the_change_since_the_last_release(
        client, conn):
    reason = "Wards are electoral districts of tens of thousands of residents."
    candidate_id = create_candidate(
        conn, slug=SLUG, table_name="t", row_count=20, columns=[], preview=PREVIEW,
        anonymization={
            "rows_in": 25, "rows_out": 20, "steps": [],
            "policy": {"k": 5, "accepted_quasi_identifiers": [
                {"column": "ward", "reason": reason}]},
            "release_change": {
                "previous_version": 3,
                "previous": {"rows": 1999, "k": 6, "marketer_risk": 0.125},
                "current": {"rows": 2000, "k": 5, "marketer_risk": 0.1255},
                "difference": {"added": 1, "removed": 0, "changed": 0,
                               "records_singled_out": 1, "k": 5}}})
    flag = "against version 3: 1 rows added, 0 removed; 1 of them in 1 class(es)"
    record_checks(conn, candidate_id=candidate_id, passed=True, needs_attention=True,
                  checks={"release_difference": {"passed": False, "blocking": False,
                                                 "summary": flag,
                                                 "details": {"flags": [flag]}}})
    _, token = _request(conn, "data_owner", candidate_id=candidate_id)
    html = unescape(client.get(f"/review/{token}").text)
    assert f"ward</strong>: {reason}" in html
    assert "Change from the published version 3" in html
    assert re.search(r"<td>records</td><td>1,999</td><td>2,000</td>", html)
    assert re.search(r"<td>marketer risk</td><td>0.1250</td><td>0.1255</td>", html)
    assert "1 record(s) in classes that differ by fewer than 5 rows" in html
    assert flag in html  # among the flags the reviewer must acknowledge
