"""Drive a dataset through the graph from code: used by `civic demo` and the tests.

Runs go through the Dagster instance in DAGSTER_HOME when one is configured, so they
appear in the UI's run history like runs started there.
"""

from __future__ import annotations

from typing import cast

import dagster as dg

from catalog.approvals import ApprovalError, acknowledge_attention, record_decision
from catalog.candidates import get_candidate, latest_candidate
from catalog.database import connect
from civic_assets.components.dataset import load_dataset_spec
from civic_assets.keys import op_name, published_key, raw_key, until_candidate_selection
from civic_assets.settings import dagster_home_configured, database_url, get_settings
from metadata.specs import DatasetSpec


def load_definitions() -> dg.Definitions:
    from civic_assets.definitions import defs

    return defs()


def dataset_spec(slug: str) -> DatasetSpec:
    return load_dataset_spec(get_settings().datasets_dir / slug / "defs.yaml")


def _instance() -> dg.DagsterInstance | None:
    return dg.DagsterInstance.get() if dagster_home_configured() else None


def materialize(selection: dg.AssetSelection, *, run_config: dict | None = None,
                raise_on_error: bool = True,
                instance: dg.DagsterInstance | None = None) -> dg.ExecuteInProcessResult:
    definitions = load_definitions()
    # the console shows what a person needs; the full event log is in the Dagster UI
    run_config = {**(run_config or {}),
                  "loggers": {"console": {"config": {"log_level": get_settings().log_level}}}}
    # the code location defines assets and specs only (no cacheable assets definitions)
    assets = cast(list[dg.AssetsDefinition | dg.AssetSpec], list(definitions.assets or []))
    return dg.materialize(
        assets=assets,
        selection=selection,
        resources=dict(definitions.resources or {}),
        run_config=run_config,
        instance=instance or _instance(),
        raise_on_error=raise_on_error,
    )


def materialize_until_candidate(slug: str, *, instance: dg.DagsterInstance | None = None,
                                raw_config: dict | None = None) -> int:
    """Run the dataset up to its candidate; return the new candidate's id."""
    run_config = {"ops": {op_name(raw_key(slug)): {"config": raw_config}}} if raw_config else None
    materialize(until_candidate_selection(slug), run_config=run_config, instance=instance)
    with connect(database_url()) as conn:
        candidate = latest_candidate(conn, slug=slug)
    if candidate is None:
        raise RuntimeError(f"{slug}/candidate ran but registered no candidate")
    return candidate.id


def record_approval(slug: str, candidate_id: int, *, role: str, reviewer: str,
                    decision: str = "approved", comment: str | None = None) -> None:
    spec = dataset_spec(slug)
    with connect(database_url()) as conn:
        record_decision(conn, candidate_id=candidate_id, role=role, reviewer=reviewer,
                        decision=decision, comment=comment, chain=spec.approval.chain)


def acknowledge(slug: str, candidate_id: int, *, reviewer: str) -> list[str]:
    """Record that `reviewer` saw the changes flagged on a candidate; return those flags.

    Approval is refused while a candidate that needs attention is unacknowledged.
    """
    with connect(database_url()) as conn:
        candidate = get_candidate(conn, candidate_id)
        if candidate is None or candidate.slug != slug:
            raise ApprovalError(f"dataset '{slug}' has no candidate {candidate_id}")
        if not candidate.needs_attention:
            raise ApprovalError(
                f"candidate {candidate_id} of '{slug}' does not need attention; "
                "nothing to acknowledge")
        acknowledge_attention(conn, candidate_id=candidate_id, reviewer=reviewer)
    # what changed since the last publication, and what comparing the two releases reveals
    return [flag for name in ("change_since_last_publication", "release_difference")
            for flag in candidate.checks.get(name, {}).get("details", {}).get("flags", [])]


def approve_all(slug: str, candidate_id: int, *, reviewer: str) -> None:
    """Sign every role of the chain as one reviewer (the demo does this, labelled).

    Flagged changes are acknowledged first, as the same reviewer, so that a demo
    reloaded with different data can still be published.
    """
    with connect(database_url()) as conn:
        candidate = get_candidate(conn, candidate_id)
    if (candidate is not None and candidate.needs_attention
            and not candidate.attention_acknowledged_by):
        acknowledge(slug, candidate_id, reviewer=reviewer)
    for role in dataset_spec(slug).approval.chain:
        record_approval(slug, candidate_id, role=role, reviewer=reviewer,
                        comment="demo approval")


def publish(slug: str, candidate_id: int = 0, *, raise_on_error: bool = True,
            instance: dg.DagsterInstance | None = None) -> int | None:
    """Materialize <slug>/published for a candidate; return the new version number."""
    key = published_key(slug)
    result = materialize(
        dg.AssetSelection.assets(key),
        run_config={"ops": {op_name(key): {"config": {"candidate_id": candidate_id}}}},
        raise_on_error=raise_on_error, instance=instance,
    )
    if not result.success:
        return None
    events = result.asset_materializations_for_node(op_name(key))
    version = events[-1].metadata["version"].value
    if not isinstance(version, int):
        raise RuntimeError(f"{key.to_user_string()} recorded no version number")
    return version
