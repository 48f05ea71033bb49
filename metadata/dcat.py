"""DCAT-AP 3.0.1 metadata for the catalogue, built with rdflib, checked with pyshacl.

What harvesters get (one graph for the whole catalogue, or one per dataset):

- `{base}/catalog` — a dcat:Catalog listing every published dataset and the API as a
  dcat:DataService (`dcat:endpointURL`, `dcat:endpointDescription` =
  `{base}/openapi.json`, `dcat:servesDataset`).
- `{base}/datasets/{slug}` — a dcat:Dataset that always describes the current data. Its
  distributions (one per published format) point at the persistent
  `{base}/datasets/{slug}/latest/data.{ext}` URLs. It links every published version
  with `dcat:hasVersion`, the newest with `dcat:hasCurrentVersion`.
- `{base}/datasets/{slug}/versions/{n}` — one dcat:Dataset per immutable version
  (`dcat:isVersionOf` the dataset, `dcat:version` "n", `dcat:previousVersion` the one
  before), whose distributions point at `{base}/datasets/{slug}/versions/{n}/data.{ext}`
  and carry the byte size and an spdx:Checksum (sha256) of that exact file.

DCAT-AP choices: titles, descriptions and keywords are language-tagged (en, fr); the
publisher is a foaf:Agent with foaf:name; the contact point a vcard:Kind with
vcard:hasEmail <mailto:…>; licences are dct:LicenseDocument (default: Open Government
Licence – Canada); frequencies, file types, languages and themes come from the EU
Publications Office authority tables; media types are IANA URIs; dates are xsd:dateTime
(issued, modified) or xsd:date (temporal coverage); the spatial coverage is a
dct:Location with a dcat:bbox typed gsp:wktLiteral.

Controlled-vocabulary resources (media types, frequencies, licences, themes…) are typed
in the graph itself (`<…/text/csv> a dct:MediaType`): the DCAT-AP shapes check ranges
with sh:class, and a harvester validating what it fetched has only what we sent it.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SH, SKOS, XSD

from metadata.keywords import SUPPORTED_LANGUAGES, suggest_keywords
from metadata.spatial import bbox_to_wkt
from metadata.specs import DatasetSpec

# rdflib's DCAT namespace is DCAT 2 and warns on DCAT 3 terms (hasVersion, version…)
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
ADMS = Namespace("http://www.w3.org/ns/adms#")

EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
EU_FREQUENCY = Namespace(EU_AUTHORITY + "frequency/")
EU_FILE_TYPE = Namespace(EU_AUTHORITY + "file-type/")
EU_LANGUAGE = Namespace(EU_AUTHORITY + "language/")
EU_DATA_THEME = Namespace(EU_AUTHORITY + "data-theme/")
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"

OGL_CANADA_URI = "https://open.canada.ca/en/open-government-licence-canada"
OGL_CANADA_TITLE = {
    "en": "Open Government Licence - Canada",
    "fr": "Licence du gouvernement ouvert - Canada",
}

PREFIXES = {
    "dcat": DCAT,
    "dct": DCTERMS,
    "foaf": FOAF,
    "vcard": VCARD,
    "spdx": SPDX,
    "gsp": GSP,
    "locn": LOCN,
    "adms": ADMS,
    "skos": SKOS,
    "xsd": XSD,
    "rdfs": RDFS,
}

# update_frequency in a spec (lower case, spaces/dashes as underscores) → EU frequency
FREQUENCIES = {
    "continuous": "UPDATE_CONT",
    "cont": "UPDATE_CONT",
    "realtime": "UPDATE_CONT",
    "real_time": "UPDATE_CONT",
    "hourly": "HOURLY",
    "daily": "DAILY",
    "weekdays": "DAILY",
    "weekly": "WEEKLY",
    "biweekly": "BIWEEKLY",
    "fortnightly": "BIWEEKLY",
    "monthly": "MONTHLY",
    "bimonthly": "BIMONTHLY",
    "quarterly": "QUARTERLY",
    "semiannual": "ANNUAL_2",
    "semi_annual": "ANNUAL_2",
    "biannual": "ANNUAL_2",
    "annual": "ANNUAL",
    "annually": "ANNUAL",
    "yearly": "ANNUAL",
    "biennial": "BIENNIAL",
    "irregular": "IRREG",
    "as_needed": "IRREG",
    "never": "NEVER",
    "unknown": "UNKNOWN",
    "other": "OTHER",
}

# format name in catalog.versions.files → (default media type, EU file type, extension)
FILE_FORMATS = {
    "csv": ("text/csv", "CSV", "csv"),
    "json": ("application/json", "JSON", "json"),
    "xml": ("application/xml", "XML", "xml"),
    "geojson": ("application/geo+json", "GEOJSON", "geojson"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX", "xlsx"),
}

# EU data themes with their English and French labels
EU_THEMES = {
    "AGRI": (
        "Agriculture, fisheries, forestry and food",
        "Agriculture, pêche, sylviculture et alimentation",
    ),
    "ECON": ("Economy and finance", "Économie et finances"),
    "EDUC": ("Education, culture and sport", "Éducation, culture et sport"),
    "ENER": ("Energy", "Énergie"),
    "ENVI": ("Environment", "Environnement"),
    "GOVE": ("Government and public sector", "Gouvernement et secteur public"),
    "HEAL": ("Health", "Santé"),
    "INTR": ("International issues", "Questions internationales"),
    "JUST": (
        "Justice, legal system and public safety",
        "Justice, système juridique et sécurité publique",
    ),
    "OP_DATPRO": ("Provisional data", "Données provisoires"),
    "REGI": ("Regions and cities", "Régions et villes"),
    "SOCI": ("Population and society", "Population et société"),
    "TECH": ("Science and technology", "Science et technologie"),
    "TRAN": ("Transport", "Transports"),
}
THEME_ALIASES = {
    "agriculture": "AGRI",
    "food": "AGRI",
    "economy": "ECON",
    "finance": "ECON",
    "budget": "ECON",
    "business": "ECON",
    "education": "EDUC",
    "culture": "EDUC",
    "sport": "EDUC",
    "recreation": "EDUC",
    "energy": "ENER",
    "environment": "ENVI",
    "environnement": "ENVI",
    "climate": "ENVI",
    "government": "GOVE",
    "public sector": "GOVE",
    "health": "HEAL",
    "santé": "HEAL",
    "sante": "HEAL",
    "justice": "JUST",
    "public safety": "JUST",
    "safety": "JUST",
    "sécurité": "JUST",
    "regions": "REGI",
    "cities": "REGI",
    "urban planning": "REGI",
    "housing": "REGI",
    "population": "SOCI",
    "society": "SOCI",
    "demographics": "SOCI",
    "science": "TECH",
    "technology": "TECH",
    "transport": "TRAN",
    "transportation": "TRAN",
    "transports": "TRAN",
    "traffic": "TRAN",
}

LANGUAGE_CODES = {"en": "ENG", "fr": "FRA"}

DEFAULT_SHAPES_NAME = "3.0.1_dcat-ap-SHACL.ttl"
SHAPES_ENV = "CIVIC_DCAT_SHAPES"


class DcatError(ValueError):
    """Published records cannot be turned into DCAT; the message says which record."""


class ShapesNotFoundError(FileNotFoundError):
    """The official DCAT-AP SHACL shapes are not where we look for them."""


# ---------------------------------------------------------------------------- inputs


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
        moment = datetime(value.year, value.month, value.day)
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


# ---------------------------------------------------------------------------- URLs


def _base(base_url: str) -> str:
    return base_url.rstrip("/")


def catalog_uri(base_url: str) -> URIRef:
    return URIRef(f"{_base(base_url)}/catalog")


def dataset_uri(base_url: str, slug: str) -> URIRef:
    return URIRef(f"{_base(base_url)}/datasets/{slug}")


def version_uri(base_url: str, slug: str, version: int) -> URIRef:
    return URIRef(f"{_base(base_url)}/datasets/{slug}/versions/{version}")


def download_url(base_url: str, slug: str, extension: str, version: int | None = None) -> str:
    """The persistent download URL of a file: of one version, or of the latest."""
    where = f"versions/{version}" if version is not None else "latest"
    return f"{_base(base_url)}/datasets/{slug}/{where}/data.{extension}"


def data_service_uri(base_url: str) -> URIRef:
    return URIRef(f"{_base(base_url)}/catalog#api")


# ---------------------------------------------------------------------------- graph


def _new_graph() -> Graph:
    graph = Graph(bind_namespaces="core")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def _add_texts(graph: Graph, subject: Any, predicate: URIRef, texts: Mapping[str, Any]) -> None:
    for language in SUPPORTED_LANGUAGES:
        text = texts.get(language)
        if text and str(text).strip():
            graph.add((subject, predicate, Literal(str(text).strip(), lang=language)))


def _bilingual(model: Any) -> dict[str, str | None]:
    return {language: getattr(model, language, None) for language in SUPPORTED_LANGUAGES}


def _datetime_literal(moment: datetime) -> Literal:
    text = moment.astimezone(UTC).replace(microsecond=0).isoformat()
    return Literal(text, datatype=XSD.dateTime)


def _date_literal(text: str) -> Literal:
    """xsd:date for `2020-01-31`, xsd:dateTime for a full timestamp, gYear for `2020`."""
    text = text.strip()
    if re.fullmatch(r"\d{4}", text):
        return Literal(text, datatype=XSD.gYear)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return Literal(text, datatype=XSD.date)
    try:
        return _datetime_literal(_as_datetime(text))
    except (ValueError, DcatError) as exc:
        raise DcatError(f"temporal coverage date '{text}' is not an ISO 8601 date") from exc


def _typed(graph: Graph, resource: URIRef, rdf_type: URIRef) -> URIRef:
    graph.add((resource, RDF.type, rdf_type))
    return resource


def _agent(graph: Graph, name: str, uri: str | None, base_url: str) -> URIRef:
    if uri:
        agent = URIRef(uri)
    else:
        token = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "publisher"
        agent = URIRef(f"{_base(base_url)}/catalog#agent-{token}")
    graph.add((agent, RDF.type, FOAF.Agent))
    graph.add((agent, FOAF.name, Literal(name)))
    return agent


def _license(graph: Graph, uri: str | None, title: str | None) -> URIRef | BNode | None:
    if not uri and not title:
        return None
    document: URIRef | BNode = URIRef(uri) if uri else BNode()
    graph.add((document, RDF.type, DCTERMS.LicenseDocument))
    if title:
        graph.add((document, DCTERMS.title, Literal(title)))
    elif uri == OGL_CANADA_URI:
        _add_texts(graph, document, DCTERMS.title, OGL_CANADA_TITLE)
    return document


def _languages(graph: Graph, subject: Any, languages: Iterable[str]) -> None:
    for language in languages:
        code = LANGUAGE_CODES.get(language.lower(), language.upper())
        graph.add(
            (subject, DCTERMS.language, _typed(graph, EU_LANGUAGE[code], DCTERMS.LinguisticSystem))
        )


def frequency_uri(update_frequency: str | None) -> URIRef | None:
    """The EU frequency concept for a spec's update_frequency (a word, code or URI)."""
    if not update_frequency:
        return None
    text = update_frequency.strip()
    if text.startswith(("http://", "https://")):
        return URIRef(text)
    key = re.sub(r"[\s-]+", "_", text.lower())
    if key in FREQUENCIES:
        return EU_FREQUENCY[FREQUENCIES[key]]
    if text.upper() in FREQUENCIES.values():
        return EU_FREQUENCY[text.upper()]
    raise DcatError(
        f"update_frequency '{update_frequency}' is not known; use one of "
        f"{', '.join(sorted(FREQUENCIES))} or an EU frequency URI"
    )


def _theme(graph: Graph, theme: str, base_url: str) -> URIRef:
    text = theme.strip()
    if text.startswith(("http://", "https://")):
        concept = URIRef(text)
        code = text.rsplit("/", 1)[-1] if text.startswith(str(EU_DATA_THEME)) else None
    else:
        code = text.upper() if text.upper() in EU_THEMES else THEME_ALIASES.get(text.lower())
        if code:
            concept = EU_DATA_THEME[code]
        else:
            token = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
            concept = URIRef(f"{_base(base_url)}/themes/{token}")
    graph.add((concept, RDF.type, SKOS.Concept))
    if code in EU_THEMES:
        english, french = EU_THEMES[code]
        _add_texts(graph, concept, SKOS.prefLabel, {"en": english, "fr": french})
        graph.add((concept, SKOS.inScheme, URIRef(str(EU_DATA_THEME).rstrip("/"))))
    else:
        graph.add((concept, SKOS.prefLabel, Literal(text)))
    return concept


def _contact_point(graph: Graph, subject: Any, name: str | None, email: str | None) -> None:
    if not name and not email:
        return
    kind = BNode()
    graph.add((kind, RDF.type, VCARD.Kind))
    graph.add((subject, DCAT.contactPoint, kind))
    if name:
        graph.add((kind, VCARD.fn, Literal(name)))
    if email:
        address = email if email.startswith("mailto:") else f"mailto:{email}"
        graph.add((kind, VCARD.hasEmail, URIRef(address)))


def _temporal(graph: Graph, subject: Any, start: str | None, end: str | None) -> None:
    if not start and not end:
        return
    period = BNode()
    graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
    graph.add((subject, DCTERMS.temporal, period))
    if start:
        graph.add((period, DCAT.startDate, _date_literal(start)))
    if end:
        graph.add((period, DCAT.endDate, _date_literal(end)))


def _spatial(graph: Graph, subject: Any, dataset: PublishedDataset) -> None:
    coverage = dataset.spec.metadata.spatial_coverage
    bbox = coverage.bbox or dataset.bbox
    if not (coverage.uri or coverage.name or bbox):
        return
    location: URIRef | BNode = URIRef(coverage.uri) if coverage.uri else BNode()
    graph.add((location, RDF.type, DCTERMS.Location))
    graph.add((subject, DCTERMS.spatial, location))
    if coverage.name:
        graph.add((location, SKOS.prefLabel, Literal(coverage.name)))
    if bbox:
        if len(bbox) != 4:
            raise DcatError(f"{dataset.slug}: bbox must be [west, south, east, north]")
        graph.add((location, DCAT.bbox, Literal(bbox_to_wkt(bbox), datatype=GSP.wktLiteral)))


def _distribution(
    graph: Graph,
    *,
    subject: URIRef,
    dist: Distribution,
    url: str,
    title: Mapping[str, str | None],
    license_node: Any,
    issued: datetime,
    service: URIRef,
) -> URIRef:
    node = URIRef(f"{subject}#distribution-{dist.format}")
    graph.add((subject, DCAT.distribution, node))
    graph.add((node, RDF.type, DCAT.Distribution))
    for language, text in title.items():
        if text:
            graph.add(
                (node, DCTERMS.title, Literal(f"{text} ({dist.format.upper()})", lang=language))
            )
    graph.add((node, DCAT.accessURL, URIRef(url)))
    graph.add((node, DCAT.downloadURL, URIRef(url)))
    graph.add((node, DCAT.accessService, service))
    graph.add((node, DCTERMS.issued, _datetime_literal(issued)))
    media_type = dist.effective_media_type
    if media_type:
        graph.add(
            (
                node,
                DCAT.mediaType,
                _typed(graph, URIRef(IANA_MEDIA_TYPES + media_type), DCTERMS.MediaType),
            )
        )
    if dist.format in FILE_FORMATS:
        file_type = EU_FILE_TYPE[FILE_FORMATS[dist.format][1]]
        graph.add((node, DCTERMS.format, _typed(graph, file_type, DCTERMS.MediaTypeOrExtent)))
    if dist.byte_size is not None:
        graph.add((node, DCAT.byteSize, Literal(dist.byte_size, datatype=XSD.nonNegativeInteger)))
    if dist.sha256:
        checksum = BNode()
        graph.add((node, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        algorithm = _typed(graph, SPDX.checksumAlgorithm_sha256, SPDX.ChecksumAlgorithm)
        graph.add((checksum, SPDX.algorithm, algorithm))
        graph.add(
            (checksum, SPDX.checksumValue, Literal(dist.sha256.lower(), datatype=XSD.hexBinary))
        )
    if license_node is not None:
        graph.add((node, DCTERMS.license, license_node))
    return node


def _describe(graph: Graph, subject: URIRef, dataset: PublishedDataset, base_url: str) -> None:
    """The descriptive metadata shared by a dataset and each of its versions."""
    spec, meta = dataset.spec, dataset.spec.metadata
    graph.add((subject, RDF.type, DCAT.Dataset))
    _add_texts(graph, subject, DCTERMS.title, _bilingual(spec.title))
    _add_texts(graph, subject, DCTERMS.description, _bilingual(meta.description))
    for language in SUPPORTED_LANGUAGES:
        for keyword in dataset.keywords(language):
            graph.add((subject, DCAT.keyword, Literal(keyword, lang=language)))
    if meta.publisher:
        graph.add(
            (
                subject,
                DCTERMS.publisher,
                _agent(graph, meta.publisher, meta.publisher_uri, base_url),
            )
        )
    _contact_point(graph, subject, meta.contact_point.name, meta.contact_point.email)
    frequency = frequency_uri(meta.update_frequency)
    if frequency is not None:
        graph.add(
            (subject, DCTERMS.accrualPeriodicity, _typed(graph, frequency, DCTERMS.Frequency))
        )
    if meta.temporal_coverage.start:
        _temporal(graph, subject, meta.temporal_coverage.start, meta.temporal_coverage.end)
    elif dataset.temporal:
        _temporal(graph, subject, dataset.temporal.get("start"), dataset.temporal.get("end"))
    _spatial(graph, subject, dataset)
    for theme in meta.themes:
        graph.add((subject, DCAT.theme, _theme(graph, theme, base_url)))
    if meta.landing_page:
        page = _typed(graph, URIRef(meta.landing_page), FOAF.Document)
        graph.add((subject, DCAT.landingPage, page))
    _languages(graph, subject, meta.languages)


def _add_dataset(
    graph: Graph,
    dataset: PublishedDataset,
    *,
    base_url: str,
    service: URIRef,
    include_versions: bool = True,
) -> URIRef:
    if not dataset.versions:
        raise DcatError(f"dataset '{dataset.slug}' has no published version")
    meta = dataset.spec.metadata
    title = _bilingual(dataset.spec.title)
    subject = dataset_uri(base_url, dataset.slug)
    license_node = _license(graph, meta.license.uri, meta.license.title)
    _describe(graph, subject, dataset, base_url)
    graph.add((subject, DCTERMS.identifier, Literal(str(subject))))
    first, latest = dataset.versions[0], dataset.versions[-1]
    graph.add((subject, DCTERMS.issued, _datetime_literal(first.published_at)))
    graph.add((subject, DCTERMS.modified, _datetime_literal(latest.published_at)))
    for dist in latest.distributions:
        _distribution(
            graph,
            subject=subject,
            dist=dist,
            url=download_url(base_url, dataset.slug, dist.extension),
            title=title,
            license_node=license_node,
            issued=latest.published_at,
            service=service,
        )
    graph.add((service, DCAT.servesDataset, subject))
    if not include_versions:
        graph.add((subject, DCAT.version, Literal(str(latest.version))))
        return subject

    previous = None
    for version in dataset.versions:
        node = version_uri(base_url, dataset.slug, version.version)
        _describe(graph, node, dataset, base_url)
        graph.add((node, DCTERMS.identifier, Literal(str(node))))
        graph.add((node, DCAT.version, Literal(str(version.version))))
        graph.add((node, DCAT.isVersionOf, subject))
        graph.add((subject, DCAT.hasVersion, node))
        graph.add((node, DCTERMS.issued, _datetime_literal(version.published_at)))
        graph.add((node, DCTERMS.modified, _datetime_literal(version.published_at)))
        if previous is not None:
            graph.add((node, DCAT.previousVersion, previous))
        for dist in version.distributions:
            _distribution(
                graph,
                subject=node,
                dist=dist,
                url=download_url(base_url, dataset.slug, dist.extension, version.version),
                title=title,
                license_node=license_node,
                issued=version.published_at,
                service=service,
            )
        previous = node
    graph.add(
        (subject, DCAT.hasCurrentVersion, version_uri(base_url, dataset.slug, latest.version))
    )
    return subject


def _add_data_service(graph: Graph, catalog: CatalogInfo, base_url: str) -> URIRef:
    service = data_service_uri(base_url)
    graph.add((service, RDF.type, DCAT.DataService))
    _add_texts(graph, service, DCTERMS.title, catalog.api_title)
    endpoint = catalog.api_endpoint or _base(base_url)
    graph.add((service, DCAT.endpointURL, URIRef(endpoint)))
    graph.add((service, DCAT.endpointDescription, URIRef(f"{_base(base_url)}/openapi.json")))
    graph.add(
        (
            service,
            DCTERMS.publisher,
            _agent(graph, catalog.publisher_name, catalog.publisher_uri, base_url),
        )
    )
    license_node = _license(graph, catalog.license_uri, None)
    if license_node is not None:
        graph.add((service, DCTERMS.license, license_node))
    _contact_point(graph, service, None, catalog.contact_email)
    return service


def build_catalog_graph(
    catalog: CatalogInfo,
    datasets: list[PublishedDataset],
    *,
    base_url: str,
    include_versions: bool = True,
) -> Graph:
    """The whole catalogue as DCAT-AP 3.0.1: catalogue, datasets, versions, API.

    Each version is itself a dcat:Dataset (DCAT 3 versioning); some harvesters (CKAN's
    ckanext-dcat) import every dcat:Dataset they find, so `include_versions=False` gives
    the current datasets only, each with `dcat:version` of its latest version.
    """
    graph = _new_graph()
    node = catalog_uri(base_url)
    graph.add((node, RDF.type, DCAT.Catalog))
    _add_texts(graph, node, DCTERMS.title, catalog.title)
    _add_texts(graph, node, DCTERMS.description, catalog.description)
    graph.add(
        (
            node,
            DCTERMS.publisher,
            _agent(graph, catalog.publisher_name, catalog.publisher_uri, base_url),
        )
    )
    if catalog.homepage:
        graph.add((node, FOAF.homepage, _typed(graph, URIRef(catalog.homepage), FOAF.Document)))
    license_node = _license(graph, catalog.license_uri, None)
    if license_node is not None:
        graph.add((node, DCTERMS.license, license_node))
    _languages(graph, node, catalog.languages)
    theme_scheme = URIRef(str(EU_DATA_THEME).rstrip("/"))
    graph.add((node, DCAT.themeTaxonomy, _typed(graph, theme_scheme, SKOS.ConceptScheme)))
    graph.add((theme_scheme, DCTERMS.title, Literal("Data theme", lang="en")))

    service = _add_data_service(graph, catalog, base_url)
    graph.add((node, DCAT.service, service))
    modified = None
    for dataset in sorted(datasets, key=lambda d: d.slug):
        graph.add(
            (
                node,
                DCAT.dataset,
                _add_dataset(
                    graph,
                    dataset,
                    base_url=base_url,
                    service=service,
                    include_versions=include_versions,
                ),
            )
        )
        moment = dataset.latest.published_at
        modified = moment if modified is None or moment > modified else modified
    if modified is not None:
        graph.add((node, DCTERMS.modified, _datetime_literal(modified)))
    return graph


def dataset_graph(
    catalog: CatalogInfo,
    dataset: PublishedDataset,
    *,
    base_url: str,
    include_versions: bool = True,
) -> Graph:
    """One dataset (with its versions, distributions and the API serving it)."""
    graph = _new_graph()
    service = _add_data_service(graph, catalog, base_url)
    _add_dataset(
        graph, dataset, base_url=base_url, service=service, include_versions=include_versions
    )
    return graph


# ---------------------------------------------------------------------------- formats


@dataclass(frozen=True)
class RdfFormat:
    name: str  # our name, used by serialize()
    rdflib_format: str
    media_type: str
    extension: str


RDF_FORMATS = {
    "turtle": RdfFormat("turtle", "turtle", "text/turtle", "ttl"),
    "json-ld": RdfFormat("json-ld", "json-ld", "application/ld+json", "jsonld"),
    "rdf/xml": RdfFormat("rdf/xml", "xml", "application/rdf+xml", "rdf"),
}
_FORMAT_ALIASES = {
    "turtle": "turtle",
    "ttl": "turtle",
    "json-ld": "json-ld",
    "jsonld": "json-ld",
    "rdf/xml": "rdf/xml",
    "rdfxml": "rdf/xml",
    "xml": "rdf/xml",
    "rdf": "rdf/xml",
    "rdf+xml": "rdf/xml",
}
# media types a client may ask for, most specific first; application/json is JSON-LD
_MEDIA_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/json": "json-ld",
    "application/rdf+xml": "rdf/xml",
    "application/xml": "rdf/xml",
    "text/xml": "rdf/xml",
    "application/x-turtle": "turtle",
}
DEFAULT_FORMAT = "turtle"


def rdf_format(fmt: str) -> RdfFormat:
    """The RdfFormat for a name or file extension (`ttl`, `jsonld`, `rdf`, `rdf/xml`…)."""
    name = _FORMAT_ALIASES.get(fmt.lower().lstrip("."))
    if name is None:
        raise ValueError(f"unknown RDF format '{fmt}'; use turtle, json-ld or rdf/xml")
    return RDF_FORMATS[name]


def jsonld_context() -> dict[str, str]:
    """The JSON-LD context of our documents: the prefixes we use."""
    return {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


def serialize(graph: Graph, fmt: str) -> str:
    """The graph as Turtle, compact JSON-LD (with an inline context) or RDF/XML."""
    target = rdf_format(fmt)
    if target.name == "json-ld":
        return graph.serialize(format="json-ld", context=jsonld_context(), auto_compact=True)
    return graph.serialize(format=target.rdflib_format)


def _parse_accept(accept_header: str) -> list[tuple[str, float, int]]:
    ranges = []
    for position, item in enumerate(accept_header.split(",")):
        parts = [part.strip() for part in item.split(";")]
        media_range = parts[0].lower()
        if not media_range:
            continue
        quality = 1.0
        for parameter in parts[1:]:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append((media_range, quality, position))
    return ranges


def negotiate_format(accept_header: str | None) -> tuple[str, str]:
    """(format name, media type) for an Accept header; Turtle when nothing we serve fits.

    The highest q-value wins; among equals, an exact media type beats `type/*`, which
    beats `*/*`, then the order in the header. q=0 refuses a type.
    """
    best: tuple[float, int, int, str] | None = None
    refused = set()
    for media_range, quality, position in _parse_accept(accept_header or ""):
        if media_range in _MEDIA_TYPES and quality == 0:
            refused.add(_MEDIA_TYPES[media_range])
    for media_range, quality, position in _parse_accept(accept_header or ""):
        if quality <= 0:
            continue
        if media_range in _MEDIA_TYPES:
            candidates, specificity = [_MEDIA_TYPES[media_range]], 2
        elif media_range.endswith("/*"):
            prefix = media_range[:-1]
            candidates = [name for mt, name in _MEDIA_TYPES.items() if mt.startswith(prefix)]
            if media_range == "*/*":
                candidates = [DEFAULT_FORMAT, "json-ld", "rdf/xml"]
            specificity = 0 if media_range == "*/*" else 1
        else:
            continue
        candidates = [name for name in candidates if name not in refused]
        if not candidates:
            continue
        key = (quality, specificity, -position, candidates[0])
        if best is None or key[:3] > best[:3]:
            best = key
    name = best[3] if best else DEFAULT_FORMAT
    return name, RDF_FORMATS[name].media_type


# ---------------------------------------------------------------------------- SHACL


def shapes_path() -> Path:
    """Where the DCAT-AP 3.0.1 shapes are: $CIVIC_DCAT_SHAPES or ../shared/data/dcat-ap/."""
    configured = os.environ.get(SHAPES_ENV)
    if configured:
        path = Path(configured)
    else:
        project_root = Path(__file__).resolve().parent.parent
        path = project_root.parent / "shared" / "data" / "dcat-ap" / DEFAULT_SHAPES_NAME
    if not path.is_file():
        raise ShapesNotFoundError(
            f"DCAT-AP SHACL shapes not found at {path}; set {SHAPES_ENV} to the path of "
            f"{DEFAULT_SHAPES_NAME} (SEMICeu/DCAT-AP releases/3.0.1/shacl/dcat-ap-SHACL.ttl)"
        )
    return path


def _ranges_path(shapes: Path) -> Path:
    """The release's ranges.ttl beside its shapes (`3.0.1_ranges.ttl` or `ranges.ttl`)."""
    name = shapes.name.replace("dcat-ap-SHACL.ttl", "ranges.ttl")
    return shapes.with_name(name if name != shapes.name else "ranges.ttl")


@functools.lru_cache(maxsize=4)
def _load_shapes(path: str, modified: float) -> tuple[Graph, tuple[str, ...]]:
    """The shapes graph, made whole: (graph, references dropped as defined nowhere).

    The 3.0.1 release splits its shapes in two: dcat-ap-SHACL.ttl references two property
    shapes (dcat:endpointURL and dcat:endpointDescription of a DataService) defined only
    in ranges.ttl, and ranges.ttl references five defined in neither. pyshacl refuses a
    referenced shape it cannot find, so we load both files and drop the dangling five.
    """
    shapes = Graph().parse(path, format="turtle")
    ranges = _ranges_path(Path(path))
    if ranges.is_file():
        shapes.parse(ranges, format="turtle")
    dropped = []
    for node_shape, property_shape in list(shapes.subject_objects(SH.property)):
        if shapes.value(property_shape, SH.path) is None:
            shapes.remove((node_shape, SH.property, property_shape))
            dropped.append(str(property_shape))
    return shapes, tuple(sorted(set(dropped)))


def _resource_axioms(graph: Graph) -> Graph:
    """`<iri> a rdfs:Resource` for every IRI object of the graph (RDFS axiom rdfs4b).

    DCAT-AP 3.0.1 gives dcat:endpointURL and dcat:endpointDescription the range
    rdfs:Resource, checked with sh:class: true of every IRI under RDFS semantics, but
    pyshacl only sees it when stated. This is the one entailment the shapes need; full
    RDFS inference would add thousands of triples for nothing.
    """
    axioms = Graph()
    for obj in set(graph.objects()):
        if isinstance(obj, URIRef):
            axioms.add((obj, RDF.type, RDFS.Resource))
    return axioms


def validate_dcat(graph: Graph, *, shapes: str | Path | None = None) -> tuple[bool, str]:
    """(conforms, report text) of a graph against the official DCAT-AP 3.0.1 shapes."""
    import pyshacl

    path = Path(shapes) if shapes is not None else shapes_path()
    if not path.is_file():
        raise ShapesNotFoundError(f"DCAT-AP SHACL shapes not found at {path}")
    shapes_graph, _dropped = _load_shapes(str(path), path.stat().st_mtime)
    conforms, _report_graph, report_text = pyshacl.validate(
        graph,
        shacl_graph=shapes_graph,
        ont_graph=_resource_axioms(graph),
        inference="none",
        abort_on_first=False,
        allow_warnings=False,
        meta_shacl=False,
        advanced=False,
    )
    return bool(conforms), str(report_text)
