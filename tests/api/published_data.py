"""Test data for the API tests: a small service_requests frame and an approved candidate."""

from __future__ import annotations

import pandas as pd
import psycopg

from catalog.approvals import record_decision
from catalog.candidates import create_candidate, record_checks
from civic_assets.components.dataset import load_dataset_spec
from civic_assets.tables import write_table
from metadata.dictionary import infer_dictionary
from metadata.specs import DatasetSpec
from tests.helpers import PROJECT_ROOT

SPEC_PATH = PROJECT_ROOT / "civic_assets" / "defs" / "datasets" / "service_requests" / "defs.yaml"
# the service_requests spec under a slug of its own: other test modules publish
# service_requests itself into the same session database
SLUG = "service_requests_api"
# the demo city's extent: what the neighbourhood boundaries cover
DEMO_BBOX = [-75.8, 45.3, -75.55, 45.46]


def service_requests_spec() -> DatasetSpec:
    spec = load_dataset_spec(SPEC_PATH)
    return spec.model_copy(update={"slug": SLUG})


def spec_for_columns(spec: DatasetSpec, columns, **update) -> DatasetSpec:
    """A shipped spec cut to a test frame's columns (its dictionary, and every field that
    names a column), validated again as every stored spec is: the API reads stored specs
    back through the model, so a test must not store one the model refuses."""
    keep = set(columns)
    policy = spec.anonymization
    if policy is not None:
        policy = policy.model_copy(update={
            "quasi_identifiers": [c for c in policy.quasi_identifiers if c in keep],
            "sensitive_attributes": [c for c in policy.sensitive_attributes if c in keep],
            "accepted_quasi_identifiers": [a for a in policy.accepted_quasi_identifiers
                                           if a.column in keep]})
    areas = spec.areas
    if areas is not None:
        areas = None if areas.column not in keep else areas.model_copy(update={
            "measures": [m for m in areas.measures or [] if m in keep] or None})
    trimmed = spec.model_copy(update={
        "areas": areas,
        "dictionary": {name: column for name, column in spec.dictionary.items()
                       if name in keep},
        "validation": spec.validation.model_copy(update={"key_columns": [
            c for c in spec.validation.key_columns if c in keep]}),
        "anonymization": policy, **update})
    return DatasetSpec.model_validate(trimmed.model_dump())


def request_id(number: int) -> str:
    return f"SR-2026-{number:06d}"


def requests_frame(first_id: int, rows: int, *, coordinates: bool) -> pd.DataFrame:
    """A few service_requests columns, with values that stress every file format."""
    ids = range(first_id, first_id + rows)
    frame = pd.DataFrame({
        "request_id": [request_id(i) for i in ids],
        "request_type": ["Pothole repair", "Graffiti removal", "Noise complaint"] * (rows // 3)
        + ["Snow removal"] * (rows % 3),
        "status": (["closed", "open", "in_progress"] * rows)[:rows],
        "neighbourhood": (["Beauséjour", "Old Town", "Sandy Hill", "Bayview"] * rows)[:rows],
        "created_at": pd.date_range("2026-03-01 08:00", periods=rows, freq="7h", tz="UTC"),
        "is_escalated": pd.array([i % 4 == 0 for i in ids], dtype="boolean"),
        "response_time_hours": [None if i % 5 == 0 else round(i * 1.25, 2) for i in ids],
        "details": [
            'Pole "A-12", near <Main> & Elm' if i % 3 == 0 else
            "two lines\nof text, é, 漢字" if i % 3 == 1 else
            "tab\there, bell\x07 and\r\nCRLF" if i % 6 == 5 else None
            for i in ids
        ],
    })
    if coordinates:
        frame["latitude"] = [45.31 + (i % 10) * 0.01 for i in ids]
        frame["longitude"] = [-75.79 + (i % 7) * 0.02 for i in ids]
    return frame


def approved_candidate(conn: psycopg.Connection, spec: DatasetSpec, frame: pd.DataFrame,
                       *, table: str, approve: bool = True) -> int:
    """A review table and its candidate, checks passed and (optionally) fully approved."""
    with conn.transaction():
        write_table(conn, frame, "review", table)
    dictionary = infer_dictionary(frame, overrides=spec.dictionary,
                                  primary_key=spec.primary_key).to_dict()
    types = {c["name"]: c["type"] for c in dictionary["columns"]}
    candidate_id = create_candidate(
        conn, slug=spec.slug, table_name=table, row_count=len(frame),
        columns=[{"name": c, "type": types[c]} for c in frame.columns], dictionary=dictionary)
    record_checks(conn, candidate_id=candidate_id, passed=True, checks={})
    if approve:
        for role in spec.approval.chain:
            record_decision(conn, candidate_id=candidate_id, role=role, reviewer="pytest",
                            decision="approved", chain=spec.approval.chain)
    return candidate_id



def catalogued_files(conn: psycopg.Connection, version: int) -> dict:
    return conn.execute("SELECT files FROM catalog.versions WHERE slug = %s AND version = %s",
                        (SLUG, version)).fetchone()[0]
