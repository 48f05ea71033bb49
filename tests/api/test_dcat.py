"""The DCAT catalogue over HTTP: valid DCAT-AP 3.0.1, the same graph in every
serialization, content negotiation, and distributions a harvester can follow to the
exact bytes the catalogue describes."""

from __future__ import annotations

import hashlib

import httpx
import pytest
from psycopg.types.json import Jsonb
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF

from metadata.dcat import DCAT, SPDX, bbox_to_wkt, validate_dcat
from tests.api.published_data import DEMO_BBOX, SLUG, catalogued_files

SERIALIZATIONS = {
    "ttl": ("text/turtle", "turtle"),
    "jsonld": ("application/ld+json", "json-ld"),
    "rdf": ("application/rdf+xml", "xml"),
}


def fetch_graph(url: str, *, headers: dict[str, str] | None = None) -> tuple[Graph,
                                                                             httpx.Response]:
    response = httpx.get(url, headers=headers)
    assert response.status_code == 200, response.text
    media_type = response.headers["content-type"].split(";")[0]
    rdflib_format = next(fmt for mt, fmt in SERIALIZATIONS.values() if mt == media_type)
    return Graph().parse(data=response.text, format=rdflib_format), response


@pytest.fixture(scope="module")
def catalog_graph(api) -> Graph:
    return fetch_graph(f"{api}/catalog.ttl")[0]


def test_catalog_conforms_to_dcat_ap(catalog_graph):
    conforms, report = validate_dcat(catalog_graph)
    assert conforms, report


def test_dataset_document_conforms_to_dcat_ap(api):
    conforms, report = validate_dcat(fetch_graph(f"{api}/datasets/{SLUG}/dcat.ttl")[0])
    assert conforms, report


@pytest.mark.parametrize("path", ["/catalog", f"/datasets/{SLUG}/dcat"])
def test_every_serialization_is_the_same_graph(api, path):
    graphs = {}
    for ext, (media_type, _) in SERIALIZATIONS.items():
        graphs[ext], response = fetch_graph(f"{api}{path}.{ext}")
        assert response.headers["content-type"].split(";")[0] == media_type
    assert len(graphs["ttl"]) > 50
    assert isomorphic(graphs["ttl"], graphs["jsonld"])
    assert isomorphic(graphs["ttl"], graphs["rdf"])


@pytest.mark.parametrize(("accept", "media_type"), [
    ("text/turtle", "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("application/json", "application/ld+json"),
    ("text/html,application/rdf+xml;q=0.9,text/turtle;q=0.5", "application/rdf+xml"),
    ("*/*", "text/turtle"),
    (None, "text/turtle"),
])
def test_catalog_negotiates_its_format(api, catalog_graph, accept, media_type):
    graph, response = fetch_graph(f"{api}/catalog",
                                  headers={"Accept": accept} if accept else None)
    assert response.headers["content-type"].split(";")[0] == media_type
    assert "Accept" in response.headers["vary"]
    assert isomorphic(graph, catalog_graph)


def test_versions_distributions_lead_to_the_catalogued_bytes(api, catalog_graph, conn):
    for version in (1, 2):
        node = URIRef(f"{api}/datasets/{SLUG}/versions/{version}")
        assert (URIRef(f"{api}/datasets/{SLUG}"), DCAT.hasVersion, node) in catalog_graph
        files = catalogued_files(conn, version)
        distributions = list(catalog_graph.objects(node, DCAT.distribution))
        assert len(distributions) == len(files)
        for distribution in distributions:
            url = str(catalog_graph.value(distribution, DCAT.downloadURL))
            fmt = url.rsplit(".", 1)[1]
            assert url == f"{api}/datasets/{SLUG}/versions/{version}/data.{fmt}"
            checksum = catalog_graph.value(distribution, SPDX.checksum)
            digest = str(catalog_graph.value(checksum, SPDX.checksumValue))
            assert digest == files[fmt]["sha256"]
            assert int(catalog_graph.value(distribution, DCAT.byteSize)) == files[fmt]["bytes"]
            body = httpx.get(url).content
            assert hashlib.sha256(body).hexdigest() == digest


def test_dataset_points_at_latest_files_and_covers_the_boundaries(api, catalog_graph):
    dataset = URIRef(f"{api}/datasets/{SLUG}")
    assert (dataset, RDF.type, DCAT.Dataset) in catalog_graph
    assert (dataset, DCAT.hasCurrentVersion,
            URIRef(f"{api}/datasets/{SLUG}/versions/2")) in catalog_graph
    urls = {str(catalog_graph.value(d, DCAT.downloadURL))
            for d in catalog_graph.objects(dataset, DCAT.distribution)}
    assert urls == {f"{api}/datasets/{SLUG}/latest/data.{f}" for f in
                    ("csv", "json", "xml", "xlsx", "parquet")}
    boxes = {str(catalog_graph.value(location, DCAT.bbox))
             for location in catalog_graph.objects(dataset, DCTERMS.spatial)}
    assert boxes == {str(Literal(bbox_to_wkt(DEMO_BBOX)))}


@pytest.mark.parametrize(("path", "message"), [
    ("/datasets/nope/dcat.ttl", "no published dataset named 'nope'"),
    (f"/datasets/{SLUG}/dcat.n3", "no RDF format 'n3'"),
    ("/catalog.html", "no RDF format 'html'"),
])
def test_unknown_dataset_or_format_is_404(api, path, message):
    response = httpx.get(f"{api}{path}")
    assert response.status_code == 404
    assert message in response.json()["detail"]


def test_an_overdue_dataset_says_so_in_its_dcat_and_the_catalogue(api, conn):
    """Time moves forward: the daily dataset's latest version published three days ago
    (past its window of twice a day) is "overdue" in its DCAT and in the catalogue's, with
    the moment it was due; published just now it is "fresh". Both still conform."""
    from metadata.dcat import DQV, FRESHNESS, NEXT_UPDATE_DUE, measurement_uri

    dataset = URIRef(f"{api}/datasets/{SLUG}")

    def freshness(graph: Graph) -> tuple[str, object]:
        state = graph.value(measurement_uri(dataset, FRESHNESS), DQV.value)
        due = graph.value(measurement_uri(dataset, NEXT_UPDATE_DUE), DQV.value)
        assert (dataset, DQV.hasQualityMeasurement, measurement_uri(dataset, FRESHNESS)) in graph
        return str(state), due.toPython() if due is not None else None

    latest, original = conn.execute(
        "SELECT version, published_at FROM catalog.versions WHERE slug = %s"
        " ORDER BY version DESC LIMIT 1", (SLUG,)).fetchone()
    try:
        for age, expected in (("3 days", "overdue"), ("1 minute", "fresh")):
            published = conn.execute(
                "UPDATE catalog.versions SET published_at = now() - %s::interval"
                " WHERE slug = %s AND version = %s RETURNING published_at",
                (age, SLUG, latest)).fetchone()[0]
            own = fetch_graph(f"{api}/datasets/{SLUG}/dcat.ttl")[0]
            catalogue = fetch_graph(f"{api}/catalog.jsonld")[0]
            for graph in (own, catalogue):
                state, due = freshness(graph)
                assert state == expected
                assert abs((due - published).total_seconds() - 2 * 86400) < 1
            conforms, report = validate_dcat(own)
            assert conforms, report
    finally:
        conn.execute("UPDATE catalog.versions SET published_at = %s"
                     " WHERE slug = %s AND version = %s", (original, SLUG, latest))


def test_a_stored_spec_the_model_no_longer_accepts_is_left_out_not_fatal(api, conn):
    """A dataset whose stored spec fails the current spec model (stored by an older
    version, say) is left out of the DCAT catalogue and data.json, which keep serving the
    others;
    its own DCAT and Data Package answer 500 naming the dataset and the field."""
    original = conn.execute("SELECT spec FROM catalog.datasets WHERE slug = %s",
                            (SLUG,)).fetchone()[0]
    conn.execute("UPDATE catalog.datasets SET spec = jsonb_set(spec, '{validation}',"
                 " '{\"key_columns\": [\"no_such_column\"]}') WHERE slug = %s", (SLUG,))
    try:
        catalogue = fetch_graph(f"{api}/catalog.ttl")[0]
        assert (URIRef(f"{api}/datasets/{SLUG}"), RDF.type, DCAT.Dataset) not in catalogue
        assert validate_dcat(catalogue)[0]
        data_json = httpx.get(f"{api}/data.json")
        assert data_json.status_code == 200
        assert all(SLUG not in entry["identifier"] for entry in data_json.json()["dataset"])
        for path in (f"/datasets/{SLUG}/dcat.ttl", f"/datasets/{SLUG}/latest/datapackage.json"):
            response = httpx.get(f"{api}{path}")
            assert response.status_code == 500, path
            assert f"dataset '{SLUG}'" in response.json()["detail"]
            assert "key_columns" in response.json()["detail"]
    finally:
        conn.execute("UPDATE catalog.datasets SET spec = %s WHERE slug = %s",
                     (Jsonb(original), SLUG))
    assert (URIRef(f"{api}/datasets/{SLUG}"), RDF.type, DCAT.Dataset) in \
        fetch_graph(f"{api}/catalog.ttl")[0]
