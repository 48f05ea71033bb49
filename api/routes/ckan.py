"""The CKAN Action API, read side, at `/api/3/action/<action>` and `/api/action/<action>`
(see api/ckan/ for what is mapped how).

Parameters come as CKAN takes them: the query string, a form, or a JSON body (POST, what
`ckanapi` sends). Answers are CKAN's envelopes, `{"help", "success": true, "result"}`,
and errors `{"help", "success": false, "error": {"__type", "message"}}` with CKAN's
status codes: 404 Not Found Error, 409 Validation Error, 403 Authorization Error, 400
for a body that is not a JSON object, a bad search query or an unknown action. Never a
redirect: ckanapi POSTs and does not follow them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

import psycopg
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.datastructures import ImmutableMultiDict

from api.catalogue import published_datasets
from api.ckan import datastore
from api.ckan.errors import CkanError, NotFound, ValidationError
from api.ckan.packages import (
    DATASTORE_FORMAT,
    organization_of,
    package_of,
    resource_id,
    tag_dict,
    tags_of,
)
from api.ckan.params import Params
from api.ckan.search import search_packages
from api.core.config import Settings
from api.deps import DbDep, SettingsDep
from catalog import public
from metadata.dcat import PublishedDataset

router = APIRouter(tags=["ckan"])

PREFIXES = ("/api/3/action", "/api/action")
# the CKAN release whose Action API this one answers like
CKAN_VERSION = "2.10.0"
SEARCH_ROWS_MAX = 1000
_VERSION_TABLE = re.compile(r"^(?P<slug>[a-z][a-z0-9_]*)__v(?P<version>\d+)$")


class BadRequest(CkanError):
    """The request itself cannot be read (CKAN's `Bad request - JSON Error: …`)."""


@dataclass
class ActionRequest:
    params: Params
    error: CkanError | None = None


def _mixed(items: list[tuple[str, Any]]) -> dict[str, Any]:
    """A key given once is a value, given more than once a list (CKAN's reading)."""
    found: dict[str, list[Any]] = {}
    for key, value in items:
        found.setdefault(key, []).append(value)
    return {key: values[0] if len(values) == 1 else values for key, values in found.items()}


async def read_action_request(request: Request) -> ActionRequest:
    """The action's parameters: a form, else the query string, else a JSON body."""
    if request.method == "POST":
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded",
                                    "multipart/form-data")):
            form = await request.form()
            return ActionRequest(Params(_mixed(
                [(k, v) for k, v in form.multi_items() if isinstance(v, str)])))
        if not request.query_params:
            body = await request.body()
            if not body.strip():
                return ActionRequest(Params({}))
            try:
                data = json.loads(body)
            except ValueError as exc:
                return ActionRequest(Params({}), BadRequest(f"JSON Error: {exc}"))
            if not isinstance(data, dict):
                return ActionRequest(Params({}), BadRequest(
                    "Bad request data: Request data JSON decoded to "
                    f"{type(data).__name__} but it needs to be a dictionary."))
            return ActionRequest(Params(data))
    query: ImmutableMultiDict = request.query_params
    return ActionRequest(Params(_mixed(list(query.multi_items()))))


ActionRequestDep = Annotated[ActionRequest, Depends(read_action_request)]


@dataclass
class Context:
    db: psycopg.Connection
    settings: Settings
    params: Params
    path: str

    @property
    def base(self) -> str:
        return self.settings.public_base_url.rstrip("/")

    def datasets(self) -> list[PublishedDataset]:
        return published_datasets(self.db)

    def packages(self) -> list[dict[str, Any]]:
        info = self.settings.catalog_info()
        return [package_of(d, info, base_url=self.base) for d in self.datasets()]


Action = Callable[[Context], Any]
ACTIONS: dict[str, Action] = {}


def action(function: Action) -> Action:
    ACTIONS[function.__name__] = function
    return function


def _find_package(ctx: Context, id_or_name: str) -> dict[str, Any]:
    for package in ctx.packages():
        if id_or_name in (package["id"], package["name"]):
            return package
    raise NotFound(f"no published dataset '{id_or_name}'")


# ---------------------------------------------------------------------------- actions


@action
def status_show(ctx: Context) -> dict[str, Any]:
    """The site: its title, address, and the CKAN API release it answers like."""
    info = ctx.settings.catalog_info()
    return {"site_title": info.title.get("en"), "site_description": info.description.get("en"),
            "site_url": ctx.base, "ckan_version": CKAN_VERSION, "error_emails_to": None,
            "locale_default": "en", "extensions": ["datastore"]}


@action
def package_list(ctx: Context) -> list[str]:
    """The names of the published datasets. Parameters: limit, offset."""
    limit = ctx.params.integer("limit", default=-1, minimum=-1)
    offset = ctx.params.integer("offset", default=0)
    names = sorted(row["slug"] for row in public.list_published_specs(ctx.db))
    return names[offset:] if limit < 0 else names[offset:offset + limit]


@action
def package_show(ctx: Context) -> dict[str, Any]:
    """A published dataset as a CKAN package. Parameters: id (its name or id)."""
    return _find_package(ctx, ctx.params.text("id", required=True) or "")


@action
def package_search(ctx: Context) -> dict[str, Any]:
    """Search the published datasets. Parameters: q, fq (tags:…, organization:…,
    res_format:…, metadata_modified:[… TO …]), rows (default 10, at most 1000), start,
    sort ("score desc, metadata_modified desc"), facet, facet.field (a JSON list among
    tags, organization, res_format, license_id, groups, dataset_type), facet.limit,
    facet.mincount."""
    p = ctx.params
    facet_fields = []
    if p.boolean("facet", default=True):
        facet_fields = p.names("facet.field") or []
    found = search_packages(
        ctx.packages(), q=p.text("q"), fq=p.text("fq"), sort=p.text("sort"),
        rows=p.integer("rows", default=10, maximum=SEARCH_ROWS_MAX),
        start=p.integer("start", default=0, maximum=2**31),
        facet_fields=facet_fields,
        facet_limit=p.integer("facet.limit", default=50, minimum=-1),
        facet_mincount=p.integer("facet.mincount", default=1))
    return {"count": found.count, "results": found.results, "facets": found.facets,
            "search_facets": found.search_facets,
            "sort": p.text("sort") or "score desc, metadata_modified desc"}


def _organizations(ctx: Context) -> dict[str, tuple[Any, list[PublishedDataset]]]:
    info = ctx.settings.catalog_info()
    found: dict[str, tuple[Any, list[PublishedDataset]]] = {}
    for dataset in ctx.datasets():
        organization = organization_of(dataset, info)
        known = found.setdefault(organization.name, (organization, []))
        known[1].append(dataset)
    return found


@action
def organization_list(ctx: Context) -> list[Any]:
    """The publishers of the published datasets. Parameters: all_fields, sort ("name"
    or "title", asc or desc; "title asc" by default), limit, offset, organizations (a
    list of names to keep)."""
    p = ctx.params
    sort = (p.text("sort") or "title asc").split()
    if sort[0] not in ("name", "title", "package_count") or len(sort) > 2 or (
            len(sort) == 2 and sort[1].lower() not in ("asc", "desc")):
        raise ValidationError("sort", "must be name, title or package_count, asc or desc")
    wanted = p.names("organizations")
    rows = [organization.as_dict(package_count=len(datasets))
            for organization, datasets in _organizations(ctx).values()
            if wanted is None or organization.name in wanted]
    rows.sort(key=lambda row: row[sort[0]], reverse=len(sort) == 2 and sort[1] == "desc")
    offset = p.integer("offset", default=0)
    limit = p.integer("limit", default=1000, maximum=1000)
    rows = rows[offset:offset + limit]
    return rows if p.boolean("all_fields", default=False) else [row["name"] for row in rows]


@action
def organization_show(ctx: Context) -> dict[str, Any]:
    """One publisher. Parameters: id (name or id), include_datasets (default false)."""
    wanted = ctx.params.text("id", required=True)
    for organization, datasets in _organizations(ctx).values():
        shown = organization.as_dict(package_count=len(datasets))
        if wanted in (shown["id"], shown["name"]):
            if ctx.params.boolean("include_datasets", default=False):
                info = ctx.settings.catalog_info()
                shown["packages"] = [package_of(d, info, base_url=ctx.base) for d in datasets]
            shown["users"] = []
            shown["extras"] = []
            shown["groups"] = []
            shown["tags"] = []
            return shown
    raise NotFound(f"no organization '{wanted}'")


@action
def tag_list(ctx: Context) -> list[Any]:
    """The tags (keywords) of the published datasets. Parameters: query (a part of the
    tag), all_fields, vocabulary_id (there are no vocabularies: always empty)."""
    if ctx.params.text("vocabulary_id"):
        return []
    query = (ctx.params.text("query") or "").lower()
    names = sorted({tag for d in ctx.datasets() for tag in tags_of(d) if query in tag.lower()})
    if ctx.params.boolean("all_fields", default=False):
        return [tag_dict(name) for name in names]
    return names


@action
def resource_show(ctx: Context) -> dict[str, Any]:
    """One resource (a published file of a dataset's latest version). Parameters: id."""
    wanted = ctx.params.text("id", required=True)
    for package in ctx.packages():
        for resource in package["resources"]:
            if resource["id"] == wanted:
                return resource
    raise NotFound(f"no resource '{wanted}'")


def _datastore_table(ctx: Context, wanted: str) -> datastore.DatastoreTable:
    """The DataStore table a resource id (or its alias, the dataset's name) names."""
    for row in public.list_published_specs(ctx.db):
        slug = row["slug"]
        if wanted in (resource_id(slug, DATASTORE_FORMAT), slug):
            version = public.get_version(ctx.db, slug=slug)
            if version is not None:
                return datastore.DatastoreTable(
                    resource_id=resource_id(slug, DATASTORE_FORMAT),
                    table=version["table_name"],
                    columns=datastore.table_columns(ctx.db, version["table_name"]),
                    dictionary=version.get("dictionary") or {},
                    row_count=version.get("row_count"))
    raise NotFound(f'Resource "{wanted}" was not found.')


@action
def datastore_search(ctx: Context) -> dict[str, Any]:
    """Records of a DataStore resource (the CSV resource of a dataset: its latest
    version). Parameters: resource_id (or the dataset's name), filters (a JSON object;
    a list value is any of), q (full-text, or a JSON object field: text), limit (default
    100, at most 32000), offset, fields, sort ("field asc, other desc"), include_total
    (default true), records_format (objects, lists, csv or tsv)."""
    wanted = ctx.params.text("resource_id") or ctx.params.text("id")
    if not wanted:
        raise ValidationError("resource_id", "Missing value")
    return datastore.search(ctx.db, _datastore_table(ctx, wanted), ctx.params,
                            action_path=ctx.path)


def _resolver(ctx: Context) -> datastore.Resolver:
    tables = {}
    for row in public.list_published_specs(ctx.db):
        version = public.get_version(ctx.db, slug=row["slug"])
        if version is not None:
            tables[row["slug"]] = version["table_name"]
            tables[resource_id(row["slug"], DATASTORE_FORMAT)] = version["table_name"]

    def resolve(name: str, schema: str | None) -> str | None:
        if schema not in (None, "published"):
            return None
        if name in tables:
            return tables[name]
        found = _VERSION_TABLE.match(name)
        if found:
            version = public.get_version(ctx.db, slug=found["slug"],
                                         version=int(found["version"]))
            return version["table_name"] if version else None
        return None

    return resolve


@action
def datastore_search_sql(ctx: Context) -> dict[str, Any]:
    """Run one read-only SELECT over DataStore tables: a resource id ("<uuid>"), a
    dataset's name (its latest version) or a version table (<dataset>__v<N>).
    Parameters: sql. Functions are limited to ones that compute (aggregates, text, math,
    dates, full-text search); at most 32000 records (records_truncated says when more)."""
    text = ctx.params.text("sql", required=True) or ""
    return datastore.search_sql(ctx.db, text, _resolver(ctx),
                                timeout_ms=ctx.settings.ckan_sql_timeout_ms)


@action
def help_show(ctx: Context) -> str:
    """The documentation of an action. Parameters: name."""
    name = ctx.params.text("name", required=True) or ""
    if name not in ACTIONS:
        raise NotFound(f"Action function not found: {name}")
    return " ".join((ACTIONS[name].__doc__ or "").split())


# ---------------------------------------------------------------------------- routes


def _envelope(settings: Settings, name: str, **fields: Any) -> dict[str, Any]:
    base = settings.public_base_url.rstrip("/")
    return {"help": f"{base}/api/3/action/help_show?name={name}", **fields}


def _endpoint(name: str) -> Callable[..., JSONResponse]:
    function = ACTIONS[name]

    def endpoint(request: Request, parsed: ActionRequestDep, db: DbDep,
                 settings: SettingsDep) -> JSONResponse:
        try:
            if parsed.error is not None:
                raise parsed.error
            result = function(Context(db, settings, parsed.params, request.url.path))
        except CkanError as exc:
            return JSONResponse(_envelope(settings, name, success=False, error=exc.error()),
                                status_code=exc.status)
        return JSONResponse(_envelope(settings, name, success=True, result=result))

    endpoint.__name__ = f"ckan_{name}"
    return endpoint


def _unknown_action(name: str, settings: SettingsDep) -> JSONResponse:
    error = BadRequest(f"Action name not known: {name}")
    return JSONResponse(_envelope(settings, name, success=False, error=error.error()),
                        status_code=error.status)


for _name, _function in ACTIONS.items():
    for _prefix in PREFIXES:
        router.add_api_route(
            f"{_prefix}/{_name}", _endpoint(_name), methods=["GET", "POST"],
            summary=f"CKAN {_name}", description=_function.__doc__,
            include_in_schema=_prefix == PREFIXES[0], response_class=JSONResponse)
for _prefix in PREFIXES:
    router.add_api_route(f"{_prefix}/{{name}}", _unknown_action, methods=["GET", "POST"],
                         include_in_schema=False)
