"""Published reports (the transparency report): listed with their key figures, and their
files served at persistent URLs. Files come only from the published dir, at the paths
catalog.reports records; nothing from the request becomes part of a path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, Response

from api.deps import AsyncDbDep, SettingsDep
from catalog import reports

router = APIRouter(prefix="/reports", tags=["reports"])

IMMUTABLE = "public, max-age=31536000, immutable"
FORMATS = ("pdf", "html")


def _links(base: str, report: dict[str, Any]) -> dict[str, str]:
    return {fmt: f"{base}/reports/{report['name']}/{report['id']}.{fmt}"
            for fmt in report["files"]}


@router.get("", summary="Published reports, newest first")
async def list_reports(db: AsyncDbDep, settings: SettingsDep) -> list[dict[str, Any]]:
    base = settings.public_base_url.rstrip("/")
    return [{
        "id": report["id"], "name": report["name"], "title": report["title"],
        "period": report["period"], "created_at": report["created_at"].isoformat(),
        "figures": report["figures"], "inputs": report["inputs"],
        "links": {**_links(base, report),
                  "latest_pdf": f"{base}/reports/{report['name']}/latest.pdf"},
    } for report in await reports.list_reports_async(db)]


def _file(report: dict[str, Any] | None, fmt: str, root: Path, request: Request,
          cache: str) -> Response:
    if fmt not in FORMATS or report is None or fmt not in report["files"]:
        raise HTTPException(status_code=404, detail="no such report or format")
    record = report["files"][fmt]
    path = (root / record["path"]).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise HTTPException(status_code=404, detail="the report's file is missing")
    etag = f'"{record["sha256"]}"'
    headers = {"ETag": etag, "Cache-Control": cache}
    if etag in (request.headers.get("if-none-match") or ""):
        return Response(status_code=304, headers=headers)
    name = f"{report['name']}-{report['id']}.{fmt}"
    return FileResponse(path, media_type=record["media_type"], headers=headers,
                        filename=name if fmt == "pdf" else None,
                        content_disposition_type="inline")


@router.get("/{name}/latest.{fmt}", summary="The latest rendering of a report")
async def latest_file(name: str, fmt: str, request: Request, db: AsyncDbDep,
                      settings: SettingsDep) -> Response:
    report = await reports.get_report_async(db, name=name)
    return _file(report, fmt, settings.published_root(), request, "no-cache")


@router.get("/{name}/{report_id}.{fmt}", summary="One rendering of a report (never changes)")
async def report_file(name: str, report_id: int, fmt: str, request: Request, db: AsyncDbDep,
                      settings: SettingsDep) -> Response:
    report = await reports.get_report_async(db, name=name, report_id=report_id)
    return _file(report, fmt, settings.published_root(), request, IMMUTABLE)
