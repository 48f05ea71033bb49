"""Approval by e-mail and browser, end to end: the candidate sensor requests one notify run
per candidate and role; each run mails that role a link (received by a real SMTP server);
a reviewer opens it in Chromium, ticks the checklist and approves, in chain order; then the
approval sensor requests publication. A rejection's feedback reaches the data owner the
same way, in a run of its own."""

from __future__ import annotations

import smtplib

import dagster as dg
import pytest

from catalog.audit import verify_audit_chain
from catalog.candidates import create_candidate, get_candidate, record_checks
from civic_assets.approval.jobs import build_notify_job
from civic_assets.approval.notifications import send_notice
from civic_assets.approval.sensors import build_approval_sensor, build_candidate_sensor
from civic_assets.keys import candidate_key
from civic_assets.resources import CivicDatabase, Mailer
from civic_assets.runner import dataset_spec
from tests.helpers import free_port, review_link, running_api, smtp_server

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
def instance():
    with dg.instance_for_test() as test_instance:
        yield test_instance


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _mailer(inbox=None, api="http://127.0.0.1:8000") -> Mailer:
    return Mailer(smtp_host=inbox.host if inbox else "", smtp_port=inbox.port if inbox else 25,
                  public_base_url=api, sender="open.data@riverton.example.ca")


def _tick(spec, database_url, instance, mailer: Mailer) -> list[dg.RunRequest]:
    """One tick of the candidate sensor, then every run it requested, as the daemon would
    launch them; each must succeed."""
    notify_job = build_notify_job(spec)
    sensor = build_candidate_sensor(spec, notify_job)
    civic_db = CivicDatabase(url=database_url)
    tick = sensor.evaluate_tick(dg.build_sensor_context(
        instance=instance, resources={"civic_db": civic_db}))
    requests = list(tick.run_requests or [])
    for request in requests:
        result = notify_job.execute_in_process(
            run_config=request.run_config, tags=request.tags, instance=instance,
            resources={"civic_db": civic_db, "mailer": mailer})
        assert result.success
    return requests


def _candidate(conn) -> int:
    cid = create_candidate(conn, slug=SLUG, table_name="t", row_count=20, columns=[],
                           preview=[{"ward": "Ward 3", "category": "Pothole"}] * 20)
    record_checks(conn, candidate_id=cid, passed=True, checks={
        "residual_pii": {"passed": True, "blocking": True, "summary": "no PII found"}})
    return cid


def _mails(inbox, role: str, cid: int, subject: str = "Review requested"):
    return [m for m in inbox.to(f"{role}@riverton.example.ca")
            if m["Subject"].startswith(subject) and f"(candidate {cid})" in m["Subject"]]


def _observations(instance, cid: int) -> list[dict]:
    """What the notify runs recorded on the candidate asset's page."""
    records = instance.fetch_observations(candidate_key(SLUG), limit=100).records
    found = [{k: v.value for k, v in r.asset_observation.metadata.items()} for r in records]
    return [meta for meta in found if meta.get("candidate_id") == cid]


def test_each_role_approves_from_its_mail_then_publication_is_requested(
        database_url, conn, spec, inbox, api, browser, instance):
    cid = _candidate(conn)
    page = browser.new_page()
    try:
        for role in spec.approval.chain:
            requests = [r for r in _tick(spec, database_url, instance, _mailer(inbox, api))
                        if r.tags["civic/candidate_id"] == str(cid)]
            # one run per candidate and role, each with its own run key
            assert [r.run_key for r in requests] == [f"candidate-{cid}-approval-{role}"]
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
        assert not [r for r in _tick(spec, database_url, instance, _mailer(inbox, api))
                    if r.tags["civic/candidate_id"] == str(cid)]
        assert not [m for m in inbox.messages[before:] if f"(candidate {cid})" in m["Subject"]]
    finally:
        page.close()
    assert get_candidate(conn, cid).status == "approved"

    # each mail is a run on record, and the candidate's page says who was asked
    runs = instance.get_runs(dg.RunsFilter(tags={"civic/candidate_id": str(cid)}))
    assert sorted(run.tags["civic/role"] for run in runs) == sorted(spec.approval.chain)
    assert all(run.status == dg.DagsterRunStatus.SUCCESS for run in runs)
    assert {(o["role"], o["mail"]) for o in _observations(instance, cid)} == {
        (role, "sent") for role in spec.approval.chain}

    decisions = conn.execute(
        "SELECT details->>'role', actor FROM catalog.audit_log WHERE action = 'approval.approved'"
        " AND (details->>'candidate_id')::bigint = %s ORDER BY id", (cid,)).fetchall()
    assert [role for role, _ in decisions] == list(spec.approval.chain)
    assert verify_audit_chain(conn) == (True, None)

    approval_sensor = build_approval_sensor(spec)
    requests = approval_sensor.evaluate_tick(dg.build_sensor_context(
        instance=instance, resources={"civic_db": CivicDatabase(url=database_url)})).run_requests
    assert [r.run_key for r in requests if r.run_key == f"publish-candidate-{cid}"]
    # leave no approved candidate behind for the other tests' sensors
    conn.execute("UPDATE catalog.candidates SET status = 'superseded' WHERE id = %s", (cid,))


def test_rejection_returns_the_feedback_to_the_data_owner(
        database_url, conn, spec, inbox, api, browser, instance):
    cid = _candidate(conn)
    _tick(spec, database_url, instance, _mailer(inbox, api))
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

    requests = _tick(spec, database_url, instance, _mailer(inbox, api))
    assert [r.run_key for r in requests if r.tags["civic/candidate_id"] == str(cid)] == [
        f"candidate-{cid}-rejection-data_owner"]
    notices = _mails(inbox, "data_owner", cid, subject="Rejected")
    assert len(notices) == 1
    assert "Ward names are wrong: <b>Ward 3</b> is Ward 4" in notices[0].get_content()
    assert not [r for r in _tick(spec, database_url, instance, _mailer(inbox, api))
                if r.tags["civic/candidate_id"] == str(cid)]
    # a notify run executed again (a retry from the UI) mails no one twice
    notify_job = build_notify_job(spec)
    assert notify_job.execute_in_process(
        run_config=requests[0].run_config, instance=instance,
        resources={"civic_db": CivicDatabase(url=database_url),
                   "mailer": _mailer(inbox, api)}).success
    assert len(_mails(inbox, "data_owner", cid, subject="Rejected")) == 1  # once
    assert conn.execute(
        "SELECT count(*) FROM catalog.audit_log WHERE action = 'approval.rejected'"
        " AND (details->>'candidate_id')::bigint = %s", (cid,)).fetchone()[0] == 1


def test_a_failed_delivery_records_nothing_so_a_retried_run_mails_the_role(
        database_url, conn, spec, inbox, api, instance):
    cid = _candidate(conn)
    unreachable = Mailer(smtp_host="127.0.0.1", smtp_port=free_port(), public_base_url=api)
    with pytest.raises((smtplib.SMTPException, OSError)):
        send_notice(conn, spec, unreachable, candidate_id=cid, role="data_owner",
                    kind="approval")
    # rolled back: no request, no token, so the role is still waiting to be asked and the
    # failed run, executed again once the server is back, mails it
    assert conn.execute("SELECT count(*) FROM catalog.approval_requests WHERE candidate_id = %s",
                        (cid,)).fetchone()[0] == 0
    _tick(spec, database_url, instance, _mailer(inbox, api))
    assert len(_mails(inbox, "data_owner", cid)) == 1
    conn.execute("UPDATE catalog.candidates SET status = 'superseded' WHERE id = %s", (cid,))


def test_without_an_smtp_host_the_request_is_recorded_as_not_sent(database_url, conn, spec,
                                                                  instance):
    cid = _candidate(conn)
    requests = _tick(spec, database_url, instance, _mailer())
    assert f"candidate-{cid}-approval-data_owner" in {r.run_key for r in requests}
    status, detail = conn.execute(
        "SELECT mail_status, mail_detail FROM catalog.approval_requests"
        " WHERE candidate_id = %s AND kind = 'approval'", (cid,)).fetchone()
    assert status == "not_sent" and "CIVIC_SMTP_HOST" in detail
    assert [o["mail"] for o in _observations(instance, cid)] == ["not_sent"]
    conn.execute("UPDATE catalog.candidates SET status = 'superseded' WHERE id = %s", (cid,))


def test_with_nothing_to_send_the_sensor_skips(database_url, spec, instance):
    quiet = spec.model_copy(update={"slug": "t_no_candidates"})
    tick = build_candidate_sensor(quiet, build_notify_job(quiet)).evaluate_tick(
        dg.build_sensor_context(instance=instance,
                                resources={"civic_db": CivicDatabase(url=database_url)}))
    assert not tick.run_requests
    assert tick.skip_message == "no t_no_candidates candidate waits for a reviewer mail"
