"""The published datasets as the metadata package models them (spec, versions, files,
bbox, time span), read through `catalog.public`: what every catalogue format (DCAT-US,
the CKAN API) is built from."""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

import psycopg
from pydantic import ValidationError

from catalog import public
from metadata.dcat import PublishedDataset, published_dataset_from_records
from metadata.specs import DatasetSpec

logger = logging.getLogger(__name__)


class StoredSpecInvalid(ValueError):
    """A dataset's stored spec no longer passes the spec model (it was stored by an older
    version of the platform, or written around it): the dataset must be republished."""

    def __init__(self, slug: str, error: ValidationError) -> None:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in e['loc']) or 'spec'}: {e['msg']}"
            for e in error.errors())
        super().__init__(f"the stored description of dataset '{slug}' does not pass this "
                         f"version's checks ({problems}); republish it")
        self.slug = slug


def stored_spec(slug: str, spec: dict[str, Any]) -> DatasetSpec:
    """The spec stored with a dataset, as the model; StoredSpecInvalid names what fails."""
    try:
        return DatasetSpec.model_validate(spec)
    except ValidationError as exc:
        raise StoredSpecInvalid(slug, exc) from None


def published_dataset(spec: dict[str, Any], versions: list[dict[str, Any]]) -> PublishedDataset:
    """One dataset from its stored spec and its catalog.versions rows (any order)."""
    ordered = sorted(versions, key=lambda row: row["version"])
    # the bbox and time span computed from the latest data when it was published
    latest = (ordered[-1].get("dcat") or {}) if ordered else {}
    return published_dataset_from_records(stored_spec(spec.get("slug", "?"), spec), ordered,
                                          bbox=latest.get("bbox"),
                                          temporal=latest.get("temporal"))


def published_datasets(db: psycopg.Connection) -> list[PublishedDataset]:
    """Every dataset with a published version, by slug. A dataset whose stored spec no
    longer passes the model is left out of the listing and logged, so one stale record
    cannot take the whole catalogue (DCAT, data.json, CKAN) down."""
    versions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in public.list_all_versions(db):
        versions[row["slug"]].append(row)
    datasets = []
    for row in public.list_published_specs(db):
        try:
            datasets.append(published_dataset(row["spec"], versions[row["slug"]]))
        except StoredSpecInvalid as exc:
            logger.warning("left out of the catalogue: %s", exc)
    return datasets
