"""The file-drop sensor: a new file in a dataset's drop folder starts its ingest."""

import dagster as dg

from catalog.database import PROJECT_ROOT
from catalog.ingest_log import latest_success
from civic_assets.ingest import new_files
from civic_assets.ingest.files import fingerprint
from civic_assets.keys import op_name, raw_key, until_candidate_selection
from civic_assets.resources import CivicDatabase
from metadata.specs import DatasetSpec


def build_file_drop_sensor(spec: DatasetSpec) -> dg.SensorDefinition:
    """Start raw → candidate for each new file in the dataset's drop folder, once per file.

    The cursor (names, sizes, modification times seen) lives in Dagster's storage, so a
    restart of the daemon neither skips nor repeats a file.
    """
    source = spec.source
    if source is None:
        raise ValueError(f"dataset {spec.slug} has no source to watch")
    folder = PROJECT_ROOT / (source.path or "")
    pattern = source.options.get("pattern", "*")

    @dg.sensor(
        name=f"{spec.slug}_file_drop_sensor",
        target=until_candidate_selection(spec.slug),
        minimum_interval_seconds=30,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=f"Ingests each new file matching {pattern} in {source.path}.",
    )
    def file_drop_sensor(context: dg.SensorEvaluationContext, civic_db: CivicDatabase):
        files, cursor = new_files(folder, pattern, context.cursor, min_age_seconds=2)
        context.update_cursor(cursor)
        if files:
            # a file whose bytes raw/<slug> already holds (loaded by hand, by `civic demo`
            # or before a restart) would only repeat the same candidate
            with civic_db.connect() as conn:
                latest = latest_success(conn, spec.slug)
            loaded = latest["sha256"] if latest else None
            files = [path for path in files if fingerprint(path).sha256 != loaded]
        if not files:
            return dg.SkipReason(f"no new file in {folder}")
        return [
            dg.RunRequest(
                run_key=f"{path.name}:{path.stat().st_mtime_ns}:{path.stat().st_size}",
                run_config={"ops": {op_name(raw_key(spec.slug)):
                                    {"config": {"path": str(path)}}}},
                tags={"civic/dataset": spec.slug, "civic/file": path.name},
            )
            for path in files
        ]

    return file_drop_sensor
