"""The transparency report rendered from the published city datasets: its PDF holds the
key figures, each checked against the source files; the API lists and serves it; its
first page is drawn as a PNG (pdftoppm) for a person to look at."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import psycopg
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from catalog.database import libpq_url
from civic_assets.report.render import money
from civic_assets.settings import get_settings

pytestmark = pytest.mark.slow

LA_CSV = "la-311/MyLA311_Service_Request_Data_2017_Subset.csv"
BUDGET_CSV = "oakland-budget/FY22-23__adopted.csv"


@pytest.fixture(scope="module")
def report(city_published, database_url):
    from civic_assets.demo.city import render_report

    report_id = render_report()
    with psycopg.connect(libpq_url(database_url)) as conn:
        files = conn.execute("SELECT files FROM catalog.reports WHERE id = %s",
                             (report_id,)).fetchone()[0]
    root = Path(get_settings().published_root())
    return {"id": report_id, "pdf": root / files["pdf"]["path"],
            "html": root / files["html"]["path"]}


@pytest.fixture(scope="module")
def pdf_text(report) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: apt-get install poppler-utils (.ci/run does)")
    done = subprocess.run(["pdftotext", "-layout", str(report["pdf"]), "-"], check=True,
                          capture_output=True, text=True)
    return " ".join(done.stdout.split())


def test_the_pdf_states_the_key_figures(report, pdf_text, shared_data):
    requests = pd.read_csv(shared_data / LA_CSV, dtype=str)
    bulky = requests[(requests["RequestType"] == "Bulky Items") & (requests["Status"] == "Closed")]
    fmt = "%m/%d/%Y %I:%M:%S %p"
    hours = (pd.to_datetime(bulky["ClosedDate"], format=fmt)
             - pd.to_datetime(bulky["CreatedDate"], format=fmt)).dt.total_seconds() / 3600
    budget = pd.read_csv(shared_data / BUDGET_CSV)
    police = budget[(budget["department"] == "Police") & (budget["account_type"] == "Expense")]

    assert "Transparency Report" in pdf_text
    assert f"{len(requests):,}" in pdf_text  # 9,999 requests
    count = (requests["RequestType"] == "Bulky Items").sum()
    # the table's row: requests, median and 90th percentile of the hours to close
    assert f"Bulky Items {count:,} {hours.median():.1f} h {hours.quantile(0.9):.1f} h" in pdf_text
    assert f"Police {money(police['amount'].sum())}" in pdf_text  # $342.4 million
    assert "Response time by Neighborhood Council" in pdf_text
    assert "The open data platform" in pdf_text
    assert "Los Angeles 311 Service Performance" in pdf_text
    pages = subprocess.run(["pdfinfo", str(report["pdf"])], check=True, capture_output=True,
                           text=True).stdout
    assert 3 <= int(next(line.split()[-1] for line in pages.splitlines()
                         if line.startswith("Pages:"))) <= 8


def test_the_html_draws_the_council_map(report):
    html = report["html"].read_text(encoding="utf-8")
    assert html.count("<path d=") >= 99  # one area per Neighborhood Council
    assert "<title>Median hours to close by Neighborhood Council</title>" in html


def test_the_api_lists_and_serves_the_report(report, database_url):
    with TestClient(create_app()) as client:
        listed = client.get("/reports").json()
        latest = next(r for r in listed if r["id"] == report["id"])
        assert latest["figures"]["requests"] == 9_999
        assert latest["inputs"]["la_service_requests"] >= 1
        pdf = client.get("/reports/transparency_report/latest.pdf")
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        assert pdf.content == report["pdf"].read_bytes()
        again = client.get(f"/reports/transparency_report/{report['id']}.pdf",
                           headers={"If-None-Match": pdf.headers["etag"]})
        assert again.status_code == 304
        assert client.get("/reports/transparency_report/latest.docx").status_code == 404
        assert "/reports/transparency_report/latest.pdf" in client.get("/").text


def test_first_page_as_png(report, tmp_path):
    """`make screenshots` keeps it in var/screenshots (CIVIC_SCREENSHOTS_DIR)."""
    folder = Path(os.environ.get("CIVIC_SCREENSHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                    str(report["pdf"]), str(folder / "transparency_report_page1")], check=True)
    png = folder / "transparency_report_page1.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
