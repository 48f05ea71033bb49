"""`<slug>/published`: approval-gated publication of a candidate."""

import dagster as dg

from catalog.approvals import ApprovalError
from civic_assets.keys import candidate_key, published_key
from civic_assets.publish.provenance import announce_publication
from civic_assets.publish.publication import publish_candidate, resolve_candidate_id
from civic_assets.resources import CivicDatabase
from metadata.specs import DatasetSpec
from metadata.update_frequency import freshness_window


class PublishConfig(dg.Config):
    """candidate_id 0 publishes the newest candidate, if its approval chain is complete."""

    candidate_id: int = 0


def build_published_asset(spec: DatasetSpec) -> dg.AssetsDefinition:
    window = freshness_window(spec.metadata.update_frequency, spec.schedule)

    @dg.asset(
        key=published_key(spec.slug),
        deps=[candidate_key(spec.slug)],
        group_name=spec.slug,
        kinds={"postgres"},
        owners=spec.owners,
        freshness_policy=dg.FreshnessPolicy.time_window(fail_window=window) if window else None,
        description=(
            f"The public {spec.title.en or spec.slug}: an immutable version per approved "
            "candidate; `published." + spec.slug + "` always shows the latest. Runs only "
            "for a candidate whose approval chain ("
            + " → ".join(spec.approval.chain) + ") is complete."
        ),
    )
    def _published(context: dg.AssetExecutionContext, config: PublishConfig,
                   civic_db: CivicDatabase) -> dg.MaterializeResult:
        with civic_db.connect() as conn:
            announce_publication(conn, run_id=context.run.run_id)
            try:
                candidate_id = resolve_candidate_id(conn, spec, config.candidate_id)
                version = publish_candidate(conn, spec, candidate_id)
            except ApprovalError as exc:
                raise dg.Failure(
                    description=f"Refusing to publish {spec.slug}: {exc}",
                    metadata={"candidate_id": config.candidate_id},
                ) from exc
        context.log.info(
            f"published {spec.slug} version {version.version} from candidate "
            f"{version.candidate_id} ({version.row_count:,} rows)")
        files = "\n".join(
            f"| {fmt} | {info['bytes']:,} | `{info['sha256'][:16]}…` |"
            for fmt, info in sorted(version.files.items()))
        skipped = "".join(f"\n\n{fmt} not written: {why}"
                          for fmt, why in version.skipped_formats.items())
        return dg.MaterializeResult(metadata={
            "dagster/row_count": version.row_count,
            "version": version.version,
            "candidate_id": version.candidate_id,
            "table": f"published.{version.table_name}",
            "files": dg.MetadataValue.md(
                "| format | bytes | sha256 |\n|---|---|---|\n" + files + skipped),
        })

    return _published
