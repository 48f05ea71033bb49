"""`<slug>/raw`: the extract asset generated from a dataset's source; `<slug>/raw_<name>`
for each of its further files (the spec's `extracts`), loaded into raw.<slug>__<name>."""

import dagster as dg

from catalog.database import PROJECT_ROOT
from civic_assets.ingest import IngestError, ingest, ingest_file
from civic_assets.keys import extract_key, extract_table, raw_key
from civic_assets.resources import CivicDatabase
from metadata.specs import DatasetSpec


class RawConfig(dg.Config):
    """Set by the file-drop sensor; empty for scheduled and hand-started runs."""

    path: str = ""
    force: bool = False


def build_raw_asset(spec: DatasetSpec, extract: str | None = None) -> dg.AssetsDefinition:
    """The dataset's source, or the further file named `extract`, as an asset."""
    source = spec.extracts[extract] if extract else spec.source
    if source is None:
        raise ValueError(f"dataset {spec.slug} has no source: it is derived in dbt")
    table = extract_table(spec.slug, extract) if extract else spec.slug
    what = f"its {source.type} source" if extract is None else f"its file '{extract}'"

    @dg.asset(
        key=extract_key(spec.slug, extract) if extract else raw_key(spec.slug),
        group_name=spec.slug,
        kinds={"postgres", source.format or source.type},
        owners=spec.owners,
        description=(
            f"Extract of {spec.title.en or spec.slug} from {what}, as ingested into "
            f"raw.{table} (may hold personal information; never public)."
        ),
        metadata={"source": source.path or source.url or source.type,
                  "spec": spec.spec_path or ""},
    )
    def _raw(context: dg.AssetExecutionContext, config: RawConfig,
             civic_db: CivicDatabase) -> dg.MaterializeResult:
        try:
            if config.path:  # one file handed over by the file-drop sensor
                result = ingest_file(config.path, slug=table, database_url=civic_db.url,
                                     format=source.format, options=source.options,
                                     max_bytes=source.max_bytes, force=config.force)
            else:
                result = ingest(source, slug=table, database_url=civic_db.url,
                                base_dir=PROJECT_ROOT, force=config.force)
        except IngestError as exc:
            raise dg.Failure(description=str(exc),
                             metadata={"source": config.path or source.path or source.type}
                             ) from exc
        context.log.info(
            f"{result.status}: {result.record_count:,} records from {result.source} "
            f"in {result.duration_seconds:.1f}s")
        return dg.MaterializeResult(metadata={
            "dagster/row_count": result.record_count,
            "status": result.status,
            "source": result.source,
            "sha256": result.sha256,
            "bytes": result.byte_size,
            "duration_seconds": round(result.duration_seconds, 3),
            "columns": dg.MetadataValue.md(
                "| column | original | type | written as |\n|---|---|---|---|\n" + "\n".join(
                    f"| {c['name']} | {c.get('original_name', c['name'])} | {c['type']} "
                    f"| {c.get('notation', '')} |" for c in result.columns)),
            "preview": dg.MetadataValue.md(result.preview_markdown),
        })

    return _raw
