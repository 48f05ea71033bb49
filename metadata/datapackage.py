"""Frictionless Data Package (`datapackage.json`) for one published version.

The Table Schema comes from the data dictionary (metadata/dictionary.py: a mapping with a
`columns` list of {name, type, description: {en, fr}, unit, nullable, unique, minimum,
maximum, allowed_values, examples}), or, for a version published before dictionaries
existed, from the bare `catalog.versions.columns` list of {name, type}. Column types
are mapped to Table Schema types (`TABLE_SCHEMA_TYPES`); geometry columns become `any`
in the CSV (they hold WKT text, which no Table Schema type describes) unless the
dictionary says `geojson`. Constraints: `required` (nullable is false), `unique`,
`minimum`/`maximum` (numbers, dates), `enum` (allowed values).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from metadata.dcat import OGL_CANADA_TITLE, OGL_CANADA_URI
from metadata.specs import DatasetSpec

PROFILE = "tabular-data-package"
# with files beside the CSV that are not tables (GeoJSON, XML), the package is generic
PROFILE_WITH_OTHER_FILES = "data-package"
# frictionless reads Parquet, and Excel served over HTTP, through their libraries and so
# cannot count their bytes: a declared size would make such a resource invalid to it
# (the SHA-256 is still given, and DCAT gives both)
_NOT_BYTE_COUNTED = {"parquet", "xlsx"}

# our dictionary / pandas / PostgreSQL type names → Table Schema types
TABLE_SCHEMA_TYPES = {
    "integer": "integer",
    "int": "integer",
    "int8": "integer",
    "int16": "integer",
    "int32": "integer",
    "int64": "integer",
    "bigint": "integer",
    "smallint": "integer",
    "number": "number",
    "float": "number",
    "float32": "number",
    "float64": "number",
    "double": "number",
    "double precision": "number",
    "real": "number",
    "numeric": "number",
    "decimal": "number",
    "boolean": "boolean",
    "bool": "boolean",
    "date": "date",
    "datetime": "datetime",
    "timestamp": "datetime",
    "timestamptz": "datetime",
    "datetime64": "datetime",
    "datetime64[ns]": "datetime",
    "timestamp with time zone": "datetime",
    "timestamp without time zone": "datetime",
    "time": "time",
    "year": "year",
    "string": "string",
    "str": "string",
    "text": "string",
    "object": "string",
    "category": "string",
    "varchar": "string",
    "character varying": "string",
    "uuid": "string",
    "geojson": "geojson",
    "geometry": "any",
    "geography": "any",
    "wkt": "any",
    "point": "any",
    "polygon": "any",
    "multipolygon": "any",
    "linestring": "any",
    "json": "object",
    "jsonb": "object",
}


class DataPackageError(ValueError):
    """A version or dictionary cannot be described as a Data Package."""


def table_schema_type(column_type: str | None) -> str:
    """The Table Schema type of a column type name; `any` when unknown."""
    if not column_type:
        return "any"
    key = column_type.strip().lower()
    if key in TABLE_SCHEMA_TYPES:
        return TABLE_SCHEMA_TYPES[key]
    # pandas/PostgreSQL decorations: datetime64[ns, UTC], numeric(10,2), varchar(80), Int64
    base = re.split(r"[\[(]", key, maxsplit=1)[0].strip()
    return TABLE_SCHEMA_TYPES.get(base, "any")


def _plain(dictionary: Any) -> Any:
    """A metadata.dictionary.DataDictionary as its to_dict(); anything else unchanged."""
    if dictionary is not None and not isinstance(dictionary, Mapping | list | tuple):
        return dictionary.to_dict()
    return dictionary


def _columns(dictionary: Any) -> list[Mapping[str, Any]]:
    dictionary = _plain(dictionary)
    if dictionary is None:
        return []
    if isinstance(dictionary, Mapping):
        dictionary = dictionary.get("columns", [])
    if not isinstance(dictionary, list | tuple):
        raise DataPackageError("the data dictionary must hold a list of columns")
    columns = []
    for column in dictionary:
        if isinstance(column, str):
            column = {"name": column}
        if not isinstance(column, Mapping) or not column.get("name"):
            raise DataPackageError(f"a dictionary column has no name: {column!r}")
        columns.append(column)
    return columns


def _bound(value: Any, field_type: str, *, column: str) -> Any:
    """A minimum/maximum/enum value in the type Table Schema expects for the field."""
    if value is None:
        return None
    try:
        if field_type == "integer":
            return int(value)
        if field_type == "number":
            return value if isinstance(value, int) else float(value)
    except (TypeError, ValueError) as exc:
        raise DataPackageError(
            f"column '{column}': {value!r} is not a valid {field_type} bound or allowed value"
        ) from exc
    if field_type in ("date", "datetime", "time") and isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _description(column: Mapping[str, Any], spec_column: Any) -> str | None:
    texts = column.get("description")
    if not texts and spec_column is not None:
        texts = spec_column.description.model_dump()
    if isinstance(texts, str):
        return texts or None
    if isinstance(texts, Mapping):
        parts = [texts.get("en"), texts.get("fr")]
        return " / ".join(text for text in parts if text) or None
    return None


def table_schema_field(column: Mapping[str, Any], spec: DatasetSpec | None = None) -> dict:
    """One Table Schema field from a dictionary column (spec overrides fill the gaps)."""
    name = str(column["name"])
    override = spec.dictionary.get(name) if spec is not None else None

    def pick(key: str) -> Any:
        value = column.get(key)
        if value is None and override is not None:
            value = getattr(override, key, None)
        return value

    field_type = table_schema_type(pick("type"))
    field: dict[str, Any] = {"name": name, "type": field_type}
    description = _description(column, override)
    if description:
        field["description"] = description
    if pick("unit"):
        field["unit"] = pick("unit")
    examples = column.get("examples")
    if examples:
        field["example"] = examples[0]

    constraints: dict[str, Any] = {}
    if pick("nullable") is False:
        constraints["required"] = True
    if pick("unique") is True:
        constraints["unique"] = True
    if field_type in ("integer", "number", "date", "datetime", "time", "year"):
        for key in ("minimum", "maximum"):
            bound = _bound(pick(key), field_type, column=name)
            if bound is not None:
                constraints[key] = bound
    allowed = pick("allowed_values")
    if allowed:
        constraints["enum"] = [_bound(value, field_type, column=name) for value in allowed]
    if constraints:
        field["constraints"] = constraints
    return field


def build_table_schema(
    dictionary: Any, *, spec: DatasetSpec | None = None, columns: Any = None
) -> dict:
    """A Table Schema from a data dictionary, or from bare catalog.versions.columns."""
    source = _columns(dictionary) or _columns(columns)
    if not source:
        raise DataPackageError("no columns: give a data dictionary or the version's columns")
    schema: dict[str, Any] = {"fields": [table_schema_field(c, spec) for c in source]}
    dictionary = _plain(dictionary)
    primary_key = dictionary.get("primary_key") if isinstance(dictionary, Mapping) else None
    primary_key = primary_key or (spec.primary_key if spec is not None else None)
    if primary_key and primary_key in {field["name"] for field in schema["fields"]}:
        schema["primaryKey"] = [primary_key]
    schema["missingValues"] = [""]
    return schema


def _license(spec: DatasetSpec) -> dict:
    licence = spec.metadata.license
    if licence.uri or licence.title:
        entry = {"path": licence.uri, "title": licence.title}
        if licence.uri == OGL_CANADA_URI:
            entry["name"] = "OGL-Canada-2.0"
            entry["title"] = entry["title"] or OGL_CANADA_TITLE["en"]
        return {key: value for key, value in entry.items() if value}
    return {}


def build_datapackage(
    spec: DatasetSpec,
    version: dict,
    *,
    dictionary: Any,
    csv_path_or_url: str,
    other_files: Mapping[str, str] | None = None,
) -> dict:
    """The datapackage.json of one published version (a catalog.versions row).

    `dictionary` (a DataDictionary, its to_dict(), or a list of columns) falls back to
    `version["dictionary"]`, then to the bare `version["columns"]`.
    `csv_path_or_url` is the resource's path: relative to the package, or an URL.
    `other_files` maps each other published format (json, parquet, …) to its path or
    URL: each becomes a resource of its own, with its size and checksum from
    `version["files"]`; the CSV stays the first resource, the one with the schema.
    """
    if "version" not in version:
        raise DataPackageError(f"{spec.slug}: the version record has no 'version'")
    number = int(version["version"])
    schema = build_table_schema(
        dictionary or version.get("dictionary"), spec=spec, columns=version.get("columns")
    )
    title = spec.title.en or spec.title.fr or spec.slug
    description = spec.metadata.description
    package: dict[str, Any] = {
        "profile": PROFILE,
        "name": spec.slug,
        "id": spec.slug,
        "title": title,
        "version": f"{number}.0.0",
        "resources": [
            {
                "name": spec.slug,
                "path": csv_path_or_url,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema,
            }
        ],
    }
    if description.en or description.fr:
        package["description"] = description.en or description.fr
    translations = {
        "title": spec.title.model_dump(exclude_none=True),
        "description": description.model_dump(exclude_none=True),
    }
    package["x_translations"] = {k: v for k, v in translations.items() if v}
    keywords = spec.metadata.keywords.en + [
        k for k in spec.metadata.keywords.fr if k not in spec.metadata.keywords.en
    ]
    if keywords:
        package["keywords"] = keywords
    licence = _license(spec)
    if licence:
        package["licenses"] = [licence]
    if spec.metadata.landing_page:
        package["homepage"] = spec.metadata.landing_page
    if spec.metadata.publisher:
        package["contributors"] = [{"title": spec.metadata.publisher, "role": "publisher"}]
    published_at = version.get("published_at")
    if isinstance(published_at, datetime):
        package["created"] = published_at.isoformat()
    elif isinstance(published_at, str):
        package["created"] = published_at
    files = version.get("files") or {}
    if not isinstance(files, Mapping):
        files = {}
    _describe_file(package["resources"][0], "csv", files.get("csv"))
    for fmt, path in (other_files or {}).items():
        record = files.get(fmt)
        resource = {"name": f"{spec.slug}-{fmt}", "path": path, "profile": "data-resource",
                    "format": fmt}
        if isinstance(record, Mapping) and record.get("media_type"):
            resource["mediatype"] = record["media_type"]
        _describe_file(resource, fmt, record)
        package["resources"].append(resource)
    if other_files:
        package["profile"] = PROFILE_WITH_OTHER_FILES
    return package


def _describe_file(resource: dict[str, Any], fmt: str, record: Any) -> None:
    """Size and checksum of a catalogued file (a catalog.versions.files entry)."""
    if not isinstance(record, Mapping):
        return
    if record.get("bytes") is not None and fmt not in _NOT_BYTE_COUNTED:
        resource["bytes"] = int(record["bytes"])
    if record.get("sha256"):
        resource["hash"] = f"sha256:{record['sha256']}"
