"""`transparency_report/published`: the report rendered from the published datasets, its
files written beside the datasets' (`<published dir>/transparency_report/<id>/`) and
recorded in the catalogue, where the API lists and serves them.

It runs when its inputs are published again (an eager automation condition) and on the
first of each month (the schedule in defs/report.py).
"""

import hashlib
import os
import tempfile
from pathlib import Path

import dagster as dg

from catalog.reports import record_report
from civic_assets.keys import published_key
from civic_assets.publish.files import published_root
from civic_assets.report.figures import INPUTS, read_figures
from civic_assets.report.render import TITLE, render_html, render_pdf
from civic_assets.resources import CivicDatabase
from civic_assets.settings import get_settings

REPORT_NAME = "transparency_report"
REPORT_KEY = dg.AssetKey([REPORT_NAME, "published"])
MEDIA_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}


def _write(folder: Path, name: str, data: bytes) -> tuple[int, str]:
    """Write a file whole or not at all (a reader never sees half a PDF)."""
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, delete=False) as handle:
        handle.write(data)
    os.replace(handle.name, folder / name)
    return len(data), hashlib.sha256(data).hexdigest()


@dg.asset(
    key=REPORT_KEY,
    deps=[published_key(slug) for slug in INPUTS],
    group_name=REPORT_NAME,
    kinds={"html", "pdf"},
    owners=["team:open-data"],
    automation_condition=dg.AutomationCondition.eager(),
    description=(
        "The transparency report, HTML and PDF: key figures of the city's 311 service "
        "(performance by type, a map of response times by council, demand and equity, "
        "patterns), the budget summary and the platform's own figures (datasets, "
        "freshness, downloads), from the published datasets. Listed at /reports."),
)
def transparency_report(context: dg.AssetExecutionContext,
                        civic_db: CivicDatabase) -> dg.MaterializeResult:
    with civic_db.connect() as conn:
        figures = read_figures(conn)
        html = render_html(figures)
        pdf = render_pdf(html)
        stamp = figures.generated_at.strftime("%Y%m%dT%H%M%SZ")
        relative = Path(REPORT_NAME) / stamp
        folder = published_root() / relative
        files = {}
        for fmt, data in (("html", html.encode("utf-8")), ("pdf", pdf)):
            size, sha256 = _write(folder, f"report.{fmt}", data)
            files[fmt] = {"path": str(relative / f"report.{fmt}"), "bytes": size,
                          "sha256": sha256, "media_type": MEDIA_TYPES[fmt]}
        report_id = record_report(conn, name=REPORT_NAME, title=TITLE, period=figures.period(),
                                  files=files, figures=figures.key_figures(),
                                  inputs=figures.inputs)
    base = get_settings().public_base_url.rstrip("/")
    context.log.info(f"report {report_id}: {figures.period()}; {len(pdf):,} bytes of PDF")
    key = figures.key_figures()
    return dg.MaterializeResult(metadata={
        "report_id": report_id,
        "period": figures.period(),
        "pdf": dg.MetadataValue.url(f"{base}/reports/{REPORT_NAME}/latest.pdf"),
        "html": dg.MetadataValue.url(f"{base}/reports/{REPORT_NAME}/latest.html"),
        "pdf_bytes": len(pdf),
        "requests": key["requests"],
        "median_hours_to_close": round(key["median_hours_to_close"], 1),
        "share_closed_within_target": round(key["share_closed_within_target"], 3),
        "datasets_published": key["datasets_published"],
        "inputs": dg.MetadataValue.json(figures.inputs),
    })
