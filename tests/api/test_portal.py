"""The portal pages with TestClient on real PostgreSQL and the API tests' two published
versions: catalogue search in both languages, facets, the dataset page's sections and
preview filter, the language switch, the dashboard's figures, the freshness flag."""

from __future__ import annotations

import re
from html import unescape

import psycopg
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from catalog.database import libpq_url
from tests.api.published_data import SLUG


@pytest.fixture(scope="module")
def client(publication):
    with TestClient(create_app()) as test_client:
        yield test_client


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def _result_slugs(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/portal/datasets/([a-z0-9_]+)">', html)


def test_catalogue_lists_the_published_dataset(client):
    # other test modules publish into the same database: follow the pages until it shows
    path, seen = "/", []
    while True:
        page = client.get(path, headers={"Accept-Language": "en"})
        assert page.status_code == 200
        assert page.headers["content-language"] == "en"
        seen += _result_slugs(page.text)
        following = re.search(r'href="([^"]+)" rel="next"', page.text)
        if SLUG in _result_slugs(page.text) or following is None:
            break
        path = unescape(following.group(1))
    assert SLUG in seen and len(seen) == len(set(seen)), seen
    text = _text(page.text)
    assert "311 Service Requests" in text and "Up to date" in text
    assert "CSV" in text and "Search the datasets" in text


@pytest.mark.parametrize("words", ["response time", "délai de réponse", "neighbourhoods",
                                   "response_time_hours", "quartiers", "services municipaux"])
def test_search_finds_titles_keywords_descriptions_and_columns_in_both_languages(client, words):
    assert SLUG in _result_slugs(client.get("/", params={"q": words}).text)


def test_search_without_a_match_says_so(client):
    page = client.get("/", params={"q": "zebra crossings of mars"})
    assert _result_slugs(page.text) == []
    assert "No dataset matches" in _text(page.text)


def test_facets_filter_and_count(client):
    page = client.get("/", params={"theme": "transport", "format": "csv"})
    assert SLUG in _result_slugs(page.text)
    assert re.search(r'name="theme" value="transport" checked', page.text)
    assert _result_slugs(client.get("/", params={"theme": "no-such-theme"}).text) == []
    assert SLUG in _result_slugs(client.get("/", params={"map": "yes"}).text)


def test_french_by_accept_language_and_by_the_switch(client):
    page = client.get("/", headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"})
    assert page.headers["content-language"] == "fr"
    assert "Demandes de service 311" in _text(page.text)
    assert 'lang="fr"' in page.text
    switched = client.get("/portal/language/en", params={"next": "/?q=311"},
                          follow_redirects=False)
    assert switched.status_code == 303 and switched.headers["location"] == "/?q=311"
    assert "lang=en" in switched.headers["set-cookie"]
    client.cookies.set("lang", "en")
    try:
        again = client.get("/", headers={"Accept-Language": "fr"})
        assert again.headers["content-language"] == "en"
    finally:
        client.cookies.clear()
    offsite = client.get("/portal/language/fr", params={"next": "//evil.example"},
                         follow_redirects=False)
    client.cookies.clear()
    assert offsite.headers["location"] == "/"


def test_dataset_page_sections(client, publication):
    page = client.get(f"/portal/datasets/{SLUG}", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    text = _text(page.text)
    for heading in ("About this dataset", "Preview", "Downloads", "Data dictionary",
                    "Quality report card", "How personal information was protected",
                    "Where this version comes from", "Version history", "Use it from code"):
        assert heading in text, heading
    latest = publication.versions[-1]
    for fmt, record in latest.files.items():
        assert f"/datasets/{SLUG}/versions/{latest.version}/data.{fmt}" in page.text
        assert record["sha256"] in page.text
    assert "Open Government Licence" in text and "open.data@riverton.example.ca" in text
    assert "First publication" in text and "records" in text
    assert f"datastore_search?resource_id={SLUG}" in text
    # the version history says what version 2 changed: coordinates gone
    assert "columns removed: latitude, longitude" in text
    # the JSON of the API is unchanged at its own URL
    assert client.get(f"/datasets/{SLUG}").json()["slug"] == SLUG


def test_dataset_page_preview_filters_and_pages(client, publication):
    frame = publication.frames[-1]
    page = client.get(f"/portal/datasets/{SLUG}", params={"status": "closed"})
    rows = re.findall(r"<tr>(<td>.*?)</tr>", page.text, flags=re.DOTALL)
    assert len(rows) == (frame["status"] == "closed").sum()
    assert all("<td>closed</td>" in row for row in rows)
    bad = client.get(f"/portal/datasets/{SLUG}", params={"created_at__gte": "yesterday"})
    assert bad.status_code == 200 and "cannot be applied" in _text(bad.text)


def test_dataset_page_in_french(client):
    page = client.get(f"/portal/datasets/{SLUG}", headers={"Accept-Language": "fr"})
    text = _text(page.text)
    assert "Dictionnaire de données" in text and "Aperçu" in text
    assert "Toutes les demandes faites à la ligne 311" in text
    assert "Numéro attribué à la demande" in text


def test_unknown_dataset_page_is_404(client):
    assert client.get("/portal/datasets/no_such_dataset").status_code == 404


def test_dashboard_figures_come_from_the_published_rows(client, publication):
    page = client.get("/dashboard", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    frame = publication.frames[-1]
    total = re.search(rf'id="total-{SLUG}">([\d,]+)<', page.text)
    assert total and int(total.group(1).replace(",", "")) == len(frame)
    median = re.search(rf'id="median-{SLUG}">([\d.]+) hours<', page.text)
    # the time of requests closed as done
    closed = frame[frame["status"] == "closed"]
    assert median and float(median.group(1)) == pytest.approx(
        closed["response_time_hours"].median(), abs=0.051)
    assert f'href="/portal/datasets/{SLUG}"' in page.text
    assert "Pothole repair" in page.text


def test_overdue_dataset_is_flagged(client, database_url):
    """Time moves forward: the latest version published three days ago, a daily dataset
    is overdue on its page and in the catalogue."""
    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        latest = conn.execute("SELECT max(version) FROM catalog.versions WHERE slug = %s",
                              (SLUG,)).fetchone()[0]
        original = conn.execute(
            "SELECT published_at FROM catalog.versions WHERE slug = %s AND version = %s",
            (SLUG, latest)).fetchone()[0]
        conn.execute("UPDATE catalog.versions SET published_at = now() - interval '3 days'"
                     " WHERE slug = %s AND version = %s", (SLUG, latest))
        try:
            page = client.get(f"/portal/datasets/{SLUG}", headers={"Accept-Language": "en"})
            assert re.search(r'class="badge overdue" id="freshness">Overdue<', page.text)
            catalogue = client.get("/", params={"q": "311"})
            assert "badge overdue" in catalogue.text
        finally:
            conn.execute("UPDATE catalog.versions SET published_at = %s"
                         " WHERE slug = %s AND version = %s", (original, SLUG, latest))


def test_provenance_is_stored_with_the_version_and_shown(client, database_url, tmp_path):
    """The source file's SHA-256 and time of ingest, the dbt mart, the checks and the
    sign-offs are written with the version row at publication, and the page shows them."""
    from datetime import UTC, datetime, timedelta

    from catalog.ingest_log import write_entry
    from civic_assets.publish.provenance import announce_publication
    from civic_assets.publish.publication import publish_candidate
    from tests.api.published_data import (
        approved_candidate,
        requests_frame,
        service_requests_spec,
    )

    slug = "portal_provenance_test"
    spec = service_requests_spec().model_copy(update={"slug": slug})
    digest = "ab" * 32
    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        ingested = datetime.now(UTC) - timedelta(minutes=5)
        write_entry(conn, slug=slug, source="exports/requests-2026-03.csv",
                    started_at=ingested, finished_at=ingested + timedelta(seconds=2),
                    status="loaded", record_count=6, sha256=digest, byte_size=1234,
                    raw_table=f"raw.{slug}")
        candidate_id = approved_candidate(conn, spec, requests_frame(900, 6, coordinates=False),
                                          table="portal_provenance_candidate")
        # what the published asset does before publishing: its code version and run
        announce_publication(conn, run_id="run-4f1c")
        version = publish_candidate(conn, spec, candidate_id,
                                    published_dir=tmp_path)
        stored = conn.execute("SELECT provenance FROM catalog.versions WHERE slug = %s"
                              " AND version = %s", (slug, version.version)).fetchone()[0]
    assert [s["sha256"] for s in stored["sources"]] == [digest]
    assert stored["sources"][0]["name"] == "exports/requests-2026-03.csv"
    assert stored["dbt_models"] == ["service_requests"]
    assert stored["candidate_id"] == candidate_id
    assert [s["role"] for s in stored["signoffs"]] == spec.approval.chain
    assert stored["publish_run_id"] == "run-4f1c"
    assert re.fullmatch(r"[0-9a-f]{40}(\+dirty)?", stored["code_version"])

    page = client.get(f"/portal/datasets/{slug}", headers={"Accept-Language": "en"})
    section = page.text[page.text.index('id="provenance"'):]
    assert digest in section and "exports/requests-2026-03.csv" in section
    assert "service_requests" in section and "Data owner: approved" in section
    assert "run-4f1c" in section and stored["code_version"] in section

    # and in its DCAT: the version was generated by a publication and derived from the
    # file named by its SHA-256; the document still conforms to DCAT-AP
    from rdflib import Graph, URIRef
    from rdflib.namespace import PROV

    from metadata.dcat import validate_dcat

    graph = Graph().parse(data=client.get(f"/datasets/{slug}/dcat.ttl").text, format="turtle")
    derived = set(graph.objects(None, PROV.wasDerivedFrom))
    assert URIRef(f"urn:sha256:{digest}") in derived
    assert set(graph.objects(None, PROV.wasGeneratedBy))
    conforms, report = validate_dcat(graph)
    assert conforms, report


def test_an_area_dataset_gets_a_choropleth_of_its_records_per_area(client, publication):
    """Version 2 is aggregated to neighbourhoods: the page draws them from the spec's
    boundaries file, with the count of records of each."""
    page = client.get(f"/portal/datasets/{SLUG}", headers={"Accept-Language": "en"})
    assert f'data-boundaries="/portal/datasets/{SLUG}/boundaries.geojson"' in page.text
    frame = publication.frames[-1]
    for name, count in frame["neighbourhood"].value_counts().items():
        assert (f'<tr data-area="{name}"><th scope="row">{name}</th><td>{count}</td></tr>'
                in page.text)
    shapes = client.get(f"/portal/datasets/{SLUG}/boundaries.geojson")
    assert shapes.status_code == 200 and shapes.json()["type"] == "FeatureCollection"
    assert client.get("/portal/datasets/no_such/boundaries.geojson").status_code == 404



def test_a_dataset_aggregated_to_another_datasets_areas_gets_their_choropleth(
        client, area_datasets):
    """The spec's `areas` name the published councils: the page offers their measures,
    shows the per-capita rate by default and lists the chosen measure per council
    without JavaScript; the shapes are the councils' published GeoJSON."""
    from tests.api.area_data import COUNCIL_COUNT, COUNCILS, DEMAND, demand_frame

    frame = demand_frame().set_index("council_name")
    page = client.get(f"/portal/datasets/{DEMAND}", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    options = re.findall(r'<option value="(avg_[a-z0-9_]+)"( selected)?>', page.text)
    assert [o[0] for o in options] == ["avg_population", "avg_requests",
                                       "avg_requests_per_1000_residents"]
    assert dict(options)["avg_requests_per_1000_residents"] == " selected"
    rows = re.findall(r'<tr data-area="(\d+)"><th scope="row">([^<]+)</th><td>([^<]*)</td>',
                      page.text)
    assert len(rows) == COUNCIL_COUNT
    for _, name, value in rows:
        expected = frame.loc[unescape(name), "requests_per_1000_residents"]
        assert float(value.replace(",", "")) == pytest.approx(expected, abs=0.005)
    assert "Quantile classes" in _text(page.text)
    # the reader's choice, without JavaScript: the form's GET
    chosen = client.get(f"/portal/datasets/{DEMAND}", params={"measure": "avg_population"})
    assert re.search(r'<option value="avg_population" selected>', chosen.text)
    rows = re.findall(r'<tr data-area="\d+"><th scope="row">([^<]+)</th><td>([^<]*)</td>',
                      chosen.text)
    assert {unescape(name): int(value.replace(",", "")) for name, value in rows} == \
        frame["population"].to_dict()
    # an unknown measure falls back to the default
    other = client.get(f"/portal/datasets/{DEMAND}", params={"measure": "../etc"})
    assert re.search(r'<option value="avg_requests_per_1000_residents" selected>', other.text)

    shapes = client.get(f"/portal/datasets/{DEMAND}/boundaries.geojson")
    assert shapes.status_code == 200
    features = shapes.json()["features"]
    assert len(features) == COUNCIL_COUNT
    assert {f["properties"]["council_name"] for f in features} == set(frame.index)
    # the councils themselves are not aggregated to areas
    assert client.get(f"/portal/datasets/{COUNCILS}/boundaries.geojson").status_code == 404
