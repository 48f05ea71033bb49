"""Dataset specs: the typed model of what a data officer declares about one dataset.

A spec is the single place a data officer describes a dataset: where it comes from, how
it is transformed and anonymized, what it promises (dictionary, metadata) and who signs
it off. Every field is typed, the anonymization policy included, so a mistake fails when
the spec is loaded, with the field named. The pipeline reads specs from its dataset
component files (`civic_assets/components/dataset.py`); the API from the catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from anonymization.policy import AnonymizationPolicy

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

    def with_variables(self, variables: Mapping[str, str]) -> Source:
        """This source with `${NAME}` in its path replaced by the variables given.

        The variables are passed in (from the pipeline's settings, e.g. CIVIC_VAR_DIR):
        this package reads no environment. A variable not given is a ValueError.
        """
        if self.path is None:
            return self
        expanded = _VARIABLE.sub(lambda m: variables.get(m.group(1), m.group(0)), self.path)
        missing = sorted(set(_VARIABLE.findall(expanded)))
        if missing:
            raise ValueError(f"path {self.path!r} names a variable that is not set: "
                             f"{', '.join(missing)}")
        return self.model_copy(update={"path": expanded})


class PointsWithin(_Strict):
    """Which area of another dataset's extract each point of this one falls in."""

    # the dataset whose extract holds the areas as WKT (a boundaries dataset)
    dataset: str
    # that extract's column naming each area, and the geometry column
    area_key: str
    geometry: str = "geometry"
    latitude: str
    longitude: str


class Geography(_Strict):
    """A spatial step between the extract and dbt: its result is the table
    `raw.<slug>__geography`, keyed by the extract's `key` column, which dbt models read
    like any extract. SQL has no projections or point-in-polygon without PostGIS, so
    this one step is Python (geopandas); the rest stays in dbt.
    """

    # the extract's column identifying each record (the table's first column)
    key: str
    # polygons: each shape's area in km², computed in an equal-area projection
    area_km2: bool = False
    geometry: str = "geometry"
    # points: the area each one falls in (a column named like the area key)
    within: PointsWithin | None = None

    @model_validator(mode="after")
    def _does_something(self) -> Geography:
        if not self.area_km2 and self.within is None:
            raise ValueError("geography: set area_km2: true, within: {...}, or both")
        return self


class AreaJoin(_Strict):
    """The areas a dataset is aggregated to: another published dataset's shapes, joined
    on this dataset's `column` = that dataset's `key`. The portal draws the dataset as a
    choropleth on the latest GeoJSON file of that dataset."""

    # the published dataset holding the areas' shapes (a geometry column, GeoJSON file)
    dataset: str
    # this dataset's column identifying each record's area
    column: str
    # that dataset's column holding the same values
    key: str
    # that dataset's column naming each area for readers; the key when unset
    label: str | None = None
    # the numeric columns a reader may colour the areas by (besides the number of
    # records); every numeric column but identifiers and codes when unset
    measures: list[str] | None = None

    @field_validator("dataset")
    @classmethod
    def _dataset_is_a_slug(cls, value: str) -> str:
        if not SLUG_PATTERN.match(value):
            raise ValueError(f"'{value}' is not a dataset slug")
        return value


class DbtBinding(_Strict):
    """The dbt model the candidate is made from: the dataset's mart. Its staging models
    are the mart's parents in the dbt project; its dbt source is `raw.<slug>`."""

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
    # whether the published table gets an index for filtering and sorting on this column;
    # unset: the default of metadata/indexing.py (key, dates and times, categoricals)
    filterable: bool | None = None


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
    chain: list[str] = Field(default_factory=lambda: list(DEFAULT_APPROVAL_CHAIN), min_length=1)
    reviewers: dict[str, list[str]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _reviewers_have_roles(self) -> Approval:
        unknown = [role for role in self.reviewers if role not in self.chain]
        if unknown:
            raise ValueError(f"reviewers: {', '.join(unknown)} is not a role of the chain "
                             f"({', '.join(self.chain)})")
        return self


class DatasetSpec(_Strict):
    slug: str
    title: Bilingual
    owners: list[str] = Field(default_factory=list)
    # None: a dataset derived in dbt from other datasets' models (an analytics mart)
    source: Source | None = None
    # further files of the same dataset, each loaded into raw.<slug>__<name>
    extracts: dict[str, Source] = Field(default_factory=dict)
    geography: Geography | None = None
    schedule: str | None = None
    dbt: DbtBinding | None = None
    primary_key: str | None = None
    metadata: DatasetMetadata = Field(default_factory=DatasetMetadata)
    # the published columns; declared before the fields whose column names it checks
    dictionary: dict[str, DictionaryColumn] = Field(default_factory=dict)
    anonymization: AnonymizationPolicy = Field(default_factory=AnonymizationPolicy)
    # the areas the records are aggregated to (a choropleth on the portal)
    areas: AreaJoin | None = None
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

    @field_validator("extracts")
    @classmethod
    def _extract_names_are_identifiers(cls, extracts: dict[str, Source]) -> dict[str, Source]:
        for name in extracts:
            if not SLUG_PATTERN.match(name) or name == "geography":
                raise ValueError(f"extract name '{name}': lowercase letters, digits and "
                                 "underscores, not 'geography'")
        return extracts

    @model_validator(mode="after")
    def _derived_datasets_have_a_mart(self) -> DatasetSpec:
        if self.source is None and self.dbt is None:
            raise ValueError("source: a dataset without a source is made by dbt: name its "
                             "mart in dbt.mart")
        if self.source is None and (self.extracts or self.geography):
            raise ValueError("extracts and geography need the dataset's source")
        return self

    @field_validator("anonymization")
    @classmethod
    def _policy_names_published_columns(cls, policy: AnonymizationPolicy,
                                        info: ValidationInfo) -> AnonymizationPolicy:
        # risk is measured on the published columns, so a misspelt quasi-identifier would
        # otherwise only surface when the first candidate is built
        for field_name in ("quasi_identifiers", "sensitive_attributes"):
            _check_declared(getattr(policy, field_name), field_name, info)
        _check_declared(policy.accepted_columns(), "accepted_quasi_identifiers", info)
        return policy

    @field_validator("areas")
    @classmethod
    def _areas_name_a_published_column(cls, areas: AreaJoin | None,
                                       info: ValidationInfo) -> AreaJoin | None:
        if areas is not None:
            _check_declared([areas.column], "column", info)
            _check_declared(areas.measures or [], "measures", info)
            if areas.dataset == info.data.get("slug"):
                raise ValueError("dataset: the areas are another dataset's shapes, not this "
                                 "dataset's own")
        return areas

    @field_validator("validation")
    @classmethod
    def _validation_names_published_columns(cls, validation: Validation,
                                            info: ValidationInfo) -> Validation:
        _check_declared(validation.key_columns, "key_columns", info)
        if validation.timestamp_column:
            _check_declared([validation.timestamp_column], "timestamp_column", info)
        return validation

    def with_variables(self, variables: Mapping[str, str]) -> DatasetSpec:
        """This spec with `${NAME}` in its source paths replaced (see Source.with_variables)."""
        return self.model_copy(update={
            "source": self.source.with_variables(variables) if self.source else None,
            "extracts": {name: source.with_variables(variables)
                         for name, source in self.extracts.items()}})


def _check_declared(columns: list[str], field_name: str, info: ValidationInfo) -> None:
    """Columns named by a field must be in the dictionary, when the spec declares one."""
    dictionary = info.data.get("dictionary") or {}
    unknown = [name for name in columns if dictionary and name not in dictionary]
    if unknown:
        raise ValueError(f"{field_name}: {', '.join(unknown)} is not a column of the spec's "
                         f"dictionary ({', '.join(dictionary)})")


# errors whose message lists what is allowed but not what was written
_SHOW_INPUT = {"literal_error", "enum", "union_tag_invalid", "union_tag_not_found"}


def _format_errors(source: str | Path, error: ValidationError) -> str:
    lines = [f"{source}: {error.error_count()} problem(s) in dataset spec"]
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "(top level)"
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] in _SHOW_INPUT:
            message += f" (got {item['input']!r})"
        lines.append(f"  - {field}: {message}")
    return "\n".join(lines)


def parse_spec(data: Any, *, source: str | Path,
               variables: Mapping[str, str] | None = None) -> DatasetSpec:
    """Validate a spec read from `source` (a file, for the messages); raise SpecError
    naming the source and every bad field.

    `variables` are what `${NAME}` in a source path may name (e.g. CIVIC_VAR_DIR).
    """
    if not isinstance(data, Mapping):
        raise SpecError(f"{source}: a dataset spec must be a mapping of fields")
    try:
        spec = DatasetSpec.model_validate(data)
    except ValidationError as exc:
        raise SpecError(_format_errors(source, exc)) from exc
    try:
        spec = spec.with_variables(variables or {})
    except ValueError as exc:
        raise SpecError(f"{source}: 1 problem(s) in dataset spec\n  - source.path: {exc}"
                        ) from exc
    spec.spec_path = str(source)
    return spec
