"""What a DCAT description is built from: published datasets, versions, distributions
and the catalogue's own description, read from catalogue records."""


from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from rdflib import Literal
from rdflib.namespace import XSD

from metadata.dcat.vocabulary import FILE_FORMATS, OGL_CANADA_URI, DcatError
from metadata.keywords import SUPPORTED_LANGUAGES, suggest_keywords
from metadata.specs import DatasetSpec


@dataclass(frozen=True)
class Distribution:
    """One published file of one version (a row of catalog.versions.files)."""

    format: str
    path: str | None = None
    byte_size: int | None = None
    sha256: str | None = None
    media_type: str | None = None

    @property
    def extension(self) -> str:
        return FILE_FORMATS.get(self.format, (None, None, self.format))[2]

    @property
    def effective_media_type(self) -> str | None:
        if self.media_type:
            return self.media_type.split(";")[0].strip()
        known = FILE_FORMATS.get(self.format)
        return known[0] if known else None


@dataclass(frozen=True)
class PublishedVersion:
    version: int
    published_at: datetime
    row_count: int | None = None
    distributions: tuple[Distribution, ...] = ()
    column_names: tuple[str, ...] = ()
    # catalog.versions.provenance: source files, dbt models, runs, code version
    provenance: Mapping[str, Any] | None = None


@dataclass
class PublishedDataset:
    """What the catalogue says about one dataset: its spec and its published versions."""

    spec: DatasetSpec
    versions: list[PublishedVersion]
    # [west, south, east, north]; from the data when the spec gives none
    bbox: list[float] | None = None
    # keywords added to the spec's, per language (see metadata/keywords.py)
    suggested_keywords: dict[str, list[str]] = field(default_factory=dict)
    # {start, end} ISO dates of the data's own time span; used when the spec gives none
    temporal: dict[str, str] | None = None

    @property
    def slug(self) -> str:
        return self.spec.slug

    @property
    def latest(self) -> PublishedVersion | None:
        return self.versions[-1] if self.versions else None

    def keywords(self, language: str) -> list[str]:
        own = list(getattr(self.spec.metadata.keywords, language, []) or [])
        return own + [k for k in self.suggested_keywords.get(language, []) if k not in own]


@dataclass
class CatalogInfo:
    """The catalogue itself: who runs it and how it describes itself."""

    title: dict[str, str]
    description: dict[str, str]
    publisher_name: str
    publisher_uri: str | None = None
    homepage: str | None = None
    contact_email: str | None = None
    license_uri: str = OGL_CANADA_URI
    languages: tuple[str, ...] = ("en", "fr")
    # the API's root; `base_url` when None
    api_endpoint: str | None = None
    api_title: dict[str, str] = field(
        default_factory=lambda: {
            "en": "Open data API",
            "fr": "API des données ouvertes",
        }
    )


def _as_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day, tzinfo=UTC)
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError as exc:
            raise DcatError(f"'{value}' is not an ISO 8601 date-time") from exc
    else:
        raise DcatError(f"published_at must be a date-time, got {value!r}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def _datetime_literal(moment: datetime) -> Literal:
    """xsd:dateTime in UTC, to the second."""
    text = moment.astimezone(UTC).replace(microsecond=0).isoformat()
    return Literal(text, datatype=XSD.dateTime)


def _column_names(columns: Any) -> tuple[str, ...]:
    if isinstance(columns, Mapping):
        columns = columns.get("columns", [])
    names = []
    for column in columns or []:
        if isinstance(column, str):
            names.append(column)
        elif isinstance(column, Mapping) and column.get("name"):
            names.append(str(column["name"]))
    return tuple(names)


def _distributions(slug: str, version: int, files: Any) -> tuple[Distribution, ...]:
    if not files:
        return ()
    if not isinstance(files, Mapping):
        raise DcatError(f"{slug} version {version}: files must map a format to a file record")
    distributions = []
    for fmt in sorted(files):
        record = files[fmt] or {}
        if not isinstance(record, Mapping):
            raise DcatError(f"{slug} version {version}: files.{fmt} must be a mapping")
        byte_size = record.get("bytes")
        distributions.append(
            Distribution(
                format=str(fmt).lower(),
                path=record.get("path"),
                byte_size=int(byte_size) if byte_size is not None else None,
                sha256=(record.get("sha256") or None),
                media_type=record.get("media_type"),
            )
        )
    return tuple(distributions)


def published_dataset_from_records(
    spec: DatasetSpec,
    versions: list[dict],
    *,
    bbox: list[float] | None = None,
    temporal: dict[str, str] | None = None,
    min_keywords: int = 3,
) -> PublishedDataset:
    """A PublishedDataset from a spec and its catalog.versions rows (any order).

    When the spec lists fewer than `min_keywords` keywords in a language, suggestions
    from the title, description and the latest version's column names fill the gap
    (0 turns this off). `bbox` and `temporal` (computed from the data) are used when the
    spec has none.
    """
    published = []
    for row in sorted(versions, key=lambda r: int(r["version"])):
        if row.get("slug") not in (None, spec.slug):
            raise DcatError(f"version row of '{row['slug']}' given for dataset '{spec.slug}'")
        number = int(row["version"])
        published.append(
            PublishedVersion(
                version=number,
                published_at=_as_datetime(row["published_at"]),
                row_count=row.get("row_count"),
                distributions=_distributions(spec.slug, number, row.get("files")),
                column_names=_column_names(row.get("columns")),
                provenance=row.get("provenance") or None,
            )
        )
    dataset = PublishedDataset(
        spec=spec, versions=published, bbox=spec.metadata.spatial_coverage.bbox or bbox,
        temporal=temporal,
    )
    columns = published[-1].column_names if published else ()
    for language in SUPPORTED_LANGUAGES:
        own = getattr(spec.metadata.keywords, language)
        missing = min_keywords - len(own)
        if missing > 0:
            dataset.suggested_keywords[language] = suggest_keywords(
                getattr(spec.title, language),
                getattr(spec.metadata.description, language),
                columns,
                language=language,
                existing=own,
                limit=missing,
            )
    return dataset
