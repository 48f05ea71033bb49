"""Sensors that move a dataset along without a person starting runs."""

import dagster as dg

from civic_assets.lib.ingest import new_files
from civic_assets.lib.ingest.files import fingerprint
from civic_assets.lib.ingest.ingest_log import latest_success
from civic_assets.lib.keys import op_name, published_key, raw_key, until_review_selection
from civic_assets.lib.resources import CivicDatabase, Mailer
from civic_assets.lib.review_requests import notify_reviewers
from metadata.database import PROJECT_ROOT
from metadata.registry import approved_unpublished_candidates
from metadata.specs import DatasetSpec


def build_approval_sensor(specs: list[DatasetSpec]) -> dg.SensorDefinition:
    """Request `published/<slug>` for every candidate whose approval chain completed.

    The run key is the candidate id, so a candidate is published at most once however
    often the sensor ticks; the asset re-checks the approvals itself.
    """
    slugs = {spec.slug for spec in specs}

    @dg.sensor(
        name="approval_sensor",
        target=dg.AssetSelection.assets(*(published_key(slug) for slug in sorted(slugs))),
        minimum_interval_seconds=30,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Publishes each review candidate once its approval chain is complete.",
    )
    def approval_sensor(context: dg.SensorEvaluationContext, civic_db: CivicDatabase):
        with civic_db.connect() as conn:
            ready = [(cid, slug) for cid, slug in approved_unpublished_candidates(conn)
                     if slug in slugs]
        if not ready:
            return dg.SkipReason("no approved candidate is waiting to be published")
        return [
            dg.RunRequest(
                run_key=f"publish-candidate-{cid}",
                asset_selection=[published_key(slug)],
                run_config={"ops": {op_name(published_key(slug)):
                                    {"config": {"candidate_id": cid}}}},
                tags={"civic/candidate_id": str(cid), "civic/dataset": slug},
            )
            for cid, slug in ready
        ]

    return approval_sensor


def build_candidate_sensor(specs: list[DatasetSpec]) -> dg.SensorDefinition:
    """Open an approval request for the next reviewer role of each candidate whose checks
    passed, and mail that role's reviewers a single-use link to the approval page.

    It also asks the next role after each approval (on its next tick) and sends a
    rejection's feedback to the data owner role. It starts no runs.
    """

    @dg.sensor(
        name="candidate_sensor",
        minimum_interval_seconds=30,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Asks each candidate's next reviewer role to sign off, by e-mail.",
    )
    def candidate_sensor(context: dg.SensorEvaluationContext, civic_db: CivicDatabase,
                         mailer: Mailer):
        with civic_db.connect(autocommit=True) as conn:
            outcome = notify_reviewers(conn, specs, mailer)
        for failure in outcome.failed:
            context.log.warning(f"mail not delivered: {failure}")
        return dg.SkipReason(outcome.summary())

    return candidate_sensor


def build_file_drop_sensor(spec: DatasetSpec) -> dg.SensorDefinition:
    """Start raw → review for each new file in the dataset's drop folder, once per file.

    The cursor (names, sizes, modification times seen) lives in Dagster's storage, so a
    restart of the daemon neither skips nor repeats a file.
    """
    folder = PROJECT_ROOT / (spec.source.path or "")
    pattern = spec.source.options.get("pattern", "*")

    @dg.sensor(
        name=f"{spec.slug}_file_drop_sensor",
        target=until_review_selection(spec.slug),
        minimum_interval_seconds=30,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=f"Ingests each new file matching {pattern} in {spec.source.path}.",
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
