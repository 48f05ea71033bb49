"""`/data.json` validates against the official non-federal DCAT-US v1.1 JSON Schemas
(../shared/data/dcat-us, resolved locally: no network), with a distribution per
published format whose URL serves that file."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC

import httpx
import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from metadata.dcat_us import accrual_periodicity
from tests.api.published_data import SLUG, catalogued_files

SCHEMA_BASE = "https://project-open-data.cio.gov/v1.1/schema/"
# the GSA dashboard's non-federal catalogue and dataset schemas refer to the
# federal distribution and organization schemas by relative $ref
SCHEMA_FILES = {
    "catalog.json": "gsa-dashboard_schema_non-federal-v1.1_catalog.json",
    "dataset-non-federal.json": "gsa-dashboard_schema_non-federal-v1.1_dataset-non-federal.json",
    "vcard-non-federal.json": "gsa-dashboard_schema_non-federal-v1.1_vcard-non-federal.json",
    "distribution.json": "v1.1_schema_distribution.json",
    "organization.json": "v1.1_schema_organization.json",
}


@pytest.fixture(scope="module")
def validator(shared_data) -> jsonschema.Draft4Validator:
    folder = shared_data / "dcat-us"
    schemas = {name: json.loads((folder / file).read_text(encoding="utf-8"))
               for name, file in SCHEMA_FILES.items()}
    registry = Registry().with_resources(
        (SCHEMA_BASE + name, Resource.from_contents(schema, default_specification=DRAFT4))
        for name, schema in schemas.items())
    return jsonschema.Draft4Validator(schemas["catalog.json"], registry=registry,
                                      format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def data_json(api) -> dict:
    response = httpx.get(f"{api}/data.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    return response.json()


def test_data_json_is_valid_dcat_us(data_json, validator):
    errors = sorted(validator.iter_errors(data_json), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]
    assert data_json["conformsTo"] == "https://project-open-data.cio.gov/v1.1/schema"


def test_the_validator_catches_what_the_schema_forbids(data_json, validator):
    """The schemas really are applied, nested $refs included."""
    broken = json.loads(json.dumps(data_json))
    dataset = next(d for d in broken["dataset"] if d["identifier"].endswith(f"/{SLUG}"))
    del dataset["contactPoint"]["fn"]
    dataset["distribution"][0]["mediaType"] = "not a media type"
    dataset["accessLevel"] = "open"
    messages = {e.message for e in validator.iter_errors(broken)}
    assert any("'fn' is a required property" in m for m in messages)
    assert any("'open' is not one of" in m for m in messages)
    assert any("not a media type" in m for m in messages)


def test_a_distribution_per_published_format(api, data_json, conn):
    dataset = next(d for d in data_json["dataset"] if d["identifier"] == f"{api}/datasets/{SLUG}")
    files = catalogued_files(conn, 2)
    downloads = {d["format"]: d for d in dataset["distribution"] if "downloadURL" in d}
    assert set(downloads) == {"CSV", "JSON", "XML", "Excel", "Parquet"}
    assert len(downloads) == len(files)
    for entry in downloads.values():
        fmt = entry["downloadURL"].rsplit(".", 1)[1]
        assert entry["mediaType"] == files[fmt]["media_type"]
        body = httpx.get(entry["downloadURL"]).content
        assert hashlib.sha256(body).hexdigest() == files[fmt]["sha256"]
    api_distribution = next(d for d in dataset["distribution"] if d["format"] == "API")
    assert httpx.get(api_distribution["accessURL"]).status_code == 200


def test_dataset_fields_come_from_the_spec_and_versions(api, data_json, publication, conn):
    dataset = next(d for d in data_json["dataset"] if d["identifier"] == f"{api}/datasets/{SLUG}")
    assert dataset["title"] == "311 Service Requests"
    assert dataset["publisher"]["name"] == "City of Riverton"
    assert dataset["contactPoint"] == {"@type": "vcard:Contact", "fn": "Open Data Team",
                                       "hasEmail": "mailto:open.data@riverton.example.ca"}
    assert dataset["accrualPeriodicity"] == "R/P1D"
    assert "311" in dataset["keyword"]
    assert dataset["spatial"] == ",".join(f"{v:g}" for v in publication.versions[-1].bbox)
    first, last = conn.execute("SELECT min(published_at), max(published_at)"
                               " FROM catalog.versions WHERE slug = %s", (SLUG,)).fetchone()
    assert dataset["issued"] == first.astimezone(UTC).isoformat(timespec="seconds")
    assert dataset["modified"] == last.astimezone(UTC).isoformat(timespec="seconds")


@pytest.mark.parametrize(("frequency", "expected"), [
    ("daily", "R/P1D"), ("Weekly", "R/P1W"), ("as needed", "irregular"),
    ("QUARTERLY", "R/P3M"), ("never", None), (None, None), ("whenever", None),
])
def test_accrual_periodicity(frequency, expected):
    assert accrual_periodicity(frequency) == expected
