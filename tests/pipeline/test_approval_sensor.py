"""The approval sensor requests exactly one publication run per approved candidate."""

import dagster as dg

from catalog.approvals import record_decision
from catalog.candidates import create_candidate, record_checks
from civic_assets.resources import CivicDatabase
from civic_assets.runner import load_definitions
from metadata.specs import DEFAULT_APPROVAL_CHAIN


def test_sensor_requests_publication_of_approved_candidates(database_url, conn):
    sensor = load_definitions().resolve_sensor_def("service_requests_approval_sensor")
    cid = create_candidate(conn, slug="service_requests", table_name="t", row_count=1,
                           columns=[])
    record_checks(conn, candidate_id=cid, passed=True, checks={})
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(
            instance=instance, resources={"civic_db": CivicDatabase(url=database_url)})
        requested = [r.run_key for r in sensor.evaluate_tick(context).run_requests or []]
        assert f"publish-candidate-{cid}" not in requested  # not approved yet

        for role in DEFAULT_APPROVAL_CHAIN:
            record_decision(conn, candidate_id=cid, role=role, reviewer="r", decision="approved",
                            chain=list(DEFAULT_APPROVAL_CHAIN))
        requests = sensor.evaluate_tick(context).run_requests
        mine = [r for r in requests if r.run_key == f"publish-candidate-{cid}"]
        assert len(mine) == 1
        assert mine[0].asset_selection == [dg.AssetKey(["service_requests", "published"])]
        config = mine[0].run_config["ops"]["service_requests__published"]["config"]
        assert config == {"candidate_id": cid}
    conn.execute("UPDATE catalog.candidates SET status = 'superseded' WHERE id = %s", (cid,))
