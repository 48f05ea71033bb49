"""`review/<slug>`: the anonymized candidate, its documents and its blocking checks."""

import json
from typing import Any

import dagster as dg

from civic_assets.candidate.build import CHECKS, CheckOutcome, build_candidate, register_candidate
from civic_assets.candidate.dbt_results import (
    code_location_asset_graph,
    latest_check_results,
    upstream_check_keys,
)
from civic_assets.keys import mart_key, raw_key, review_key
from civic_assets.resources import CivicDatabase
from civic_assets.tables import records_preview
from metadata.specs import DatasetSpec


def _check_metadata(outcome: CheckOutcome) -> dict[str, Any]:
    """A check's details as Dagster metadata an analyst can read in the UI."""
    meta: dict[str, Any] = {"summary": outcome.summary}
    if outcome.markdown:
        meta["details"] = dg.MetadataValue.md(outcome.markdown)
    for key, value in outcome.details.items():
        if isinstance(value, (int, float, str, bool)):
            meta[key] = value
        elif isinstance(value, (dict, list)):
            # failure counts, first failure cases, flags: browsable JSON in the UI
            meta[key] = dg.MetadataValue.json(json.loads(json.dumps(value, default=str)))
    return meta


def build_review_asset(spec: DatasetSpec) -> dg.AssetsDefinition:
    upstream = mart_key(spec.dbt.mart) if spec.dbt else raw_key(spec.slug)
    key = review_key(spec.slug)
    check_specs = [
        dg.AssetCheckSpec(name, asset=key, blocking=blocking, description=description)
        for name, (blocking, description) in CHECKS.items()
    ]

    @dg.asset(
        key=key,
        deps=[upstream],
        group_name=spec.slug,
        kinds={"postgres", "pandas"},
        owners=spec.owners,
        check_specs=check_specs,
        description=(
            f"Review candidate of {spec.title.en or spec.slug}: the spec's anonymization "
            "policy applied, with its data dictionary, quality report card and DCAT "
            "metadata. Reviewers approve it before it can be published."
        ),
    )
    def _review(context: dg.AssetExecutionContext, civic_db: CivicDatabase):
        # the dbt tests of the models upstream, as last evaluated (this run or an earlier one)
        dbt_results = latest_check_results(
            context.instance, upstream_check_keys(code_location_asset_graph(context), key))
        context.log.info(f"{len(dbt_results)} dbt test result(s) counted in the quality card")
        with civic_db.connect() as conn:
            bundle = build_candidate(conn, spec, upstream_table=tuple(upstream.path),
                                     log=context.log, dbt_test_results=dbt_results)
            candidate_id = register_candidate(conn, spec, bundle, run_id=context.run.run_id)
        for result in bundle.check_results:
            yield dg.AssetCheckResult(
                check_name=result.name, passed=result.passed,
                severity=dg.AssetCheckSeverity.ERROR if result.blocking
                else dg.AssetCheckSeverity.WARN,
                metadata={"candidate_id": candidate_id, **_check_metadata(result)},
            )
        yield dg.MaterializeResult(metadata={
            "dagster/row_count": bundle.row_count,
            "candidate_id": candidate_id,
            "table": f"review.{bundle.table_name(candidate_id)}",
            "checks_passed": bundle.checks_passed,
            "needs_attention": bundle.needs_attention,
            "quality_score": float(bundle.quality.get("overall_score", 0.0)),
            "quality_grade": str(bundle.quality.get("grade", "")),
            "risk_k": int((bundle.anonymization.get("risk_after") or {}).get("k") or 0),
            "preview": dg.MetadataValue.md(records_preview(bundle.frame)),
            "anonymization_report": dg.MetadataValue.md(bundle.anonymization_markdown),
            "quality_report_card": dg.MetadataValue.md(bundle.quality_markdown),
            "data_dictionary": dg.MetadataValue.md(bundle.dictionary_markdown),
        })

    return _review
