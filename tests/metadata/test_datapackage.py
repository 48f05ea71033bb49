"""Frictionless Data Package of a published version, checked with frictionless itself."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import frictionless
import pytest

from metadata.datapackage import (
    DataPackageError,
    build_datapackage,
    build_table_schema,
    table_schema_type,
)
from metadata.specs import DatasetSpec

OGL = "https://open.canada.ca/en/open-government-licence-canada"

SPEC = DatasetSpec.model_validate(
    {
        "slug": "road_collisions",
        "title": {"en": "Road collisions", "fr": "Collisions routières"},
        "source": {"type": "file", "format": "csv", "path": "x.csv"},
        "primary_key": "collision_id",
        "metadata": {
            "description": {"en": "Collisions on city roads.", "fr": "Collisions sur les routes."},
            "keywords": {"en": ["traffic"], "fr": ["circulation"]},
            "publisher": "City of Riverton",
            "license": {"title": "Open Government Licence - Canada", "uri": OGL},
        },
    }
)

# the shape metadata/dictionary.py writes (DataDictionary.to_dict())
DICTIONARY = {
    "row_count": 3,
    "primary_key": "collision_id",
    "columns": [
        {
            "name": "collision_id",
            "type": "integer",
            "nullable": False,
            "unique": True,
            "description": {"en": "Identifier", "fr": "Identifiant"},
            "minimum": 1,
            "maximum": 999,
        },
        {
            "name": "collision_date",
            "type": "date",
            "nullable": False,
            "description": {"en": "Date", "fr": "Date"},
            "minimum": "2019-01-01",
            "maximum": "2024-12-31",
        },
        {"name": "reported_at", "type": "datetime", "description": {"en": "", "fr": ""}},
        {
            "name": "severity",
            "type": "text",
            "allowed_values": ["minor", "major", "fatal"],
            "description": {"en": "Severity", "fr": "Gravité"},
            "examples": ["minor"],
        },
        {
            "name": "vehicles",
            "type": "integer",
            "minimum": 1,
            "maximum": 20,
            "unit": "vehicles",
            "description": {"en": "Vehicles involved", "fr": "Véhicules impliqués"},
        },
        {"name": "speed_limit", "type": "number", "minimum": 0},
        {"name": "daylight", "type": "boolean"},
        {"name": "geometry", "type": "geometry"},
    ],
    "override_problems": [],
}

GOOD_CSV = """collision_id,collision_date,reported_at,severity,vehicles,speed_limit,daylight,geometry
1,2024-03-01,2024-03-01 08:15:00+00:00,minor,2,50,true,POINT (-75.7 45.4)
2,2024-03-02,2024-03-02T17:40:00,major,1,70.5,false,
3,2024-03-03,,fatal,3,,true,POINT (-75.6 45.5)
"""  # noqa: E501 - a CSV header is one line


def write_package(tmp_path: Path, csv_text: str, **version_overrides) -> Path:
    csv_path = tmp_path / "data.csv"
    csv_path.write_text(csv_text, encoding="utf-8")
    version = {
        "slug": "road_collisions",
        "version": 3,
        "row_count": 3,
        "columns": [{"name": c["name"], "type": c["type"]} for c in DICTIONARY["columns"]],
        "dictionary": DICTIONARY,
        "files": {},
        "published_at": datetime(2024, 3, 4, 12, 0, tzinfo=UTC),
    }
    version.update(version_overrides)
    package = build_datapackage(SPEC, version, dictionary=None, csv_path_or_url="data.csv")
    descriptor = tmp_path / "datapackage.json"
    descriptor.write_text(json.dumps(package, indent=2), encoding="utf-8")
    return descriptor


def validate(descriptor: Path) -> frictionless.Report:
    # frictionless refuses absolute paths as unsafe: give it the folder as basepath
    return frictionless.validate(descriptor.name, basepath=str(descriptor.parent))


def test_datapackage_of_a_valid_csv_validates(tmp_path):
    report = validate(write_package(tmp_path, GOOD_CSV))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "message"])


def test_datapackage_describes_the_version(tmp_path):
    package = json.loads(write_package(tmp_path, GOOD_CSV).read_text())
    assert package["name"] == "road_collisions"
    assert package["title"] == "Road collisions"
    assert package["version"] == "3.0.0"
    assert package["licenses"] == [
        {"name": "OGL-Canada-2.0", "path": OGL, "title": "Open Government Licence - Canada"}
    ]
    resource = package["resources"][0]
    assert resource["path"] == "data.csv"
    schema = resource["schema"]
    assert schema["primaryKey"] == ["collision_id"]
    fields = {f["name"]: f for f in schema["fields"]}
    assert fields["collision_id"]["constraints"] == {
        "required": True,
        "unique": True,
        "minimum": 1,
        "maximum": 999,
    }
    assert fields["collision_date"]["type"] == "date"
    assert fields["collision_date"]["constraints"]["minimum"] == "2019-01-01"
    assert fields["reported_at"]["type"] == "datetime"
    assert "description" not in fields["reported_at"]
    assert fields["severity"]["constraints"] == {"enum": ["minor", "major", "fatal"]}
    assert fields["severity"]["description"] == "Severity / Gravité"
    assert fields["vehicles"]["unit"] == "vehicles"
    assert fields["speed_limit"]["type"] == "number"
    assert fields["daylight"]["type"] == "boolean"
    assert fields["geometry"]["type"] == "any"


@pytest.mark.parametrize(
    ("bad_row", "error_type"),
    [
        ("4,2024-03-04,,minor,25,50,true,", "constraint-error"),  # vehicles above maximum
        ("4,2024-03-04,,unknown,1,50,true,", "constraint-error"),  # severity not allowed
        ("4,2018-12-31,,minor,1,50,true,", "constraint-error"),  # date before minimum
        ("4,not a date,,minor,1,50,true,", "type-error"),
        ("four,2024-03-04,,minor,1,50,true,", "type-error"),
        (",2024-03-04,,minor,1,50,true,", "constraint-error"),  # required id missing
        ("1,2024-03-04,,minor,1,50,true,", "primary-key"),  # duplicate id
    ],
)
def test_csv_that_breaks_the_schema_fails(tmp_path, bad_row, error_type):
    report = validate(write_package(tmp_path, GOOD_CSV + bad_row + "\n"))
    assert not report.valid
    assert error_type in {error[0] for error in report.flatten(["type"])}


def test_hash_and_size_of_the_published_file_are_checked(tmp_path):
    digest = hashlib.sha256(GOOD_CSV.encode()).hexdigest()
    files = {"csv": {"path": "data.csv", "bytes": len(GOOD_CSV.encode()), "sha256": digest}}
    assert validate(write_package(tmp_path, GOOD_CSV, files=files)).valid
    tampered = validate(write_package(tmp_path, GOOD_CSV.replace("minor", "major"), files=files))
    assert not tampered.valid
    assert "hash-count" in {error[0] for error in tampered.flatten(["type"])}


def test_bare_columns_list_is_enough(tmp_path):
    package = write_package(
        tmp_path,
        "a,b\n1,x\n",
        dictionary={},
        columns=[{"name": "a", "type": "integer"}, {"name": "b", "type": "text"}],
    )
    fields = json.loads(package.read_text())["resources"][0]["schema"]["fields"]
    assert fields == [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}]
    assert validate(package).valid


def test_explicit_dictionary_list_wins_over_the_version_record():
    version = {"version": 1, "columns": [{"name": "a", "type": "integer"}]}
    package = build_datapackage(
        SPEC,
        version,
        dictionary=[{"name": "z", "type": "date"}],
        csv_path_or_url="https://data.example.ca/x.csv",
    )
    assert package["resources"][0]["schema"]["fields"] == [{"name": "z", "type": "date"}]
    assert package["resources"][0]["path"] == "https://data.example.ca/x.csv"


def test_no_columns_at_all_is_an_error():
    with pytest.raises(DataPackageError, match="no columns"):
        build_datapackage(
            SPEC, {"version": 1, "columns": []}, dictionary=None, csv_path_or_url="data.csv"
        )


def test_bad_bound_names_the_column():
    with pytest.raises(DataPackageError, match="column 'n'"):
        build_table_schema([{"name": "n", "type": "integer", "minimum": "lots"}])


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("integer", "integer"),
        ("Int64", "integer"),
        ("float64", "number"),
        ("numeric(10,2)", "number"),
        ("bool", "boolean"),
        ("date", "date"),
        ("datetime64[ns, UTC]", "datetime"),
        ("timestamptz", "datetime"),
        ("text", "string"),
        ("geometry", "any"),
        ("geojson", "geojson"),
        (None, "any"),
        ("mystery", "any"),
    ],
)
def test_type_mapping(given, expected):
    assert table_schema_type(given) == expected


def test_data_dictionary_object_is_accepted():
    dictionary_module = pytest.importorskip("metadata.dictionary")
    dictionary = dictionary_module.DataDictionary.from_dict(
        DICTIONARY
        | {
            "columns": [
                {"name": "collision_id", "type": "integer", "nullable": False, "unique": True}
            ]
        }
    )
    schema = build_table_schema(dictionary)
    assert schema["fields"][0]["constraints"] == {"required": True, "unique": True}
    assert schema["primaryKey"] == ["collision_id"]
