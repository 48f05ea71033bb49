"""`<slug>/candidate`: the anonymized candidate, its documents and its blocking checks."""

import json
from typing import Any

import dagster as dg

from catalog.dbt_results import latest_dbt_test_results
from civic_assets.candidate.build import CHECKS, CheckOutcome, build_candidate, register_candidate
from civic_assets.keys import candidate_key, mart_key, raw_key
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


def build_candidate_asset(spec: DatasetSpec) -> dg.AssetsDefinition:
    # the table the candidate is made from: the dataset's mart, or its raw extract
    upstream, table = ((mart_key(spec.slug), ("marts", spec.dbt.mart)) if spec.dbt
                       else (raw_key(spec.slug), ("raw", spec.slug)))
    key = candidate_key(spec.slug)
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
            f"Candidate of {spec.title.en or spec.slug}: the spec's anonymization "
            "policy applied, with its data dictionary, quality report card and DCAT "
            "metadata. Reviewers approve it before it can be published."
        ),
    )
    def _candidate(context: dg.AssetExecutionContext, civic_db: CivicDatabase):
        with civic_db.connect() as conn:
            # the dbt tests of the dataset's models, as last run (this run or an earlier one)
            dbt_results = latest_dbt_test_results(conn, slug=spec.slug)
            context.log.info(f"{len(dbt_results)} dbt test result(s) counted in the quality card")
            bundle = build_candidate(conn, spec, upstream_table=table,
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

    return _candidate
