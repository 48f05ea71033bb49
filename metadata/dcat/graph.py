"""The DCAT-AP 3.0.1 graph of the catalogue and of each dataset."""


from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

from metadata.dcat.freshness import add_freshness
from metadata.dcat.model import (
    CatalogInfo,
    Distribution,
    PublishedDataset,
    PublishedVersion,
    _as_datetime,
    _datetime_literal,
)
from metadata.dcat.uris import (
    _base,
    catalog_uri,
    data_service_uri,
    dataset_uri,
    download_url,
    version_uri,
)
from metadata.dcat.vocabulary import (
    DCAT,
    EU_DATA_THEME,
    EU_FILE_TYPE,
    EU_FREQUENCY,
    EU_LANGUAGE,
    EU_THEMES,
    FILE_FORMATS,
    FREQUENCIES,
    GSP,
    IANA_MEDIA_TYPES,
    LANGUAGE_CODES,
    OGL_CANADA_TITLE,
    OGL_CANADA_URI,
    PREFIXES,
    SPDX,
    THEME_ALIASES,
    VCARD,
    DcatError,
)
from metadata.keywords import SUPPORTED_LANGUAGES
from metadata.spatial import bbox_to_wkt


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


def _provenance(graph: Graph, node: URIRef, version: PublishedVersion) -> None:
    """PROV-O for one version: the publication that generated it (its runs, code version,
    dbt models) and the source files it was derived from, each named by its SHA-256."""
    provenance = version.provenance
    if not provenance:
        return
    graph.bind("prov", PROV)
    activity = URIRef(f"{node}#publication")
    graph.add((activity, RDF.type, PROV.Activity))
    graph.add((activity, RDFS.label, Literal(f"Publication of version {version.version}")))
    graph.add((activity, PROV.endedAtTime, _datetime_literal(version.published_at)))
    graph.add((node, PROV.wasGeneratedBy, activity))
    for key, label in (("publish_run_id", "Dagster run (publication)"),
                       ("candidate_run_id", "Dagster run (candidate)"),
                       ("code_version", "code version")):
        if provenance.get(key):
            graph.add((activity, RDFS.comment, Literal(f"{label}: {provenance[key]}")))
    for model in provenance.get("dbt_models") or []:
        graph.add((activity, RDFS.comment, Literal(f"dbt model: {model}")))
    for source in provenance.get("sources") or []:
        digest = source.get("sha256")
        if not digest or not re.fullmatch(r"[0-9a-f]{64}", str(digest)):
            continue
        entity = URIRef(f"urn:sha256:{digest}")
        graph.add((entity, RDF.type, PROV.Entity))
        if source.get("name"):
            graph.add((entity, RDFS.label, Literal(str(source["name"]))))
        if source.get("ingested_at"):
            graph.add((entity, PROV.generatedAtTime,
                       _datetime_literal(_as_datetime(source["ingested_at"]))))
        graph.add((node, PROV.wasDerivedFrom, entity))
        graph.add((activity, PROV.used, entity))


def _add_dataset(
    graph: Graph,
    dataset: PublishedDataset,
    *,
    base_url: str,
    service: URIRef,
    include_versions: bool = True,
    now: datetime | None = None,
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
    if now is not None:
        add_freshness(graph, subject, dataset, base_url=base_url, now=now)
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
        _provenance(graph, node, version)
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
    now: datetime | None = None,
) -> Graph:
    """The whole catalogue as DCAT-AP 3.0.1: catalogue, datasets, versions, API.

    Each version is itself a dcat:Dataset (DCAT 3 versioning); some harvesters (CKAN's
    ckanext-dcat) import every dcat:Dataset they find, so `include_versions=False` gives
    the current datasets only, each with `dcat:version` of its latest version. Given
    `now`, each dataset that promises an update frequency states whether it is fresh or
    overdue at that moment (DQV, see metadata/dcat/freshness.py).
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
                    now=now,
                ),
            )
        )
        latest = dataset.latest
        if latest is not None and (modified is None or latest.published_at > modified):
            modified = latest.published_at
    if modified is not None:
        graph.add((node, DCTERMS.modified, _datetime_literal(modified)))
    return graph


def dataset_graph(
    catalog: CatalogInfo,
    dataset: PublishedDataset,
    *,
    base_url: str,
    include_versions: bool = True,
    now: datetime | None = None,
) -> Graph:
    """One dataset (with its versions, distributions and the API serving it); given `now`,
    its freshness at that moment."""
    graph = _new_graph()
    service = _add_data_service(graph, catalog, base_url)
    _add_dataset(
        graph, dataset, base_url=base_url, service=service, include_versions=include_versions,
        now=now,
    )
    return graph
