"""Approval by e-mail and browser, end to end: the candidate sensor mails each role a link
(received by a real SMTP server), a reviewer opens it in Chromium, ticks the checklist and
approves, in chain order; then the approval sensor requests publication. A rejection sends
the feedback to the data owner."""

from __future__ import annotations

import dagster as dg
import pytest

from catalog.audit import verify_audit_chain
from catalog.candidates import create_candidate, get_candidate, record_checks
from civic_assets.approval.sensors import build_candidate_sensor
from civic_assets.resources import CivicDatabase, Mailer
from civic_assets.runner import dataset_spec, load_definitions
from tests.helpers import review_link, running_api, smtp_server

pytestmark = pytest.mark.slow

SLUG = "service_requests"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


@pytest.fixture(scope="module")
def spec():
    """The real spec, with a reviewer address per role of its chain."""
    base = dataset_spec(SLUG)
    reviewers = {role: [f"{role}@riverton.example.ca"] for role in base.approval.chain}
    return base.model_copy(update={"approval": base.approval.model_copy(
        update={"reviewers": reviewers})})


@pytest.fixture(scope="module")
def inbox():
    with smtp_server() as server:
        yield server


@pytest.fixture(scope="module")
def api(database_url):
    with running_api() as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _tick(spec, database_url, inbox, api) -> None:
    sensor = build_candidate_sensor([spec])
    mailer = Mailer(smtp_host=inbox.host, smtp_port=inbox.port, public_base_url=api,
                    sender="open.data@riverton.example.ca")
    with dg.instance_for_test() as instance:
        sensor(dg.build_sensor_context(instance=instance, resources={
            "civic_db": CivicDatabase(url=database_url), "mailer": mailer}))


def _candidate(conn) -> int:
    cid = create_candidate(conn, slug=SLUG, table_name="t", row_count=20, columns=[],
                           preview=[{"ward": "Ward 3", "category": "Pothole"}] * 20)
    record_checks(conn, candidate_id=cid, passed=True, checks={
        "residual_pii": {"passed": True, "blocking": True, "summary": "no PII found"}})
    return cid


def _mails(inbox, role: str, cid: int, subject: str = "Review requested"):
    return [m for m in inbox.to(f"{role}@riverton.example.ca")
            if m["Subject"].startswith(subject) and f"(candidate {cid})" in m["Subject"]]


def test_each_role_approves_from_its_mail_then_publication_is_requested(
        database_url, conn, spec, inbox, api, browser):
    cid = _candidate(conn)
    page = browser.new_page()
    try:
        for role in spec.approval.chain:
            _tick(spec, database_url, inbox, api)
            mails = _mails(inbox, role, cid)
            assert len(mails) == 1, f"{role} should be asked exactly once"
            link = review_link(mails[0])
            assert link.startswith(f"{api}/review/")
            page.goto(link)
            assert page.get_by_role("heading", level=1).inner_text().startswith(
                spec.title.en)
            for box in page.locator("input[name=confirm]").all():
                box.check()
            page.get_by_role("button", name="Approve").click()
            page.wait_for_load_state()
            assert "Decision recorded" in page.content(), page.content()
        # nobody after the final approver; a tick asks no one again
        before = len(inbox.messages)
        _tick(spec, database_url, inbox, api)
        assert len([m for m in inbox.messages[before:] if f"(candidate {cid})" in m["Subject"]]) == 0
    finally:
        page.close()
    assert get_candidate(conn, cid).status == "approved"

    decisions = conn.execute(
        "SELECT details->>'role', actor FROM catalog.audit_log WHERE action = 'approval.approved'"
        " AND (details->>'candidate_id')::bigint = %s ORDER BY id", (cid,)).fetchall()
    assert [role for role, _ in decisions] == list(spec.approval.chain)
    assert verify_audit_chain(conn) == (True, None)

    approval_sensor = load_definitions().resolve_sensor_def("approval_sensor")
    with dg.instance_for_test() as instance:
        requests = approval_sensor(dg.build_sensor_context(
            instance=instance, resources={"civic_db": CivicDatabase(url=database_url)}))
    assert [r.run_key for r in requests if r.run_key == f"publish-candidate-{cid}"]
    # leave no approved candidate behind for the other tests' sensors
    conn.execute("UPDATE catalog.candidates SET status = 'superseded' WHERE id = %s", (cid,))


def test_rejection_returns_the_feedback_to_the_data_owner(
        database_url, conn, spec, inbox, api, browser):
    cid = _candidate(conn)
    _tick(spec, database_url, inbox, api)
    link = review_link(_mails(inbox, "data_owner", cid)[0])
    page = browser.new_page()
    try:
        page.goto(link)
        page.get_by_label("Comment").fill("Ward names are wrong: <b>Ward 3</b> is Ward 4")
        page.get_by_role("button", name="Reject").click()
        page.wait_for_load_state()
        assert "You rejected the candidate" in page.content()
    finally:
        page.close()
    assert get_candidate(conn, cid).status == "rejected"

    _tick(spec, database_url, inbox, api)
    notices = _mails(inbox, "data_owner", cid, subject="Rejected")
    assert len(notices) == 1
    assert "Ward names are wrong: <b>Ward 3</b> is Ward 4" in notices[0].get_content()
    _tick(spec, database_url, inbox, api)
    assert len(_mails(inbox, "data_owner", cid, subject="Rejected")) == 1  # once
    assert conn.execute(
        "SELECT count(*) FROM catalog.audit_log WHERE action = 'approval.rejected'"
        " AND (details->>'candidate_id')::bigint = %s", (cid,)).fetchone()[0] == 1


def test_without_an_smtp_host_the_request_is_recorded_as_not_sent(database_url, conn, spec):
    cid = _candidate(conn)
    sensor = build_candidate_sensor([spec])
    with dg.instance_for_test() as instance:
        result = sensor(dg.build_sensor_context(instance=instance, resources={
            "civic_db": CivicDatabase(url=database_url), "mailer": Mailer(smtp_host="")}))
    assert "approval request(s) opened" in result.skip_message
    status, detail = conn.execute(
        "SELECT mail_status, mail_detail FROM catalog.approval_requests"
        " WHERE candidate_id = %s AND kind = 'approval'", (cid,)).fetchone()
    assert status == "not_sent" and "CIVIC_SMTP_HOST" in detail
    conn.execute("UPDATE catalog.candidates SET status = 'superseded' WHERE id = %s", (cid,))
