"""Dataset specs: one YAML file per dataset, validated on load.

A spec is the single place a data officer describes a dataset: where it comes from, how
it is transformed and anonymized, what it promises (dictionary, metadata) and who signs
it off. Every Dagster asset of a dataset is generated from its spec.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,62}$")

DEFAULT_APPROVAL_CHAIN = (
    "data_owner",
    "open_data_coordinator",
    "privacy_reviewer",
    "final_approver",
)

_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class SpecError(ValueError):
    """A dataset spec is invalid; the message names the file and every bad field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Bilingual(_Strict):
    en: str | None = None
    fr: str | None = None


class BilingualList(_Strict):
    en: list[str] = Field(default_factory=list)
    fr: list[str] = Field(default_factory=list)


class ContactPoint(_Strict):
    name: str | None = None
    email: str | None = None


class License(_Strict):
    title: str | None = None
    uri: str | None = None


class SpatialCoverage(_Strict):
    name: str | None = None
    uri: str | None = None
    # west, south, east, north in EPSG:4326; computed from the data when absent
    bbox: list[float] | None = None


class TemporalCoverage(_Strict):
    start: str | None = None
    end: str | None = None


class DatasetMetadata(_Strict):
    """Descriptive metadata that becomes DCAT (see metadata/dcat.py)."""

    description: Bilingual = Field(default_factory=Bilingual)
    keywords: BilingualList = Field(default_factory=BilingualList)
    publisher: str | None = None
    contact_point: ContactPoint = Field(default_factory=ContactPoint)
    license: License = Field(default_factory=License)
    update_frequency: str | None = None
    temporal_coverage: TemporalCoverage = Field(default_factory=TemporalCoverage)
    spatial_coverage: SpatialCoverage = Field(default_factory=SpatialCoverage)
    themes: list[str] = Field(default_factory=list)
    quality_notes: Bilingual = Field(default_factory=Bilingual)
    landing_page: str | None = None
    completeness_threshold: float = Field(default=0.9, ge=0, le=1)
    # DCAT-AP extras (optional): an IRI identifying the publisher as a foaf:Agent, and
    # the languages of the data itself (dct:language; ISO 639-1 codes)
    publisher_uri: str | None = None
    languages: list[str] = Field(default_factory=lambda: ["en", "fr"])


class Source(_Strict):
    """Where the raw extract comes from.

    type: file (a path or glob), file_drop (a folder watched by a sensor), sql (a query
    against any SQLAlchemy URL) or rest (a JSON endpoint with pagination).
    """

    type: Literal["file", "file_drop", "sql", "rest"]
    format: Literal["csv", "xlsx", "json", "jsonl", "xml", "geojson", "shapefile"] | None = None
    path: str | None = None
    # format options: delimiter, encoding, sheet, records_path, record_element, ...
    options: dict[str, Any] = Field(default_factory=dict)
    # sql: the query and the name of a stored (encrypted) credential holding the URL
    query: str | None = None
    credential: str | None = None
    url: str | None = None
    pagination: dict[str, Any] = Field(default_factory=dict)
    max_bytes: int | None = None

    @field_validator("path")
    @classmethod
    def _expand_variables(cls, value: str | None, info: ValidationInfo) -> str | None:
        """`${CIVIC_VAR_DIR}` and the other variables the loader was given, in paths.

        The variables are passed in (`load_spec(..., variables=...)`, from the pipeline's
        settings): this package reads no environment.
        """
        if value is None:
            return None
        variables = (info.context or {}).get("variables", {})
        expanded = _VARIABLE.sub(lambda m: variables.get(m.group(1), m.group(0)), value)
        if _VARIABLE.search(expanded):
            raise ValueError(f"path {value!r} names a variable that is not set: "
                             f"{', '.join(sorted(set(_VARIABLE.findall(expanded))))}")
        return expanded


class DbtBinding(_Strict):
    """The dbt models between raw and review for this dataset."""

    source_name: str
    mart: str


class DictionaryColumn(_Strict):
    """Overrides for one column of the inferred data dictionary."""

    type: str | None = None
    description: Bilingual = Field(default_factory=Bilingual)
    unit: str | None = None
    allowed_values: list[Any] | None = None
    minimum: float | None = None
    maximum: float | None = None
    nullable: bool | None = None
    unique: bool | None = None


class ConsistencyRule(_Strict):
    name: str
    # a pandas expression over columns that must hold for every row where it applies
    expression: str
    description: str | None = None
    where: str | None = None


class Validation(_Strict):
    record_count_change_threshold: float = Field(default=0.2, ge=0)
    key_columns: list[str] = Field(default_factory=list)
    consistency: list[ConsistencyRule] = Field(default_factory=list)
    # the column holding each record's timestamp, for timeliness
    timestamp_column: str | None = None


class Approval(_Strict):
    chain: list[str] = Field(default_factory=lambda: list(DEFAULT_APPROVAL_CHAIN))
    reviewers: dict[str, list[str]] = Field(default_factory=dict)


class DatasetSpec(_Strict):
    slug: str
    title: Bilingual
    owners: list[str] = Field(default_factory=list)
    source: Source
    schedule: str | None = None
    dbt: DbtBinding | None = None
    primary_key: str | None = None
    metadata: DatasetMetadata = Field(default_factory=DatasetMetadata)
    # the anonymization policy, validated by anonymization.policy when applied
    anonymization: dict[str, Any] = Field(default_factory=dict)
    dictionary: dict[str, DictionaryColumn] = Field(default_factory=dict)
    validation: Validation = Field(default_factory=Validation)
    approval: Approval = Field(default_factory=Approval)
    spec_path: str | None = Field(default=None, exclude=True)

    @field_validator("slug")
    @classmethod
    def _slug_is_identifier(cls, value: str) -> str:
        if not SLUG_PATTERN.match(value):
            raise ValueError(
                "slug must start with a lowercase letter and hold only lowercase letters, "
                "digits and underscores (2-63 characters)"
            )
        return value


def _format_errors(path: Path, error: ValidationError) -> str:
    lines = [f"{path}: {error.error_count()} problem(s) in dataset spec"]
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "(top level)"
        lines.append(f"  - {field}: {item['msg']}")
    return "\n".join(lines)


def load_spec(path: str | Path, *, variables: Mapping[str, str] | None = None) -> DatasetSpec:
    """Load and validate one spec file; raise SpecError naming the file and fields.

    `variables` are what `${NAME}` in a source path may name (e.g. CIVIC_VAR_DIR)."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SpecError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise SpecError(f"{path}: a dataset spec must be a mapping of fields")
    try:
        spec = DatasetSpec.model_validate(data, context={"variables": dict(variables or {})})
    except ValidationError as exc:
        raise SpecError(_format_errors(path, exc)) from exc
    if spec.slug != path.stem:
        raise SpecError(f"{path}: slug '{spec.slug}' must match the file name '{path.stem}'")
    spec.spec_path = str(path)
    return spec


def load_specs(folder: str | Path, *,
               variables: Mapping[str, str] | None = None) -> list[DatasetSpec]:
    """Load every `*.yaml` spec in a folder; report all broken files at once."""
    specs, problems = [], []
    for path in sorted(Path(folder).glob("*.yaml")):
        try:
            specs.append(load_spec(path, variables=variables))
        except SpecError as exc:
            problems.append(str(exc))
    if problems:
        raise SpecError("\n".join(problems))
    return specs
