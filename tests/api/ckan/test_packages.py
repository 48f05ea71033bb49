"""CKAN names and ids of what the catalogue publishes: stable, and valid CKAN names."""

from __future__ import annotations

import re
import uuid

import pytest

from api.ckan.packages import organization_name, package_id, resource_id


@pytest.mark.parametrize(("title", "name"), [
    ("City of Riverton", "city-of-riverton"),
    ("Ville de Montréal", "ville-de-montreal"),
    ("Parks & Recreation — Forestry", "parks-recreation-forestry"),
    ("東京", "publisher"),
])
def test_organization_names_are_ckan_names(title, name):
    assert organization_name(title) == name
    assert re.fullmatch(r"[a-z0-9_-]{2,100}", name)


def test_ids_are_stable_per_dataset_and_format():
    assert package_id("service_requests") == package_id("service_requests")
    assert resource_id("service_requests", "csv") == resource_id("service_requests", "csv")
    ids = {resource_id("service_requests", f) for f in ("csv", "json", "parquet")}
    ids |= {resource_id("other", "csv"), package_id("service_requests")}
    assert len(ids) == 5
    assert all(uuid.UUID(i).version == 5 for i in ids)
