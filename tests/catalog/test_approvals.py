"""The approval chain rule (`catalog.record_decision`) on real PostgreSQL, for the
pipeline's role and the API's."""

import psycopg
import pytest

from catalog.approvals import ApprovalError, assert_publishable, record_decision
from catalog.audit import verify_audit_chain
from catalog.candidates import create_candidate, record_checks
from catalog.database import ConnectionParts, libpq_url

CHAIN = ["data_owner", "privacy_reviewer"]


def _candidate(conn, slug="approvals_test", passed=True) -> int:
    cid = create_candidate(conn, slug=slug, table_name="t", row_count=1, columns=[])
    record_checks(conn, candidate_id=cid, passed=passed, checks={})
    return cid


def test_chain_is_signed_in_order_and_recorded(conn):
    cid = _candidate(conn)
    with pytest.raises(ApprovalError, match="next signature is 'data_owner'"):
        record_decision(conn, candidate_id=cid, role="privacy_reviewer", reviewer="p",
                        decision="approved", chain=CHAIN)
    record_decision(conn, candidate_id=cid, role="data_owner", reviewer="o",
                    decision="approved", chain=CHAIN)
    with pytest.raises(ApprovalError, match="missing approval from privacy_reviewer"):
        assert_publishable(conn, candidate_id=cid, chain=CHAIN)
    record_decision(conn, candidate_id=cid, role="privacy_reviewer", reviewer="p",
                    decision="approved", chain=CHAIN)
    assert assert_publishable(conn, candidate_id=cid, chain=CHAIN).status == "approved"
    decisions = conn.execute(
        "SELECT count(*) FROM catalog.audit_log WHERE action = 'approval.approved'"
        " AND (details->>'candidate_id')::int = %s", (cid,)).fetchone()[0]
    assert decisions == 2


def test_failed_checks_cannot_be_approved_and_rejection_ends_it(conn):
    failing = _candidate(conn, passed=False)
    with pytest.raises(ApprovalError, match="has not passed its checks"):
        record_decision(conn, candidate_id=failing, role="data_owner", reviewer="o",
                        decision="approved", chain=CHAIN)
    cid = _candidate(conn)
    record_decision(conn, candidate_id=cid, role="data_owner", reviewer="o",
                    decision="rejected", comment="columns wrong", chain=CHAIN)
    with pytest.raises(ApprovalError, match="is rejected"):
        record_decision(conn, candidate_id=cid, role="privacy_reviewer", reviewer="p",
                        decision="approved", chain=CHAIN)


def test_api_role_decides_only_through_the_chain_rule(database_url, conn):
    cid = _candidate(conn)
    api_url = ConnectionParts.from_url(database_url).url(user="civic_api")
    with psycopg.connect(libpq_url(api_url), autocommit=True) as api:
        for statement in (
            ("INSERT INTO catalog.approvals (candidate_id, role, reviewer, decision)"
            f" VALUES ({cid}, 'data_owner', 'x', 'approved')"),
            ("INSERT INTO catalog.audit_log (actor, action, prev_hash, hash)"
            " VALUES ('x', 'y', 'z', 'w')"),
            "SELECT catalog.append_audit('x', 'y', NULL, '{}')",
            f"UPDATE catalog.candidates SET status = 'approved' WHERE id = {cid}",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                api.execute(statement)
        with pytest.raises(ApprovalError, match="next signature is 'data_owner'"):
            record_decision(api, candidate_id=cid, role="privacy_reviewer", reviewer="p",
                            decision="approved", chain=CHAIN)
        for role in CHAIN:
            record_decision(api, candidate_id=cid, role=role, reviewer="r",
                            decision="approved", chain=CHAIN)
    assert assert_publishable(conn, candidate_id=cid, chain=CHAIN).status == "approved"
    assert verify_audit_chain(conn) == (True, None)
