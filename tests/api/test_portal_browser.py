"""The portal in headless Chromium against a real uvicorn: search the catalogue, open a
dataset page, see the map draw its features, filter the preview, switch to French,
download a file, read the dashboard's figures, colour the Los Angeles councils by a
measure of one's choice, and find no axe-core violations (WCAG 2.1
A and AA rules, from a vendored axe-core). Writes screenshots of the catalogue, a dataset
page and the dashboard to CIVIC_SCREENSHOTS_DIR (`make screenshots`: var/screenshots)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from catalog.database import libpq_url
from civic_assets.publish.publication import publish_candidate
from tests.api.area_data import COUNCIL_COUNT, DEMAND
from tests.api.published_data import (
    SLUG,
    approved_candidate,
    requests_frame,
    service_requests_spec,
)
from tests.helpers import PROJECT_ROOT, running_api, smtp_server

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
AXE = PROJECT_ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MAP_SLUG = "portal_map_test"
BOUNDARIES = PROJECT_ROOT / "civic_assets" / "reference" / "riverton_neighbourhoods.geojson"
MAP_ROWS = 30


@pytest.fixture(scope="module")
def map_dataset(publication, database_url, tmp_path_factory) -> str:
    """A dataset whose latest version keeps its coordinates: the one with a map."""
    spec = service_requests_spec().model_copy(update={"slug": MAP_SLUG})
    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM catalog.versions WHERE slug = %s",
                        (MAP_SLUG,)).fetchone() is None:
            candidate_id = approved_candidate(conn, spec, requests_frame(500, MAP_ROWS,
                                                                         coordinates=True),
                                              table="portal_map_candidate")
            # its own folder: the API tests list the shared one (its files are not
            # downloaded here)
            publish_candidate(conn, spec, candidate_id,
                              published_dir=tmp_path_factory.mktemp("map_published"))
    return MAP_SLUG


@pytest.fixture(scope="module")
def inbox():
    with smtp_server() as server:
        yield server


@pytest.fixture(scope="module")
def portal(publication, inbox) -> Iterator[str]:
    """The API as a real uvicorn process that mails through the test's SMTP server."""
    with running_api(env={"CIVIC_PUBLISHED_DIR": str(publication.published_dir),
                          "CIVIC_SMTP_HOST": inbox.host,
                          "CIVIC_SMTP_PORT": str(inbox.port)}) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = os.environ.get("CIVIC_SCREENSHOTS_DIR")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _axe_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => v.id + ': ' + v.help + ' ' +"
        " v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(' | ')))", AXE_TAGS)
    return found


def test_a_visitor_searches_reads_filters_switches_language_and_downloads(
        portal, browser, map_dataset, shots, tmp_path):
    api = portal
    context = browser.new_context(locale="en-CA", accept_downloads=True,
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{api}/")
    assert _axe_violations(page) == []
    page.fill("#q", "response time")
    page.click("form[role=search] .row button")
    page.wait_for_load_state()
    results = page.locator("article.result h3 a")
    assert results.count() >= 2
    page.screenshot(path=str(shots / "catalogue.png"), full_page=True)

    page.click(f"a[href='/portal/datasets/{map_dataset}']")
    page.wait_for_selector("#map[data-features]")
    assert int(page.get_attribute("#map", "data-features")) == MAP_ROWS
    # the points, over the neighbourhoods of the spec's boundaries as context
    assert page.locator("#map path.leaflet-interactive").count() == MAP_ROWS + len(
        json.loads(BOUNDARIES.read_text(encoding="utf-8"))["features"])
    assert _axe_violations(page) == []
    page.screenshot(path=str(shots / "dataset.png"), full_page=True)

    page.select_option("#f-status", "closed")
    page.click(".preview-filter button")
    page.wait_for_load_state()
    statuses = page.locator("table.data tbody tr td:nth-child(3)").all_inner_texts()
    assert statuses and set(statuses) == {"closed"}

    page.click("#language-switch")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("#preview-heading").inner_text() == "Aperçu"
    # the filter is kept across the switch, and the choice is remembered on the next page
    assert "status=closed" in page.url
    # a download from the page: the file the catalogue describes
    page.goto(f"{api}/portal/datasets/{SLUG}")
    with page.expect_download() as download_info:
        page.click("a[href$='/data.csv'][download]")
    saved = tmp_path / "data.csv"
    download_info.value.save_as(saved)
    assert saved.read_text(encoding="utf-8").startswith("request_id,")
    assert page.locator("html").get_attribute("lang") == "fr"
    # version 2 is aggregated to neighbourhoods: a choropleth of its records per area
    page.wait_for_selector("#map[data-features]")
    assert int(page.get_attribute("#map", "data-features")) > 0
    assert page.locator("#area-counts tbody tr").count() > 0
    assert _axe_violations(page) == []

    page.goto(f"{api}/")
    assert page.locator("h1").inner_text() == "Catalogue"
    assert "jeux de données" in page.locator("#results-heading").inner_text()
    assert _axe_violations(page) == []
    context.close()


def test_the_dashboard_shows_its_figures(portal, browser, map_dataset, shots):
    api = portal
    context = browser.new_context(locale="en-CA", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{api}/dashboard")
    assert page.locator(f"#total-{map_dataset}").inner_text() == str(MAP_ROWS)
    assert page.locator("svg.chart").count() >= 3
    assert _axe_violations(page) == []
    page.screenshot(path=str(shots / "dashboard.png"), full_page=True)
    page.goto(f"{api}/portal/requests")
    page.fill("#request-title", "Bike lanes by street")
    page.click("form[action='/portal/requests'] button")
    assert "listed below" in page.locator("#message").inner_text()
    assert _axe_violations(page) == []
    context.close()


def test_pages_fit_a_phone(portal, browser, map_dataset, shots):
    api = portal
    context = browser.new_context(locale="fr-CA", viewport={"width": 375, "height": 740},
                                  is_mobile=True)
    page = context.new_page()
    for path, name in (("/", "catalogue-phone.png"),
                       (f"/portal/datasets/{map_dataset}", "dataset-phone.png")):
        page.goto(f"{api}{path}")
        # nothing but the tables' own scrolling areas is wider than the screen
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.screenshot(path=str(shots / name), full_page=False)
    context.close()


def test_a_visitor_subscribes_and_confirms_through_the_mailed_link(portal, browser,
                                                                    map_dataset, inbox):
    context = browser.new_context(locale="en-CA")
    page = context.new_page()
    page.goto(f"{portal}/portal/datasets/{map_dataset}")
    page.fill("#subscribe-email", "resident@example.org")
    page.click("#subscribe button")
    assert "Check your inbox" in page.locator("#message").inner_text()
    assert _axe_violations(page) == []
    mails = inbox.to("resident@example.org")
    assert len(mails) == 1
    link = re.search(r"https?://\S+/confirm", mails[0].get_content()).group(0)
    page.goto(link)
    assert "Subscription confirmed" in page.locator("#message").inner_text()
    context.close()



@pytest.fixture(scope="module")
def area_portal(publication, area_datasets) -> Iterator[str]:
    """The API serving the session's published dir, where the councils' GeoJSON is."""
    with running_api(env={"CIVIC_PUBLISHED_DIR": os.environ["CIVIC_PUBLISHED_DIR"]}) as base:
        yield base


def _fills(page) -> list[str]:
    return page.eval_on_selector_all("#map path.leaflet-interactive",
                                     "paths => paths.map(p => p.getAttribute('fill'))")


@pytest.mark.parametrize(("width", "height", "name"), [(1280, 900, "choropleth.png"),
                                                       (375, 740, "choropleth-phone.png")])
def test_a_reader_colours_the_councils_by_a_measure_of_their_choice(
        area_portal, browser, shots, width, height, name):
    context = browser.new_context(locale="en-CA", viewport={"width": width, "height": height},
                                  is_mobile=width < 500)
    page = context.new_page()
    page.goto(f"{area_portal}/portal/datasets/{DEMAND}")
    page.wait_for_selector("#map[data-features]")
    # one shape per council, coloured by the per-capita rate first
    assert int(page.get_attribute("#map", "data-features")) == COUNCIL_COUNT
    assert page.locator("#map path.leaflet-interactive").count() == COUNCIL_COUNT
    assert page.get_attribute("#map", "data-measure") == "avg_requests_per_1000_residents"
    rate_fills = _fills(page)
    assert len(set(rate_fills)) == 5 and "#ffffff" not in rate_fills
    assert page.locator("#map-legend li").count() == 6  # five classes and "no data"
    assert page.locator("#measure-submit").is_hidden()
    # hovering a council names it with its value
    page.locator("#map path.leaflet-interactive").nth(10).hover()
    assert re.fullmatch(r".+ NC: [\d,.]+", page.locator(".leaflet-tooltip").inner_text())
    assert _axe_violations(page) == []
    page.screenshot(path=str(shots / name), full_page=width < 500)
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.select_option("#measure", "avg_population")
    page.wait_for_selector("#map[data-measure=avg_population]")
    population_fills = _fills(page)
    assert population_fills != rate_fills and len(set(population_fills)) == 5
    assert page.locator("#map-legend-measure").inner_text() == "population (residents)"
    # the table under the map (closed) lists the measure shown
    assert page.locator("#area-measure").text_content() == "population (residents)"
    page.locator("#map path.leaflet-interactive").nth(10).hover()
    assert re.fullmatch(r".+ NC: [\d,]+", page.locator(".leaflet-tooltip").inner_text())
    assert _axe_violations(page) == []
    context.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_the_preview_words_input_stays_usable_beside_many_selects(area_portal, browser,
                                                                   width):
    context = browser.new_context(locale="en-CA", viewport={"width": width, "height": 800},
                                  is_mobile=width < 500)
    page = context.new_page()
    page.goto(f"{area_portal}/portal/datasets/{SLUG}")
    # as many selects as the demo's service_requests has (the test data has one): its
    # field, copied
    page.evaluate("""() => {
        const field = document.querySelector('.preview-filter select').parentElement;
        for (let i = 0; i < 8; i += 1) {
            const copy = field.cloneNode(true);
            copy.querySelector('select').id = 'copy-' + i;
            copy.querySelector('label').htmlFor = 'copy-' + i;
            field.after(copy);
        }
    }""")
    assert page.locator(".preview-filter select").count() == 9
    box = page.locator("#pq").bounding_box()
    assert box["width"] >= min(250, width - 80), box
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
