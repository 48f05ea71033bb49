"""Dagster itself flags an overdue dataset: a real `dagster dev` (webserver and daemon, the
project's dagster.yaml on PostgreSQL) judges a published asset's
`FreshnessPolicy.time_window` (built by the dataset component's builder, see
freshness_location.py) with its freshness daemon, and the UI's own GraphQL data says
HEALTHY while the latest publication is inside its window and DEGRADED once time has moved
past it, at the moment the portal and the DCAT turn "overdue" (one window for all three).

Time: the publication is reported as of a moment just short of a whole window ago (the test
process travels back with time-machine for that one write), then the real clock crosses
the due moment while the daemon watches, evaluating every second instead of every 30.
"""

from __future__ import annotations

import os
import shutil
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import psycopg
import pytest
import time_machine
import yaml

from api.portal.freshness import freshness
from catalog.database import PROJECT_ROOT, ConnectionParts, ensure_database, libpq_url
from civic_assets.keys import published_key
from metadata.dcat import dataset_freshness, published_dataset_from_records
from metadata.specs import DatasetSpec
from metadata.update_frequency import Freshness, freshness_window
from tests.civic_assets.ingest.test_file_drop_sensor import (
    daemon_health,
    dagster_dev,
    graphql,
    wait_for,
)
from tests.civic_assets.publish.freshness_location import FREQUENCY, SLUG, SPEC

LOCATION = Path(__file__).with_name("freshness_location.py")
WINDOW = freshness_window(FREQUENCY)
# how long the fresh publication has left when it is reported: room for the daemon to
# judge it fresh first (it evaluates every second), short enough for a quick test
MARGIN = timedelta(seconds=8)

FRESHNESS = """query Freshness($path: [String!]!) {
  assetNodes(assetKeys: [{path: $path}]) {
    internalFreshnessPolicy { ... on TimeWindowFreshnessPolicy { failWindowSeconds } }
    freshnessStatusInfo { freshnessStatus
                          freshnessStatusMetadata { lastMaterializedTimestamp } } } }"""


def ui_freshness(base: str) -> dict:
    """What the asset's page in the Dagster UI reads: the node's freshness status."""
    nodes = graphql(base, FRESHNESS, path=list(published_key(SLUG).path))["assetNodes"]
    assert len(nodes) == 1, nodes
    return nodes[0]


def status(base: str) -> str:
    return ui_freshness(base)["freshnessStatusInfo"]["freshnessStatus"]


def fresh_dagster_storage(database_url: str) -> str:
    """An empty Dagster storage database of this test's own. Not a wiped asset: Dagster
    ignores events older than a wipe, and this test writes its publication in the past."""
    parts = ConnectionParts.from_url(database_url)
    name = f"{parts.dbname}_freshness_dagster"
    with psycopg.connect(libpq_url(parts.url(dbname="postgres")), autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                     " WHERE datname = %s", (name,))
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    storage = parts.url(driver="postgresql+psycopg2", dbname=name)
    ensure_database(storage)
    return storage


def publish(instance: dg.DagsterInstance, at: datetime, version: int) -> None:
    """A publication of the dataset as Dagster records it: a materialization of
    <slug>/published, written at `at`."""
    with time_machine.travel(at, tick=False):
        instance.report_runless_asset_event(dg.AssetMaterialization(
            asset_key=published_key(SLUG), metadata={"version": version}))


@pytest.mark.slow
def test_dagster_flags_the_published_asset_once_its_window_has_passed(
        database_url, tmp_path, monkeypatch):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    assert yaml.safe_load((home / "dagster.yaml").read_text())["freshness"] == {"enabled": True}
    workspace = tmp_path / "workspace.yaml"
    workspace.write_text(yaml.safe_dump({"load_from": [{"python_file": {
        "relative_path": str(LOCATION), "working_directory": str(PROJECT_ROOT),
        "location_name": "freshness_test"}}]}))
    storage = fresh_dagster_storage(database_url)
    env = {**os.environ, "CIVIC_DATABASE_URL": database_url,
           "CIVIC_DAGSTER_STORAGE_URL": storage, "DAGSTER_HOME": str(home),
           # the daemon judges freshness every second instead of every 30
           "FRESHNESS_DAEMON_INTERVAL_SECONDS": "1",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    # this process writes the publications to the same instance
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("CIVIC_DAGSTER_STORAGE_URL", storage)
    instance = dg.DagsterInstance.get()

    with dagster_dev(env, home, workspace) as (base, process):
        wait_for("the freshness daemon", lambda: daemon_health(base).get("FRESHNESS_DAEMON"),
                 process, timeout=120)
        node = ui_freshness(base)
        # the window Dagster holds is the portal's and the DCAT's
        assert node["internalFreshnessPolicy"] == {
            "failWindowSeconds": int(WINDOW.total_seconds())}
        assert node["freshnessStatusInfo"]["freshnessStatus"] == "UNKNOWN"  # never published

        published_at = datetime.now(UTC) - WINDOW + MARGIN
        due = published_at + WINDOW
        publish(instance, published_at, version=1)
        wait_for("Dagster to judge the publication fresh",
                 lambda: status(base) == "HEALTHY", process, timeout=MARGIN.total_seconds())
        seen = ui_freshness(base)["freshnessStatusInfo"]["freshnessStatusMetadata"]
        assert seen["lastMaterializedTimestamp"] == pytest.approx(published_at.timestamp(),
                                                                  abs=1)
        # the dataset's page says the same (its flag, from the same window)
        assert freshness(SPEC, published_at, datetime.now(UTC)).state == "fresh"

        # time moves past the window: Dagster flags it, not a moment before the portal does
        wait_for("Dagster to flag the dataset overdue",
                 lambda: status(base) == "DEGRADED", process, timeout=MARGIN.total_seconds() + 20)
        flagged_at = datetime.now(UTC)
        assert flagged_at >= due
        assert freshness(SPEC, published_at, flagged_at) == Freshness("overdue", due)
        described = published_dataset_from_records(
            DatasetSpec.model_validate(SPEC), [{"version": 1, "published_at": published_at}])
        assert dataset_freshness(described, flagged_at) == Freshness("overdue", due)

        # a new publication clears the flag
        publish(instance, datetime.now(UTC), version=2)
        wait_for("a new publication to make it fresh again",
                 lambda: status(base) == "HEALTHY", process, timeout=20)
