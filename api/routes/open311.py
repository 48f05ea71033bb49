"""Open311 GeoReport v2 read endpoints over the published service requests.

    GET /open311/v2/discovery.json
    GET /open311/v2/services.{json|xml}
    GET /open311/v2/requests.{json|xml}?service_code=&status=&start_date=&end_date=&page=&page_size=
    GET /open311/v2/requests/{service_request_id}.{json|xml}

Errors are GeoReport's error documents, in the format asked for.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from api.deps import AsyncDbDep, SettingsDep
from api.open311 import queries, render
from api.open311.fields import FieldMap, NotAServiceRequestTable
from catalog import public

router = APIRouter(prefix="/open311/v2", tags=["open311"])

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# when these endpoints last changed what they serve (discovery's changeset)
CHANGESET = "2026-11-29T00:00:00Z"
MEDIA_TYPES = {"json": "application/json", "xml": "text/xml; charset=utf-8"}
# GeoReport v2 returns at most 1,000 requests at a time
MAX_PAGE_SIZE = 1_000


class Open311Error(Exception):
    def __init__(self, code: int, description: str, fmt: str) -> None:
        super().__init__(description)
        self.code, self.description, self.fmt = code, description, fmt

    def response(self) -> Response:
        fmt = self.fmt if self.fmt in MEDIA_TYPES else "json"
        return Response(render.errors(self.code, self.description, fmt),
                        status_code=self.code, media_type=MEDIA_TYPES[fmt])


def _format(fmt: str) -> str:
    if fmt not in MEDIA_TYPES:
        raise Open311Error(404, f"unknown format '.{fmt}': use .json or .xml", "json")
    return fmt


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _w3c_date(value: str | None, name: str, zone: ZoneInfo, fmt: str) -> dt.datetime | None:
    """A W3C date or date-time as the published (local wall-clock) time it means."""
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(400, f"{name}: '{value}' is not a W3C date-time such as "
                                "2017-12-28T00:00:00-08:00", fmt) from None
    return parsed.astimezone(zone).replace(tzinfo=None) if parsed.tzinfo else parsed


async def _published_table(db, settings, fmt: str) -> tuple[str, FieldMap]:
    version = await public.get_version_async(db, slug=settings.open311_dataset)
    if version is None:
        raise Open311Error(404, f"the service requests ({settings.open311_dataset}) are "
                                "not published yet", fmt)
    table = version["table_name"]
    try:
        return table, FieldMap.from_columns(await queries.table_columns(db, table_name=table))
    except NotAServiceRequestTable as exc:
        raise Open311Error(500, f"{settings.open311_dataset}: {exc}", fmt) from exc


def _document(documents: list[dict[str, Any]], fmt: str, *, root: str, item: str) -> Response:
    body = (render.to_json(documents) if fmt == "json"
            else render.to_xml(documents, root=root, item=item))
    return Response(body, media_type=MEDIA_TYPES[fmt])


@router.get("/discovery.json", summary="Where this Open311 server is and what it speaks")
async def discovery(settings: SettingsDep) -> JSONResponse:
    base = settings.public_base_url.rstrip("/")
    return JSONResponse({
        "changeset": CHANGESET,
        "contact": settings.catalog_contact_email or "",
        "key_service": "No key: the read endpoints are open.",
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": f"{base}/open311/v2",
            "changeset": CHANGESET,
            "type": "production",
            "formats": ["application/json", "text/xml"],
        }],
    })


@router.get("/services.{fmt}", summary="The service types requests are made for")
async def services(fmt: str, db: AsyncDbDep, settings: SettingsDep) -> Response:
    try:
        fmt = _format(fmt)
        table, fields = await _published_table(db, settings, fmt)
    except Open311Error as exc:
        return exc.response()
    rows = await queries.services(db, table_name=table, fields=fields)
    return _document([render.service_document(row) for row in rows], fmt,
                     root="services", item="service")


@router.get("/requests.{fmt}", summary="Service requests, newest first, filtered")
async def requests(
    fmt: str, db: AsyncDbDep, settings: SettingsDep,
    service_code: str | None = Query(None, description="one code, or several comma-separated"),
    status: str | None = Query(None, description="open or closed"),
    start_date: str | None = Query(None, description="W3C date-time: requested on or after"),
    end_date: str | None = Query(None, description="W3C date-time: requested on or before"),
    page: int = Query(1, description="page number, from 1"),
    page_size: int = Query(MAX_PAGE_SIZE, description=f"requests per page, at most "
                                                       f"{MAX_PAGE_SIZE}"),
) -> Response:
    try:
        fmt = _format(fmt)
        zone = _zone(settings.open311_timezone)
        if status not in (None, "", "open", "closed"):
            raise Open311Error(400, f"status: '{status}' is not open or closed", fmt)
        if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
            raise Open311Error(400, f"page counts from 1 and page_size is 1 to {MAX_PAGE_SIZE}",
                               fmt)
        start = _w3c_date(start_date, "start_date", zone, fmt)
        end = _w3c_date(end_date, "end_date", zone, fmt)
        if start and end and end < start:
            raise Open311Error(400, "end_date is before start_date", fmt)
        table, fields = await _published_table(db, settings, fmt)
    except Open311Error as exc:
        return exc.response()
    codes = [code.strip() for code in (service_code or "").split(",") if code.strip()]
    rows = await queries.requests(db, table_name=table, fields=fields, service_codes=codes,
                                  status=status or None, start=start, end=end,
                                  limit=page_size, offset=(page - 1) * page_size)
    return _document([render.request_document(row, zone) for row in rows], fmt,
                     root="service_requests", item="request")


@router.get("/requests/{service_request_id}.{fmt}", summary="One service request")
async def request(service_request_id: str, fmt: str, db: AsyncDbDep,
                  settings: SettingsDep) -> Response:
    try:
        fmt = _format(fmt)
        table, fields = await _published_table(db, settings, fmt)
        row = await queries.request_by_id(db, table_name=table, fields=fields,
                                          request_id=service_request_id)
        if row is None:
            raise Open311Error(404, f"no service request '{service_request_id}'", fmt)
    except Open311Error as exc:
        return exc.response()
    return _document([render.request_document(row, _zone(settings.open311_timezone))], fmt,
                     root="service_requests", item="request")
