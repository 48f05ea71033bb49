"""The dbt test results of each dataset, for its candidates' quality cards.

They come from dbt itself: after `dbt build`, the invocation's `run_results.json` says
how each test ended, and the manifest which model (so which dataset) each test tests.
They are recorded in the catalogue because a candidate may be built in a later run, or on
another machine, than the `dbt build` whose target folder held them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliInvocation

from catalog.dbt_results import DbtTestResult, record_dbt_test_results
from civic_assets.resources import CivicDatabase

KeysByNode = Mapping[str, tuple[str, dg.AssetKey]]


def dataset_test_results(run_results: Mapping[str, Any], manifest: Mapping[str, Any],
                         keys: KeysByNode) -> Iterator[DbtTestResult]:
    """The data tests of a run_results.json, each with the dataset and asset it tests."""
    nodes = manifest["nodes"]
    for result in run_results.get("results", []):
        test = nodes.get(result["unique_id"])
        if test is None or test["resource_type"] != "test":
            continue
        tested = [keys[node] for node in test["depends_on"]["nodes"] if node in keys]
        if not tested:
            continue  # a test of no dataset's model
        # a relationships test depends on two models: it is a test of the one it is on
        attached = test.get("attached_node")
        slug, key = keys[attached] if attached in keys else tested[0]
        yield DbtTestResult(slug=slug, unique_id=result["unique_id"], test_name=test["name"],
                            asset=key.to_user_string(), status=result["status"],
                            failures=result.get("failures"), message=result.get("message"))


def record_test_results(invocation: DbtCliInvocation, keys: KeysByNode,
                        civic_db: CivicDatabase, *, run_id: str) -> int:
    """Record the tests the invocation ran; 0 when dbt stopped before writing results."""
    run_results_path = invocation.target_path / "run_results.json"
    if not run_results_path.exists():
        return 0
    run_results = invocation.get_artifact("run_results.json")
    results = list(dataset_test_results(run_results, invocation.manifest, keys))
    with civic_db.connect() as conn:
        return record_dbt_test_results(
            conn, results, run_id=run_id,
            invocation_id=run_results.get("metadata", {}).get("invocation_id"))
