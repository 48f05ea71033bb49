"""Public catalogue and data: only published versions are visible here.

Async routes on the async pool: a request waiting for a connection holds no thread.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Coroutine
from contextlib import suppress
from typing import Any
from urllib.parse import urlencode

import psycopg
from fastapi import APIRouter, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute

from api.deps import (
    AsyncDbDep,
    SettingsDep,
    current_settings,
    database,
    dataset_not_found,
    version_not_found,
)
from api.query import output
from api.query.cursor import decode_cursor, encode_cursor, query_digest, read_cursor
from api.query.errors import QueryError
from api.query.execute import Page, fetch_groups, fetch_page
from api.query.fragments import Fragment
from api.query.params import FORMATS, DataQuery, parse_format, parse_query
from api.query.schema import TableSchema, table_schema
from api.query.sorting import total_order
from api.query.values import parse_integer
from api.schemas import (
    Column,
    DataPage,
    DatasetDetail,
    DatasetSummary,
    Links,
    Title,
    VersionSummary,
)
from catalog import public

MAX_PAGE_SIZE = 5_000
# deeper than this, offset paging reads and drops too many rows: the cursor is for that
MAX_OFFSET = 1_000_000
SCHEMAS_KEPT = 512


class BadRequestOnInvalidParameters(APIRoute):
    """A parameter FastAPI cannot read (an offset beyond bigint, a limit of -1) is a bad
    request like any other: 400 naming it, as the query API answers its own checks."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                problems = "; ".join(
                    f"{'.'.join(str(part) for part in error['loc'][1:]) or 'request'}: "
                    f"{error['msg']}" for error in exc.errors())
                return JSONResponse({"detail": problems}, status_code=400)

        return handle


router = APIRouter(prefix="/datasets", tags=["datasets"],
                   route_class=BadRequestOnInvalidParameters)

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "A parameter that cannot be honoured; the message names it and "
                         "what was expected"},
    404: {"description": "No published dataset, or version, of that name"},
    503: {"description": "The database is busy or unavailable; retry after `Retry-After` "
                         "seconds"},
}


def _links(base: str, slug: str) -> Links:
    return Links(self=f"{base}/datasets/{slug}", data=f"{base}/datasets/{slug}/data",
                 csv=f"{base}/datasets/{slug}/latest/data.csv")


def _summary(base: str, row: dict[str, Any]) -> DatasetSummary:
    return DatasetSummary(
        slug=row["slug"], title=Title(en=row["title_en"], fr=row["title_fr"]),
        latest_version=row["version"], row_count=row["row_count"],
        published_at=row["published_at"], links=_links(base, row["slug"]),
    )


@router.get("", response_model=list[DatasetSummary], summary="Published datasets",
            responses={503: _ERRORS[503]})
async def list_datasets(db: AsyncDbDep, settings: SettingsDep) -> list[DatasetSummary]:
    rows = await public.list_published_async(db)
    return [_summary(settings.public_base_url, row) for row in rows]


@router.get("/{slug}", response_model=DatasetDetail, summary="A dataset's metadata",
            responses={404: _ERRORS[404], 503: _ERRORS[503]})
async def get_dataset(slug: str, db: AsyncDbDep, settings: SettingsDep) -> DatasetDetail:
    versions = await public.list_versions_async(db, slug=slug)
    dataset = await public.get_dataset_async(db, slug=slug)
    if not versions or dataset is None:
        raise dataset_not_found(slug)
    latest = versions[0]
    meta = dataset["spec"].get("metadata", {})
    base = settings.public_base_url
    return DatasetDetail(
        **_summary(base, {**dataset, **latest}).model_dump(),
        description=Title(**meta.get("description", {})),
        keywords=meta.get("keywords", {}),
        publisher=meta.get("publisher"),
        license=meta.get("license", {}),
        update_frequency=meta.get("update_frequency"),
        columns=[Column(name=c["name"], type=c["type"]) for c in latest["columns"]],
        versions=[VersionSummary(
            version=v["version"], row_count=v["row_count"], published_at=v["published_at"],
            csv=f"{base}/datasets/{slug}/versions/{v['version']}/data.csv") for v in versions],
    )


@router.get("/{slug}/versions", response_model=list[VersionSummary],
            summary="Every published version", responses={404: _ERRORS[404], 503: _ERRORS[503]})
async def versions(slug: str, db: AsyncDbDep, settings: SettingsDep) -> list[VersionSummary]:
    rows = await public.list_versions_async(db, slug=slug)
    if not rows:
        raise dataset_not_found(slug)
    base = settings.public_base_url
    return [VersionSummary(version=v["version"], row_count=v["row_count"],
                           published_at=v["published_at"],
                           csv=f"{base}/datasets/{slug}/versions/{v['version']}/data.csv")
            for v in rows]


# ---------------------------------------------------------------------------- data

# a version's table, columns and dictionary never change once published
_SCHEMAS: OrderedDict[tuple[str, int], TableSchema] = OrderedDict()
# the version each dataset's `latest` was last found at, in this worker: a page of the
# latest version reads that version's table and checks in the same statement (one round
# trip, one snapshot) that it is still the latest; if a publication made it otherwise,
# the answer is dropped and the request answered again from a fresh lookup, so no answer
# ever comes from a version older than the latest published when its statement ran
_LATEST: dict[str, TableSchema] = {}


async def _schema(db: psycopg.AsyncConnection, slug: str, version: int | None) -> TableSchema:
    number = version
    if number is None:
        number = await public.latest_version_number_async(db, slug=slug)
        if number is None:
            raise dataset_not_found(slug)
    known = _SCHEMAS.get((slug, number))
    if known is not None:
        _SCHEMAS.move_to_end((slug, number))
        return known
    found = await public.get_version_async(db, slug=slug, version=number)
    if found is None:
        if await public.latest_version_number_async(db, slug=slug) is None:
            raise dataset_not_found(slug)
        raise version_not_found(slug, number)
    schema = _SCHEMAS[(slug, number)] = table_schema(found)
    while len(_SCHEMAS) > SCHEMAS_KEPT:
        _SCHEMAS.popitem(last=False)
    return schema


def _link(request: Request, settings, **replace: str | int) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items()
              if k not in ("offset", "cursor")]
    params += [(k, str(v)) for k, v in replace.items()]
    return f"{settings.public_base_url}{request.url.path}?{urlencode(params)}"


async def _rows_page(request: Request, db, settings, schema: TableSchema, query: DataQuery,
                     fmt: str, limit: int, offset: int | None, cursor: str | None,
                     check: Fragment | None = None) -> tuple[TableSchema, Page, str | None]:
    after = None
    if cursor is not None:
        if offset is not None:
            raise QueryError("cursor", "page either by offset or by cursor, not both")
        content = read_cursor(cursor, secret=settings.cursor_key)
        if content["v"] != schema.version:
            if request.path_params.get("version") is not None:
                raise QueryError("cursor", f"this cursor pages through version {content['v']},"
                                           f" not {schema.version}")
            # a cursor keeps reading the version it started on
            schema = await _schema(db, schema.slug, content["v"])
            query = parse_query(schema, request.query_params.multi_items())
        keys = total_order(schema, query.sort)
        after = decode_cursor(content, keys=keys, query=query_digest(query.canonical())).values
    keys = total_order(schema, query.sort)
    shown = query.fields or schema.names
    extra = [key.column.name for key in keys]
    if fmt == "geojson":
        extra += output.geometry_columns(schema)
    page = await fetch_page(db, schema, query, keys=keys, output=shown, extra=extra,
                            limit=limit, offset=offset or 0, after=after, check=check)
    next_url = None
    if page.last is not None:
        token = encode_cursor(version=schema.version, query=query_digest(query.canonical()),
                              keys=keys, row=page.last, secret=settings.cursor_key)
        next_url = _link(request, settings, cursor=token)
    return schema, page, next_url


async def _data(request: Request, db, settings, slug: str, version: int | None,
                limit: int | None, offset: int | None, cursor: str | None,
                format: str | None) -> Response:
    if version is None and (presumed := _LATEST.get(slug)) is not None:
        # an error (a field the presumed version lacks, its table gone) is answered only
        # after a fresh lookup, below
        with suppress(HTTPException, psycopg.errors.UndefinedTable):
            answer = await _answer(request, db, settings, presumed, limit, offset, cursor,
                                   format, latest=True)
            if answer is not None:
                return answer
    schema = await _schema(db, slug, version)
    if version is None:
        if len(_LATEST) >= SCHEMAS_KEPT:
            _LATEST.clear()
        _LATEST[slug] = schema
    answer = await _answer(request, db, settings, schema, limit, offset, cursor, format,
                           latest=False)
    assert answer is not None  # only a check of the latest version refuses an answer
    return answer


async def _answer(request: Request, db, settings, schema: TableSchema, limit: int | None,
                  offset: int | None, cursor: str | None, format: str | None, *,
                  latest: bool) -> Response | None:
    """The page of `schema`; with `latest`, None unless `schema` is still the dataset's
    latest version when the page is read."""
    check = Fragment(public.latest_version_number_sql(), (schema.slug,)) if latest else None
    try:
        query = parse_query(schema, request.query_params.multi_items())
        fmt = parse_format(format, request.headers.get("accept"))
        limit = limit or settings.default_page_size
        if query.aggregated:
            if cursor is not None:
                raise QueryError("cursor", "groups are paged by offset")
            if fmt == "geojson":
                raise QueryError("format", "groups have no geometry; ask for json or csv")
            if latest and await public.latest_version_number_async(
                    db, slug=schema.slug) != schema.version:
                return None
            page = await fetch_groups(db, schema, query, limit=limit, offset=offset or 0)
            end = (offset or 0) + limit
            next_url = _link(request, settings, offset=end) if end < page.total else None
        else:
            presumed = schema
            schema, page, next_url = await _rows_page(request, db, settings, schema, query,
                                                      fmt, limit, offset, cursor, check)
            if latest:
                found = page.checked
                if found is None:  # no row to carry the check
                    found = await public.latest_version_number_async(db, slug=schema.slug)
                if found != presumed.version:
                    return None
    except QueryError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None
    except psycopg.errors.DataError as exc:
        # a value of the right type that the column still cannot hold (out of its range)
        raise HTTPException(status_code=400, detail=f"a value does not fit its field: "
                                                    f"{exc.diag.message_primary}") from None
    return _render(schema, page, fmt, limit=limit, offset=None if cursor else (offset or 0),
                   next_url=next_url)


def _render(schema: TableSchema, page: Page, fmt: str, *, limit: int, offset: int | None,
            next_url: str | None) -> Response:
    headers = {"X-Total-Count": str(page.total),
               "X-Total-Is-Estimate": "true" if page.total_is_estimate else "false"}
    if next_url:
        headers["Link"] = f'<{next_url}>; rel="next"'
    if fmt == "csv":
        return Response(output.to_csv(page.columns, page.rows),
                        media_type="text/csv; charset=utf-8", headers=headers)
    if fmt == "geojson":
        return Response(output.to_geojson(schema, page.columns, page.rows, total=page.total,
                                          total_is_estimate=page.total_is_estimate,
                                          next_url=next_url),
                        media_type="application/geo+json", headers=headers)
    rows = page.rows
    if rows and list(rows[0]) != page.columns:  # drop the columns read only for the cursor
        rows = [{name: row[name] for name in page.columns} for row in rows]
    return Response(output.to_json({
        "slug": schema.slug, "version": schema.version, "total": page.total,
        "total_is_estimate": page.total_is_estimate, "limit": limit, "offset": offset,
        "columns": page.columns, "rows": rows, "next": next_url}),
        media_type="application/json", headers=headers)


QUERY_DESCRIPTION = """
Rows of the version, typed by its data dictionary. Every parameter not listed below is a
**field filter**: `<field>=<value>` (equality; repeated: any of the values) or
`<field>__<operator>=<value>` with the operators `eq`, `ne`, `in` (comma-separated
values), `gt`, `gte`, `lt`, `lte` (numbers, dates, times), `null` (`true`/`false`) and
`prefix` (text). A value that is not of its field's type, or an unknown field, is
answered 400 naming it. A field named like a parameter below is filtered with
`<field>__eq=`.

Examples: `?status=closed&created_at__gte=2026-01-01&request_type__in=Pothole repair,Graffiti
removal&sort=-created_at&fields=request_id,created_at,status` ·
`?q=streetlight&neighbourhood=Old Town` · `?bbox=-75.8,45.3,-75.6,45.4` ·
`?group_by=neighbourhood,created_at:month&agg=count,avg(response_time_hours)&sort=-count`.

**Paging.** `limit` (1–5000, default 100) with `offset` (up to 1,000,000), or follow
`next`: a cursor link that stays fast however deep the page, keeps reading the version it
started on, and is refused (400) if altered or reused with other filters. `total` is
exact unless `total_is_estimate` is true (then it is PostgreSQL's estimate).

**Formats.** `format=json` (default), `csv` or `geojson` (datasets with coordinates), or
by `Accept` (`text/csv`, `application/geo+json`).
"""

_PARAMETER_DOCS = {
    "limit": "rows (or groups) per page, 1-5000; default 100",
    "offset": "rows (or groups) to skip, up to 1,000,000; deeper pages: follow `next`",
    "cursor": "the opaque cursor of a `next` link",
    "sort": "fields to order by, comma-separated; `-` before a field for descending, e.g. "
            "`-created_at,request_id`. With group_by: the output columns",
    "fields": "the fields to return, comma-separated (default: all)",
    "q": "full-text search over the text fields: words, \"a phrase\", -excluded, or",
    "bbox": "west,south,east,north in degrees (EPSG:4326): rows whose coordinates are inside",
    "within": "a GeoJSON Polygon or MultiPolygon (or a Feature holding one): rows whose "
              "coordinates are inside",
    "near": "longitude,latitude,metres: rows within that distance of the point",
    "group_by": "fields to group by, comma-separated; a date or time field may name a period:"
                " `created_at:month` (year, quarter, month, week, day, hour)",
    "agg": "aggregates of each group: count, count(field), sum(field), avg(field), "
           "min(field), max(field); default count",
    "format": "json (default), csv or geojson",
}


def _parameter(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False,
            "description": _PARAMETER_DOCS[name], "schema": schema}


# documented here and read by api/query (one pass, its own 400s): FastAPI declaring a
# dozen Query() parameters costs more per request than the page's SQL
_QUERY_PARAMETERS = [
    _parameter("limit", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}),
    _parameter("offset", {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}),
    *(_parameter(name, {"type": "string"}) for name in (
        "cursor", "sort", "fields", "q", "bbox", "within", "near", "group_by", "agg")),
    _parameter("format", {"type": "string", "enum": list(FORMATS)}),
]
_DATA_ROUTE: dict[str, Any] = {
    "response_model": DataPage, "description": QUERY_DESCRIPTION,
    "responses": {200: {"description": "A page of rows or groups", "content": {
        "text/csv": {}, "application/geo+json": {}}}, **_ERRORS},
    "openapi_extra": {"parameters": _QUERY_PARAMETERS},
}


def _integer(request: Request, name: str, low: int, high: int) -> int | None:
    values = request.query_params.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise QueryError(name, "given more than once")
    number = parse_integer(values[0])
    if number is None or not low <= number <= high:
        raise QueryError(name, f"expected an integer from {low:,} to {high:,}")
    return number


async def _query(request: Request, slug: str, version: int | None) -> Response:
    """The data routes take their connection here rather than as a dependency (FastAPI's
    generator dependencies cost more per request than the page's SQL); it goes back to
    the pool, as a dependency's would, before the response is sent."""
    settings = await current_settings(request)
    try:
        limit = _integer(request, "limit", 1, MAX_PAGE_SIZE)
        offset = _integer(request, "offset", 0, MAX_OFFSET)
        cursors = request.query_params.getlist("cursor")
        formats = request.query_params.getlist("format")
        if len(cursors) > 1 or len(formats) > 1:
            raise QueryError("cursor" if len(cursors) > 1 else "format", "given more than once")
    except QueryError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None
    async with database(request).connection() as db:
        return await _data(request, db, settings, slug, version, limit, offset,
                           cursors[0] if cursors else None, formats[0] if formats else None)


@router.get("/{slug}/data", summary="Query the latest version", **_DATA_ROUTE)
async def latest_data(request: Request, slug: str) -> Response:
    return await _query(request, slug, None)


@router.get("/{slug}/versions/{version}/data", summary="Query one published version",
            **_DATA_ROUTE)
async def version_data(request: Request, slug: str, version: int) -> Response:
    return await _query(request, slug, version)
