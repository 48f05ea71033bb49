"""DCAT-AP 3.0.1 catalogue: shape validation, serializations, negotiation, bbox."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest
import rdflib
import rdflib.namespace as ns
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, RDF

from api.negotiation import negotiate_format
from civic_assets.components.dataset import load_dataset_specs
from metadata.dcat import (
    DCAT,
    GSP,
    OGL_CANADA_URI,
    SPDX,
    VCARD,
    CatalogInfo,
    DcatError,
    ShapesNotFoundError,
    build_catalog_graph,
    dataset_graph,
    dataset_uri,
    published_dataset_from_records,
    serialize,
    shapes_path,
    validate_dcat,
)
from metadata.spatial import bbox_from_frame, bbox_to_wkt
from metadata.specs import DatasetSpec
from tests.paths import PROJECT_ROOT

BASE = "https://data.riverton.example.ca"
SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def make_spec(slug: str, **metadata_overrides) -> DatasetSpec:
    metadata = {
        "description": {
            "en": "Every collision reported to the police on city roads.",
            "fr": "Toutes les collisions signalées à la police sur les routes de la ville.",
        },
        "keywords": {
            "en": ["traffic", "safety", "roads"],
            "fr": ["circulation", "sécurité", "routes"],
        },
        "publisher": "City of Riverton",
        "contact_point": {"name": "Open Data Team", "email": "open.data@riverton.example.ca"},
        "license": {"title": "Open Government Licence - Canada", "uri": OGL_CANADA_URI},
        "update_frequency": "monthly",
        "temporal_coverage": {"start": "2019-01-01", "end": "2024-12-31"},
        "spatial_coverage": {"name": "City of Riverton"},
        "themes": ["transport", "public safety"],
        "quality_notes": {"en": "Geocoded to intersections.", "fr": "Géocodé aux intersections."},
        "landing_page": f"https://open.riverton.example.ca/datasets/{slug}",
    }
    metadata.update(metadata_overrides)
    return DatasetSpec.model_validate(
        {
            "slug": slug,
            "title": {"en": f"Road collisions ({slug})", "fr": f"Collisions routières ({slug})"},
            "source": {"type": "file", "format": "csv", "path": f"{slug}.csv"},
            "metadata": metadata,
        }
    )


def version_rows(slug: str, count: int = 2) -> list[dict]:
    rows = []
    for number in range(1, count + 1):
        files = {
            fmt: {
                "path": f"/srv/published/{slug}/{number}/data.{fmt}",
                "bytes": 1000 * number + len(fmt),
                "sha256": SHA,
                "media_type": media_type,
            }
            for fmt, media_type in [
                ("csv", "text/csv; charset=utf-8"),
                ("json", "application/json"),
                ("geojson", "application/geo+json"),
                ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ]
        }
        rows.append(
            {
                "slug": slug,
                "version": number,
                "row_count": 100 * number,
                "columns": [
                    {"name": "collision_id", "type": "integer"},
                    {"name": "severity", "type": "text"},
                ],
                "dictionary": {},
                "files": files,
                "published_at": datetime(2024, number, 15, 10, 30, tzinfo=UTC),
            }
        )
    return list(reversed(rows))  # the registry's order must not matter


CATALOG = CatalogInfo(
    title={"en": "Riverton open data", "fr": "Données ouvertes de Riverton"},
    description={
        "en": "Open data published by the City of Riverton.",
        "fr": "Données ouvertes publiées par la Ville de Riverton.",
    },
    publisher_name="City of Riverton",
    homepage="https://open.riverton.example.ca",
    contact_email="open.data@riverton.example.ca",
)


def demo_datasets(**overrides):
    return [
        published_dataset_from_records(
            make_spec(slug, **overrides), version_rows(slug), bbox=[-75.92, 45.21, -75.48, 45.53]
        )
        for slug in ("road_collisions", "street_trees")
    ]


@pytest.fixture(scope="module")
def catalog_graph() -> rdflib.Graph:
    return build_catalog_graph(CATALOG, demo_datasets(), base_url=BASE + "/")


# ---------------------------------------------------------------------------- SHACL


def test_demo_catalogue_conforms_to_dcat_ap_shapes(catalog_graph):
    conforms, report = validate_dcat(catalog_graph)
    assert conforms, report


def test_single_dataset_graph_conforms():
    graph = dataset_graph(CATALOG, demo_datasets()[0], base_url=BASE)
    conforms, report = validate_dcat(graph)
    assert conforms, report


def test_distribution_without_access_url_fails(catalog_graph):
    broken = rdflib.Graph() + catalog_graph
    distribution = URIRef(f"{BASE}/datasets/road_collisions#distribution-csv")
    broken.remove((distribution, DCAT.accessURL, None))
    conforms, report = validate_dcat(broken)
    assert not conforms
    assert "accessURL" in report and "MinCount" in report
    assert str(distribution) in report


def test_dataset_without_description_fails():
    datasets = demo_datasets(description={"en": None, "fr": None})
    graph = build_catalog_graph(CATALOG, datasets, base_url=BASE)
    conforms, report = validate_dcat(graph)
    assert not conforms
    assert "MinCountConstraintComponent" in report and ":description" in report
    assert f"{BASE}/datasets/road_collisions" in report


def test_untyped_media_type_breaks_the_class_range(catalog_graph):
    # the ranges (sh:class) are checked: an IANA URI not declared a dct:MediaType fails
    broken = rdflib.Graph() + catalog_graph
    broken.remove((URIRef("https://www.iana.org/assignments/media-types/text/csv"), RDF.type, None))
    conforms, report = validate_dcat(broken)
    assert not conforms
    assert "ClassConstraint" in report and "mediaType" in report


def test_missing_shapes_file_is_a_clear_error(tmp_path, catalog_graph):
    with pytest.raises(ShapesNotFoundError, match="CIVIC_DCAT_SHAPES"):
        shapes_path(tmp_path / "nowhere.ttl")
    with pytest.raises(ShapesNotFoundError, match=r"nowhere\.ttl"):
        validate_dcat(catalog_graph, shapes=tmp_path / "nowhere.ttl")


def test_project_dataset_specs_give_valid_dcat():
    specs = load_dataset_specs(PROJECT_ROOT / "civic_assets" / "defs" / "datasets")
    if not specs:
        pytest.skip("no dataset specs in civic_assets/defs/datasets")
    datasets = [published_dataset_from_records(spec, version_rows(spec.slug, 1)) for spec in specs]
    conforms, report = validate_dcat(build_catalog_graph(CATALOG, datasets, base_url=BASE))
    assert conforms, report


# ---------------------------------------------------------------------------- content


def test_catalogue_lists_datasets_and_the_api(catalog_graph):
    catalog = URIRef(f"{BASE}/catalog")
    assert (catalog, RDF.type, DCAT.Catalog) in catalog_graph
    datasets = set(catalog_graph.objects(catalog, DCAT.dataset))
    assert datasets == {
        URIRef(f"{BASE}/datasets/road_collisions"),
        URIRef(f"{BASE}/datasets/street_trees"),
    }
    service = catalog_graph.value(catalog, DCAT.service)
    assert (service, RDF.type, DCAT.DataService) in catalog_graph
    assert catalog_graph.value(service, DCAT.endpointDescription) == URIRef(f"{BASE}/openapi.json")
    assert catalog_graph.value(service, DCAT.endpointURL) == URIRef(BASE)
    assert set(catalog_graph.objects(service, DCAT.servesDataset)) == datasets


def test_distributions_have_persistent_urls_sizes_and_checksums(catalog_graph):
    version_2 = URIRef(f"{BASE}/datasets/road_collisions/versions/2")
    urls = {
        str(catalog_graph.value(d, DCAT.downloadURL))
        for d in catalog_graph.objects(version_2, DCAT.distribution)
    }
    assert f"{BASE}/datasets/road_collisions/versions/2/data.csv" in urls
    assert len(urls) == 4
    latest = URIRef(f"{BASE}/datasets/road_collisions#distribution-csv")
    latest_url = URIRef(f"{BASE}/datasets/road_collisions/latest/data.csv")
    assert catalog_graph.value(latest, DCAT.downloadURL) == latest_url
    assert catalog_graph.value(latest, DCAT.accessURL) == latest_url
    assert catalog_graph.value(latest, DCAT.mediaType) == URIRef(
        "https://www.iana.org/assignments/media-types/text/csv"
    )
    assert catalog_graph.value(latest, DCTERMS.format) == URIRef(
        "http://publications.europa.eu/resource/authority/file-type/CSV"
    )
    assert catalog_graph.value(latest, DCAT.byteSize) == Literal(
        2003, datatype=ns.XSD.nonNegativeInteger
    )
    checksum = catalog_graph.value(latest, SPDX.checksum)
    assert catalog_graph.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
    assert catalog_graph.value(checksum, SPDX.checksumValue) == Literal(
        SHA, datatype=ns.XSD.hexBinary
    )
    assert catalog_graph.value(latest, DCTERMS.license) == URIRef(OGL_CANADA_URI)
    assert (URIRef(OGL_CANADA_URI), RDF.type, DCTERMS.LicenseDocument) in catalog_graph


def test_versions_are_linked(catalog_graph):
    dataset = URIRef(f"{BASE}/datasets/road_collisions")
    v1, v2 = (URIRef(f"{BASE}/datasets/road_collisions/versions/{n}") for n in (1, 2))
    assert set(catalog_graph.objects(dataset, DCAT.hasVersion)) == {v1, v2}
    assert catalog_graph.value(dataset, DCAT.hasCurrentVersion) == v2
    assert catalog_graph.value(v2, DCAT.isVersionOf) == dataset
    assert catalog_graph.value(v2, DCAT.previousVersion) == v1
    assert catalog_graph.value(v1, DCAT.previousVersion) is None
    assert catalog_graph.value(v2, DCAT.version) == Literal("2")
    assert catalog_graph.value(v1, DCTERMS.issued) == Literal(
        "2024-01-15T10:30:00+00:00", datatype=ns.XSD.dateTime
    )
    assert catalog_graph.value(dataset, DCTERMS.modified) == Literal(
        "2024-02-15T10:30:00+00:00", datatype=ns.XSD.dateTime
    )


def test_dataset_follows_dcat_ap_conventions(catalog_graph):
    dataset = URIRef(f"{BASE}/datasets/road_collisions")
    titles = {t.language: str(t) for t in catalog_graph.objects(dataset, DCTERMS.title)}
    assert titles == {
        "en": "Road collisions (road_collisions)",
        "fr": "Collisions routières (road_collisions)",
    }
    assert {k.language for k in catalog_graph.objects(dataset, DCAT.keyword)} == {"en", "fr"}
    publisher = catalog_graph.value(dataset, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in catalog_graph
    assert catalog_graph.value(publisher, FOAF.name) == Literal("City of Riverton")
    contact = catalog_graph.value(dataset, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Kind) in catalog_graph
    assert catalog_graph.value(contact, VCARD.hasEmail) == URIRef(
        "mailto:open.data@riverton.example.ca"
    )
    assert catalog_graph.value(dataset, DCTERMS.accrualPeriodicity) == URIRef(
        "http://publications.europa.eu/resource/authority/frequency/MONTHLY"
    )
    period = catalog_graph.value(dataset, DCTERMS.temporal)
    assert catalog_graph.value(period, DCAT.startDate) == Literal(
        "2019-01-01", datatype=ns.XSD.date
    )
    location = catalog_graph.value(dataset, DCTERMS.spatial)
    assert (location, RDF.type, DCTERMS.Location) in catalog_graph
    bbox = catalog_graph.value(location, DCAT.bbox)
    assert bbox.datatype == GSP.wktLiteral
    assert (
        str(bbox)
        == "POLYGON((-75.92 45.21, -75.92 45.53, -75.48 45.53, -75.48 45.21, -75.92 45.21))"
    )
    themes = set(catalog_graph.objects(dataset, DCAT.theme))
    assert themes == {
        URIRef("http://publications.europa.eu/resource/authority/data-theme/TRAN"),
        URIRef("http://publications.europa.eu/resource/authority/data-theme/JUST"),
    }
    landing = catalog_graph.value(dataset, DCAT.landingPage)
    assert (landing, RDF.type, FOAF.Document) in catalog_graph


def test_catalogue_without_versions_for_harvesters_that_import_every_dataset():
    graph = build_catalog_graph(CATALOG, demo_datasets(), base_url=BASE, include_versions=False)
    assert len(set(graph.subjects(RDF.type, DCAT.Dataset))) == 2
    dataset = URIRef(f"{BASE}/datasets/road_collisions")
    assert graph.value(dataset, DCAT.version) == Literal("2")
    assert graph.value(dataset, DCAT.hasVersion) is None
    conforms, report = validate_dcat(graph)
    assert conforms, report


def test_unknown_update_frequency_is_reported():
    datasets = demo_datasets(update_frequency="every blue moon")
    with pytest.raises(DcatError, match="every blue moon"):
        build_catalog_graph(CATALOG, datasets, base_url=BASE)


def test_few_keywords_are_completed_with_suggestions():
    spec = make_spec("road_collisions", keywords={"en": ["traffic"], "fr": []})
    dataset = published_dataset_from_records(spec, version_rows("road_collisions"))
    assert dataset.keywords("en")[0] == "traffic"
    assert len(dataset.keywords("en")) == 3
    assert "collisions" in dataset.keywords("en")
    assert "routières" in dataset.keywords("fr")
    untouched = published_dataset_from_records(
        spec, version_rows("road_collisions"), min_keywords=0
    )
    assert untouched.keywords("en") == ["traffic"]


# ---------------------------------------------------------------------------- formats


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize(
    ("fmt", "parser"), [("turtle", "turtle"), ("json-ld", "json-ld"), ("rdf/xml", "xml")]
)
def test_serializations_round_trip(catalog_graph, fmt, parser):
    text = serialize(catalog_graph, fmt)
    parsed = rdflib.Graph().parse(data=text, format=parser)
    assert len(parsed) == len(catalog_graph)
    assert isomorphic(parsed, catalog_graph)


def test_json_ld_is_compact_with_a_context(catalog_graph):
    text = serialize(catalog_graph, "jsonld")
    assert '"@context"' in text
    assert '"dcat": "http://www.w3.org/ns/dcat#"' in text
    assert '"dcat:downloadURL"' in text
    assert '"http://www.w3.org/ns/dcat#downloadURL"' not in text


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, ("turtle", "text/turtle")),
        ("", ("turtle", "text/turtle")),
        ("*/*", ("turtle", "text/turtle")),
        ("text/html", ("turtle", "text/turtle")),
        ("application/ld+json", ("json-ld", "application/ld+json")),
        ("application/rdf+xml", ("rdf/xml", "application/rdf+xml")),
        ("text/turtle;q=0.5, application/ld+json;q=0.9", ("json-ld", "application/ld+json")),
        (
            "text/html,application/xhtml+xml,application/rdf+xml;q=0.9,*/*;q=0.8",
            ("rdf/xml", "application/rdf+xml"),
        ),
        (
            "application/ld+json;q=0.8, application/rdf+xml;q=0.8",
            ("json-ld", "application/ld+json"),
        ),
        ("*/*;q=0.1, text/turtle;q=0.1", ("turtle", "text/turtle")),
        ("text/turtle;q=0, */*", ("json-ld", "application/ld+json")),
        ("application/json", ("json-ld", "application/ld+json")),
        ("application/ld+json; q=abc, text/turtle", ("turtle", "text/turtle")),
    ],
)
def test_negotiate_format(accept, expected):
    assert negotiate_format(accept) == expected


def test_unknown_serialization_is_refused(catalog_graph):
    with pytest.raises(ValueError, match="unknown RDF format"):
        serialize(catalog_graph, "n-quads-ish")


# ---------------------------------------------------------------------------- bbox


def test_bbox_from_latitude_longitude_columns():
    df = pd.DataFrame(
        {"Latitude": [45.4, 45.5, None, 200.0], "LONG": [-75.7, -75.6, -75.0, -75.65]}
    )
    assert bbox_from_frame(df) == [-75.7, 45.4, -75.6, 45.5]


def test_bbox_from_wkt_geometry_column():
    df = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "location": [
                "POINT (-75.7 45.4)",
                "POLYGON ((-75.8 45.3, -75.8 45.35, -75.75 45.35, -75.8 45.3))",
                None,
            ],
        }
    )
    assert bbox_from_frame(df) == pytest.approx([-75.8, 45.3, -75.7, 45.4])


def test_bbox_from_geodataframe():
    geopandas = pytest.importorskip("geopandas")
    from shapely.geometry import Point

    gdf = geopandas.GeoDataFrame(
        {"id": [1, 2]}, geometry=[Point(-75.7, 45.4), Point(-75.5, 45.6)], crs="EPSG:4326"
    )
    assert bbox_from_frame(gdf) == pytest.approx([-75.7, 45.4, -75.5, 45.6])


def test_no_bbox_without_coordinates_or_with_projected_ones():
    assert bbox_from_frame(pd.DataFrame({"name": ["a", "b"]})) is None
    assert bbox_from_frame(pd.DataFrame()) is None
    projected = pd.DataFrame({"lat": [5030000.0], "lon": [445000.0]})
    assert bbox_from_frame(projected) is None


def test_bbox_to_wkt_is_longitude_first():
    assert bbox_to_wkt([-75.5, 45.25, -75.0, 45.5]) == (
        "POLYGON((-75.5 45.25, -75.5 45.5, -75 45.5, -75 45.25, -75.5 45.25))"
    )


def test_temporal_coverage_comes_from_the_data_when_the_spec_has_none():
    spec = make_spec("service_calls", temporal_coverage={})
    dataset = published_dataset_from_records(
        spec, version_rows("service_calls"), temporal={"start": "2025-11-02", "end": "2026-11-01"})
    graph = dataset_graph(CATALOG, dataset, base_url=BASE)
    subject = URIRef(dataset_uri(BASE, "service_calls"))
    period = graph.value(subject, DCTERMS.temporal)
    dates = {str(o) for o in graph.objects(period, None) if isinstance(o, Literal)}
    assert {"2025-11-02", "2026-11-01"} <= dates
    assert validate_dcat(graph)[0]
    # the spec's own coverage wins
    declared = dataset_graph(CATALOG, published_dataset_from_records(
        make_spec("service_calls"), version_rows("service_calls"),
        temporal={"start": "2025-11-02", "end": "2026-11-01"}), base_url=BASE)
    period = declared.value(subject, DCTERMS.temporal)
    assert "2019-01-01" in {str(o) for o in declared.objects(period, None)}
