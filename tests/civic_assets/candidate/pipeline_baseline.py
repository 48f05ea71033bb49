"""One real run of service_requests through Dagster (raw → dbt → candidate → published),
shared by the validation and quality API tests, and the tools to degrade its mart and
review it again.

The baseline is built once per test session (the first test that asks for it) on one
Dagster instance kept for the session, so that a later run of `service_requests/candidate`
alone finds the dbt test results of the baseline run, as it would in a deployment.
Other tests may have published service_requests already: nothing here assumes version 1.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import dagster as dg
import psycopg

from catalog.candidates import Candidate, latest_candidate
from catalog.database import connect
from civic_assets import runner as pipeline
from civic_assets.demo.generator import default_as_of, write_demo_files
from civic_assets.keys import candidate_key
from civic_assets.settings import database_url

SLUG = "service_requests"
MART = "marts.service_requests"
PRISTINE = "service_requests__pristine_copy"
REVIEWER = "pytest reviewer"


@dataclass(frozen=True)
class Baseline:
    instance: dg.DagsterInstance
    candidate_id: int
    version: int
    published_dir: Path


@contextmanager
def published_files_in(folder: Path) -> Iterator[None]:
    """Publish into a temporary folder, not the project's var/published."""
    previous = os.environ.get("CIVIC_PUBLISHED_DIR")
    os.environ["CIVIC_PUBLISHED_DIR"] = str(folder)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("CIVIC_PUBLISHED_DIR", None)
        else:
            os.environ["CIVIC_PUBLISHED_DIR"] = previous


@cache
def published_baseline() -> Baseline:
    """Materialize and publish a clean service_requests once; keep a copy of its mart."""
    work = Path(tempfile.mkdtemp(prefix="civic-validation-"))
    files = write_demo_files(work / "drop", rows=3_000, seed=505, as_of=default_as_of())
    instance = dg.DagsterInstance.ephemeral()
    candidate_id = pipeline.materialize_until_candidate(
        SLUG, raw_config={"path": str(files.requests_csv)}, instance=instance)
    # acknowledges first when an earlier test's publication makes this one a big change
    pipeline.approve_all(SLUG, candidate_id, reviewer=REVIEWER)
    with published_files_in(work / "published"):
        version = pipeline.publish(SLUG, candidate_id, instance=instance)
    with connect(database_url()) as conn:
        conn.execute(f"DROP TABLE IF EXISTS marts.{PRISTINE}")
        conn.execute(f"CREATE TABLE marts.{PRISTINE} AS SELECT * FROM {MART}")
    return Baseline(instance, candidate_id, version, work / "published")


def restore_mart(conn: psycopg.Connection) -> None:
    """Put back the mart dbt built for the baseline."""
    conn.execute(f"DROP TABLE IF EXISTS {MART}")
    conn.execute(f"CREATE TABLE {MART} AS SELECT * FROM marts.{PRISTINE}")


@dataclass(frozen=True)
class Review:
    result: dg.ExecuteInProcessResult
    evaluations: dict[str, dg.AssetCheckEvaluation]
    candidate: Candidate


def review_again(baseline: Baseline) -> Review:
    """Materialize service_requests/candidate alone, on whatever the mart holds now."""
    result = pipeline.materialize(dg.AssetSelection.assets(candidate_key(SLUG)),
                                  raise_on_error=False, instance=baseline.instance)
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    with connect(database_url()) as conn:
        candidate = latest_candidate(conn, slug=SLUG)
    assert candidate is not None
    return Review(result, evaluations, candidate)


def baseline_as_latest_publication() -> Baseline:
    """The baseline, published again from its mart if another test published since, so
    that the change check compares the clean mart with itself."""
    baseline = published_baseline()
    with connect(database_url()) as conn:
        latest = conn.execute("SELECT max(version) FROM catalog.versions WHERE slug = %s",
                              (SLUG,)).fetchone()[0]
        if latest == baseline.version:
            return baseline
        restore_mart(conn)
        conn.commit()
    candidate = review_again(baseline).candidate
    pipeline.approve_all(SLUG, candidate.id, reviewer=REVIEWER)
    with published_files_in(baseline.published_dir):
        version = pipeline.publish(SLUG, candidate.id, instance=baseline.instance)
    return dataclasses.replace(baseline, candidate_id=candidate.id, version=version)
