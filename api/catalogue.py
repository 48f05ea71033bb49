"""The published datasets as the metadata package models them (spec, versions, files,
bbox, time span), read through `catalog.public`: what every catalogue format (DCAT-US,
the CKAN API) is built from."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import psycopg

from catalog import public
from metadata.dcat import PublishedDataset, published_dataset_from_records
from metadata.specs import DatasetSpec


def published_dataset(spec: dict[str, Any], versions: list[dict[str, Any]]) -> PublishedDataset:
    """One dataset from its stored spec and its catalog.versions rows (any order)."""
    ordered = sorted(versions, key=lambda row: row["version"])
    # the bbox and time span computed from the latest data when it was published
    latest = (ordered[-1].get("dcat") or {}) if ordered else {}
    return published_dataset_from_records(DatasetSpec.model_validate(spec), ordered,
                                          bbox=latest.get("bbox"),
                                          temporal=latest.get("temporal"))


def published_datasets(db: psycopg.Connection) -> list[PublishedDataset]:
    """Every dataset with a published version, by slug."""
    versions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in public.list_all_versions(db):
        versions[row["slug"]].append(row)
    return [published_dataset(row["spec"], versions[row["slug"]])
            for row in public.list_published_specs(db)]
