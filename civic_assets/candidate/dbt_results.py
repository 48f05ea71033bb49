"""The latest dbt test results of a dataset's dbt models, for its quality report card.

dagster-dbt turns every dbt test into an asset check of the model it tests, and the
Dagster instance keeps each check's evaluations. Reading them there (rather than dbt's
`run_results.json`) works whether review runs in the same run as `dbt build` or in a
later one, on whichever machine: every run writes to the same instance, while each dbt
invocation writes its own target folder, beside the process that ran it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import dagster as dg
from dagster._check import CheckError
from dagster._core.storage.asset_check_execution_record import (
    COMPLETED_ASSET_CHECK_EXECUTION_RECORD_STATUSES,
)


def code_location_asset_graph(context: dg.AssetExecutionContext) -> Any:
    """The whole asset graph of the code location, not only the run's selection.

    A run's own job knows only the assets it selected, so a run of review/<slug> alone
    would not see the dbt tests of its models. Runs launched by the webserver, daemon or
    sensors carry their repository; in-process runs (`dg.materialize`: `civic demo`, the
    tests) do not, and the definitions are loaded again.
    """
    try:
        return context.repository_def.asset_graph
    except CheckError:  # "No repository definition was set on the step context"
        from civic_assets.runner import load_definitions

        return load_definitions().resolve_asset_graph()


def upstream_check_keys(asset_graph: Any, key: dg.AssetKey) -> list[dg.AssetCheckKey]:
    """Check keys of every asset upstream of `key` (the dbt tests of its models)."""
    keys: list[dg.AssetCheckKey] = []
    for ancestor in asset_graph.get_ancestor_asset_keys(key):
        keys += asset_graph.get(ancestor).check_keys
    return sorted(keys, key=lambda k: (k.asset_key.to_user_string(), k.name))


def _status(evaluation: dg.AssetCheckEvaluation) -> str:
    """The dbt status of a test (pass, warn, fail, error) from its check evaluation."""
    status = evaluation.metadata.get("status")
    if status is not None and isinstance(getattr(status, "value", None), str):
        return status.value.lower()
    if evaluation.passed:
        return "pass"
    return "warn" if evaluation.severity == dg.AssetCheckSeverity.WARN else "fail"


def latest_check_results(instance: dg.DagsterInstance,
                         check_keys: list[dg.AssetCheckKey]) -> list[dict[str, Any]]:
    """The last completed evaluation of each check, as `quality_report`'s dbt results.

    A check never evaluated (or only planned, in a run still going or one that failed
    before reaching it) is left out: no result is not a passing result.
    """
    storage = instance.event_log_storage
    results = []
    for check_key in check_keys:
        records = storage.get_asset_check_execution_history(
            check_key, limit=1, status=set(COMPLETED_ASSET_CHECK_EXECUTION_RECORD_STATUSES))
        if not records or records[0].event is None:
            continue
        record = records[0]
        evaluation = record.event.asset_check_evaluation
        if evaluation is None:
            continue
        results.append({
            "name": check_key.name,
            "asset": check_key.asset_key.to_user_string(),
            "status": _status(evaluation),
            "run_id": record.run_id,
            "evaluated_at": datetime.fromtimestamp(record.create_timestamp, UTC).isoformat(),
        })
    return results
