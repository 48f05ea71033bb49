"""A service_requests-shaped dataset of its own for the privacy tests: the demo's spec under
another slug, read from `raw.<slug>` (no dbt), and a demo extract shaped as the staging
model shapes it. Other test modules publish service_requests itself into the same database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import dagster as dg
import numpy as np
import pandas as pd
import psycopg
import yaml

from catalog.approvals import record_decision
from catalog.candidates import Candidate, latest_candidate
from civic_assets.candidate.asset import build_candidate_asset
from civic_assets.demo.generator import generate_requests
from civic_assets.keys import candidate_key, op_name, published_key
from civic_assets.publish.asset import build_published_asset
from civic_assets.resources import CivicDatabase
from civic_assets.tables import write_table
from metadata.specs import DatasetSpec, parse_spec
from tests.paths import PROJECT_ROOT

SHIPPED = PROJECT_ROOT / "civic_assets" / "defs" / "datasets" / "service_requests" / "defs.yaml"
REVIEWER = "pytest privacy reviewer"


def spec_attributes(slug: str) -> dict[str, Any]:
    """The shipped service_requests spec as a mapping, for `slug`, reading raw.<slug>."""
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))["attributes"]
    data["slug"] = slug
    data["source"] = {"type": "file", "format": "csv", "path": f"{slug}.csv"}
    del data["dbt"]
    return data


def make_spec(data: dict[str, Any]) -> DatasetSpec:
    return parse_spec(data, source=f"{data['slug']}/defs.yaml")


def staged_requests(rows: int, *, seed: int) -> pd.DataFrame:
    """The demo extract as `stg_311__service_requests` and the mart shape it."""
    frame = generate_requests(rows, seed=seed).drop_duplicates("request_id")
    frame = frame.reset_index(drop=True)
    for column in ("request_type", "department", "description"):
        frame[column] = frame[column].str.strip()
    for column in ("status", "channel"):
        frame[column] = frame[column].str.strip().str.lower().str.replace(" ", "_")
    frame["created_at"] = pd.to_datetime(frame["created_at"])
    frame["closed_at"] = pd.to_datetime(frame["closed_at"].replace("", None))
    frame["requester_age"] = frame["requester_age"].astype("Int64")
    hours = (frame["closed_at"] - frame["created_at"]).dt.total_seconds() / 3600
    frame["response_time_hours"] = hours.round(2)
    return frame


def with_wards(frame: pd.DataFrame, per_neighbourhood: int = 3) -> pd.DataFrame:
    """A `ward` column: each neighbourhood cut in a few wards, as a city's electoral map."""
    rng = np.random.default_rng(4)
    part = rng.integers(0, per_neighbourhood, len(frame))
    codes = pd.factorize(frame["neighbourhood"], sort=True)[0]
    return frame.assign(ward=[f"Ward {c * per_neighbourhood + p + 1}"
                              for c, p in zip(codes, part, strict=True)])


def load_raw(conn: psycopg.Connection, slug: str, frame: pd.DataFrame) -> None:
    with conn.transaction():
        conn.execute(f"DROP TABLE IF EXISTS raw.{slug}")
        write_table(conn, frame, "raw", slug)


def _assets(spec: DatasetSpec) -> list[dg.AssetsDefinition]:
    return [build_candidate_asset(spec), build_published_asset(spec)]


@dataclass(frozen=True)
class Materialized:
    evaluations: dict[str, dg.AssetCheckEvaluation]
    metadata: dict[str, Any]  # the candidate's materialization metadata


def materialize_candidate(spec: DatasetSpec, *, database_url: str,
                          instance: dg.DagsterInstance) -> Materialized:
    """`<slug>/candidate` through Dagster: its check evaluations by name, its metadata."""
    key = candidate_key(spec.slug)
    result = dg.materialize(_assets(spec), selection=dg.AssetSelection.assets(key),
                            resources={"civic_db": CivicDatabase(url=database_url)},
                            instance=instance, raise_on_error=False)
    # a failed blocking check fails the step after the candidate is materialized
    materialization = result.asset_materializations_for_node(op_name(key))[-1]
    return Materialized({e.check_name: e for e in result.get_asset_check_evaluations()},
                        {k: v.value for k, v in materialization.metadata.items()})


def publish_through_dagster(spec: DatasetSpec, candidate_id: int, *, database_url: str,
                            instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    key = published_key(spec.slug)
    return dg.materialize(
        _assets(spec), selection=dg.AssetSelection.assets(key),
        resources={"civic_db": CivicDatabase(url=database_url)}, instance=instance,
        raise_on_error=False,
        run_config={"ops": {op_name(key): {"config": {"candidate_id": candidate_id}}}})


def approve(conn: psycopg.Connection, spec: DatasetSpec, candidate_id: int) -> None:
    for role in spec.approval.chain:
        record_decision(conn, candidate_id=candidate_id, role=role, reviewer=REVIEWER,
                        decision="approved", chain=spec.approval.chain)


def newest_candidate(conn: psycopg.Connection, slug: str) -> Candidate:
    candidate = latest_candidate(conn, slug=slug)
    assert candidate is not None
    return candidate
