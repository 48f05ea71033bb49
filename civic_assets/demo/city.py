"""The real city datasets of the demo: Los Angeles 311 requests and Neighborhood Councils,
Oakland's budget, and the analytics published from them (files in ../shared/data, read
in place by their specs' source paths).

All of them go through the graph together: one run from the source files to every
candidate (Dagster orders the boundaries before the spatial join, the marts before the
analytics built on them), the demo reviewer's sign-offs, then one run publishing them all.
Two runs instead of one per dataset: the code location and dbt start once.
"""

from __future__ import annotations

from functools import reduce

import dagster as dg

from catalog.candidates import latest_candidate
from catalog.database import connect
from civic_assets.keys import op_name, published_key, until_candidate_selection
from civic_assets.runner import approve_all, dataset_spec, materialize
from civic_assets.settings import database_url

# in the order a reader meets them; the graph decides the order they are built in
CITY_DATASETS = (
    "neighbourhoods",
    "la_service_requests",
    "la_service_performance",
    "la_demand_equity",
    "la_demand_patterns",
    "oakland_budget",
    "oakland_budget_changes",
)


def shared_data_missing(slugs: tuple[str, ...] = CITY_DATASETS) -> str | None:
    """The first source file of these datasets that is not there, or None."""
    from catalog.database import PROJECT_ROOT

    for slug in slugs:
        spec = dataset_spec(slug)
        for source in [spec.source, *spec.extracts.values()]:
            if source is not None and source.path and not (PROJECT_ROOT / source.path).exists():
                return source.path
    return None


def prepare_candidates(slugs: tuple[str, ...] = CITY_DATASETS) -> dict[str, int]:
    """Ingest, transform and check every dataset up to its candidate; slug → candidate."""
    selection = reduce(lambda a, b: a | b, (until_candidate_selection(s) for s in slugs))
    materialize(selection)
    candidates = {}
    with connect(database_url()) as conn:
        for slug in slugs:
            candidate = latest_candidate(conn, slug=slug)
            if candidate is None:
                raise RuntimeError(f"{slug}/candidate ran but registered no candidate")
            candidates[slug] = candidate.id
    return candidates


def approve_candidates(candidates: dict[str, int], *, reviewer: str) -> None:
    for slug, candidate_id in candidates.items():
        approve_all(slug, candidate_id, reviewer=reviewer)


def publish_candidates(candidates: dict[str, int]) -> dict[str, int]:
    """Publish every approved candidate in one run; slug → version."""
    keys = [published_key(slug) for slug in candidates]
    result = materialize(dg.AssetSelection.assets(*keys), run_config={"ops": {
        op_name(published_key(slug)): {"config": {"candidate_id": candidate_id}}
        for slug, candidate_id in candidates.items()}})
    versions = {}
    for slug in candidates:
        events = result.asset_materializations_for_node(op_name(published_key(slug)))
        version = events[-1].metadata["version"].value
        if not isinstance(version, int):
            raise RuntimeError(f"{slug}/published recorded no version number")
        versions[slug] = version
    return versions


def render_report() -> int:
    """Render the transparency report from the published datasets; its catalogue id."""
    from civic_assets.report.asset import REPORT_KEY

    result = materialize(dg.AssetSelection.assets(REPORT_KEY))
    events = result.asset_materializations_for_node(op_name(REPORT_KEY))
    report_id = events[-1].metadata["report_id"].value
    if not isinstance(report_id, int):
        raise RuntimeError("the transparency report recorded no id")
    return report_id
