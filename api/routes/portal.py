"""The public portal: catalogue (`/`), a page per dataset (`/portal/datasets/{slug}`) and
the dashboard (`/dashboard`), server-rendered in English or French. Every API URL and
its JSON stay as they are; these pages only read through the same functions."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import psycopg
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from api.deps import AsyncDbDep, SettingsDep
from api.portal import catalogue as catalogue_view
from api.portal.areas import (
    AreaLayer,
    area_figures,
    area_labels,
    area_layer,
    area_measures,
    choropleth,
    default_measure,
    format_value,
    legend,
    published_geojson,
)
from api.portal.charts import BarChart, decimal, money_full, money_short, percent, signed
from api.portal.dashboard import ON_TIME_HOURS, Figure, dashboard_figures
from api.portal.dataset import anonymization_summary, api_examples, human_size, version_changes
from api.portal.freshness import freshness
from api.portal.i18n import (
    COOKIE,
    FREQUENCIES,
    LANGUAGES,
    ROLES,
    THEMES,
    bilingual,
    choose_language,
    translator,
    vocabulary_label,
)
from api.query.errors import QueryError
from api.query.execute import fetch_groups, fetch_page
from api.query.params import parse_query
from api.query.schema import TEMPORAL_TYPES, TableSchema, table_schema
from api.query.sorting import total_order
from catalog import portal, public
from catalog.usage_log import dataset_usage_async

router = APIRouter(tags=["portal"], include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")

PREVIEW_ROWS = 20
MAP_ROWS = 500
# the longest a language cookie is kept: a year
COOKIE_SECONDS = 365 * 24 * 3600


def _now() -> datetime:
    return datetime.now(UTC)


def _language(request: Request) -> str:
    return choose_language(request.cookies.get(COOKIE), request.headers.get("accept-language"))


def _render(request: Request, name: str, lang: str, context: dict[str, Any], *,
            status_code: int = 200) -> HTMLResponse:
    started = time.perf_counter()
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    other = next(code for code in LANGUAGES if code != lang)
    response = templates.TemplateResponse(request, name, status_code=status_code, context={
        **context, "lang": lang, "t": translator(lang), "bilingual": bilingual,
        "switch_url": f"/portal/language/{other}?{urlencode({'next': here})}",
        "other_lang": other, "date": _date,
        "role": lambda word: vocabulary_label(ROLES, word, lang)})
    response.headers["Server-Timing"] = f"render;dur={(time.perf_counter() - started) * 1000:.1f}"
    response.headers["Content-Language"] = lang
    response.headers["Vary"] = "Accept-Language, Cookie"
    return response


def _date(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d") if value else ""


@router.get("/portal/language/{lang}")
def switch_language(lang: str, next: str = "/") -> RedirectResponse:
    """Remember the language in a cookie and go back to the page the switch was on."""
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    if lang in LANGUAGES:
        response.set_cookie(COOKIE, lang, max_age=COOKIE_SECONDS, samesite="lax")
    return response


# ------------------------------------------------------------------------- catalogue


@router.get("/", response_class=HTMLResponse)
async def catalogue(request: Request, db: AsyncDbDep,
                    q: str = Query("", max_length=200), sort: str = "relevance",
                    page: int = Query(1, ge=1, le=10_000),
                    theme: list[str] = Query([]), publisher: list[str] = Query([]),  # noqa: B008
                    format: list[str] = Query([]), frequency: list[str] = Query([]),  # noqa: B008
                    map: list[str] = Query([])) -> HTMLResponse:  # noqa: B008
    lang = _language(request)
    sort = sort if sort in catalogue_view.SORTS else "relevance"
    rows = await portal.search_published_async(db, text=q)
    selected = {"theme": theme, "publisher": publisher, "format": format,
                "frequency": frequency, "map": map}
    view = catalogue_view.build_page(rows, lang=lang, now=_now(), selected=selected,
                                     sort=sort, page=page, searching=bool(q.strip()))

    def page_url(number: int) -> str:
        params = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
        return "/?" + urlencode([*params, ("page", str(number))])

    return _render(request, "portal/catalogue.html", lang, {
        "view": view, "q": q, "sort": sort, "sorts": catalogue_view.SORTS,
        "facet_names": catalogue_view.FACETS, "page_url": page_url,
        "filtered": any(selected.values()) or bool(q)})


# --------------------------------------------------------------------------- dataset


def _preview_items(schema: TableSchema, request: Request) -> list[tuple[str, str]]:
    """The preview form's filters as query API parameters: full-text `q` and field
    filters, empty fields left out."""
    items = []
    for key, value in request.query_params.multi_items():
        if not value.strip():
            continue
        if key == "q" or key.split("__")[0] in schema.columns:
            items.append((key, value))
    return items


async def _preview(db: psycopg.AsyncConnection, schema: TableSchema,
                   items: list[tuple[str, str]], offset: int) -> dict[str, Any]:
    query = parse_query(schema, items)
    keys = total_order(schema, query.sort)
    page = await fetch_page(db, schema, query, keys=keys, output=schema.names,
                            extra=[key.column.name for key in keys], limit=PREVIEW_ROWS,
                            offset=offset, after=None)
    return {"columns": page.columns, "rows": page.rows, "total": page.total,
            "estimate": page.total_is_estimate, "offset": offset}


async def _charts(db: psycopg.AsyncConnection, schema: TableSchema, dictionary: dict,
                  t) -> list[BarChart]:
    """Counts per month of the first date column, and the most frequent values of the
    columns with a closed list of values."""
    charts = []
    temporal = next((c for c in schema.columns.values() if c.type in TEMPORAL_TYPES), None)
    if temporal is not None:
        groups = await fetch_groups(db, schema, parse_query(schema, [
            ("group_by", f"{temporal.name}:month"), ("agg", "count")]), limit=120, offset=0)
        charts.append(BarChart(t("per_month", name=temporal.name), [
            (str(r[f"{temporal.name}_month"])[:7], r["count"]) for r in groups.rows
            if r[f"{temporal.name}_month"] is not None]))
    categorical = [c["name"] for c in dictionary.get("columns") or []
                   if c.get("allowed_values") and c["name"] in schema.columns][:2]
    for name in categorical:
        groups = await fetch_groups(db, schema, parse_query(schema, [
            ("group_by", name), ("agg", "count"), ("sort", "-count")]), limit=10, offset=0)
        charts.append(BarChart(t("counts_of", name=name),
                               [(str(r[name]), r["count"]) for r in groups.rows
                                if r[name] is not None], horizontal=True))
    return [chart for chart in charts if chart.bars]


def _preview_link(request: Request, offset: int) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "offset"]
    return f"{request.url.path}?{urlencode([*params, ('offset', str(offset))])}#preview"


@router.get("/portal/datasets/{slug}", response_class=HTMLResponse)
async def dataset_page(slug: str, request: Request, db: AsyncDbDep, settings: SettingsDep,
                       offset: int = Query(0, ge=0, le=100_000)) -> HTMLResponse:
    lang = _language(request)
    t = translator(lang)
    versions = await public.list_versions_async(db, slug=slug)
    dataset = await public.get_dataset_async(db, slug=slug)
    if not versions or dataset is None:
        return _render(request, "portal/not_found.html", lang, {}, status_code=404)
    latest = versions[0]
    spec = dataset["spec"]
    meta = spec.get("metadata") or {}
    schema = table_schema(latest)
    items = _preview_items(schema, request)
    preview_error = None
    try:
        preview = await _preview(db, schema, items, offset)
    except QueryError as exc:
        preview_error = str(exc)
        preview = await _preview(db, schema, [], 0)
    review = await portal.version_review_async(db, slug=slug, version=latest["version"])
    dictionary = latest.get("dictionary") or {}
    base = settings.public_base_url
    first_filter = next(((c["name"], c["allowed_values"][0])
                         for c in dictionary.get("columns") or []
                         if c.get("allowed_values")), None)
    filters = [c for c in dictionary.get("columns") or []
               if c.get("allowed_values") and c["name"] in schema.columns]
    values = dict(request.query_params.multi_items())
    areas = area_layer(spec, schema.names)
    area_map = await _area_map(db, areas, schema, dictionary, spec, slug=slug,
                               version=latest["version"], chosen=request.query_params.get(
                                   "measure"), t=t) if areas is not None else None
    return _render(request, "portal/dataset.html", lang, {
        "slug": slug, "spec": spec, "meta": meta, "latest": latest, "versions": versions,
        "title": bilingual({"en": dataset["title_en"], "fr": dataset["title_fr"]}, lang),
        "frequency": vocabulary_label(FREQUENCIES, meta.get("update_frequency"), lang),
        "themes": [vocabulary_label(THEMES, theme, lang) for theme in meta.get("themes") or []],
        "freshness": freshness(spec, latest["published_at"], _now()),
        "quality": latest.get("quality") or {},
        "dictionary": dictionary,
        "preview": preview, "preview_error": preview_error, "filters": filters,
        "values": values, "searchable": bool(schema.search),
        "previous_link": (_preview_link(request, max(offset - PREVIEW_ROWS, 0))
                          if offset > 0 else None),
        "next_link": (_preview_link(request, offset + PREVIEW_ROWS)
                      if offset + PREVIEW_ROWS < preview["total"] else None),
        "changes": version_changes(versions, t),
        "files": sorted((latest.get("files") or {}).items()),
        "human_size": human_size,
        "examples": api_examples(base, slug, "=".join(map(str, first_filter))
                                 if first_filter else None),
        "anonymization": anonymization_summary((review or {}).get("anonymization") or {},
                                               spec.get("anonymization") or {}, t),
        "review": review or {},
        "usage": await dataset_usage_async(db, slug=slug),
        "charts": await _charts(db, schema, dictionary, t),
        "map_url": (f"/datasets/{slug}/versions/{latest['version']}/data?format=geojson"
                    f"&limit={MAP_ROWS}") if (schema.coordinates or schema.geometry) else None,
        "map_rows": MAP_ROWS,
        "areas": areas, "area_map": area_map, "format_value": format_value,
    })


async def _area_map(db: psycopg.AsyncConnection, areas: AreaLayer, schema: TableSchema,
                    dictionary: dict, spec: dict[str, Any], *, slug: str, version: int,
                    chosen: str | None, t) -> dict[str, Any] | None:
    """The choropleth's measures, the one shown (the reader's choice, else the default),
    its legend and the areas' names: what the map's script and the table without it
    show. None when the areas' shapes are not published."""
    labels: dict[str, str] = {}
    if areas.dataset is not None:
        shapes = await public.get_version_async(db, slug=areas.dataset)
        if shapes is None or not (shapes.get("files") or {}).get("geojson"):
            return None
        if areas.key and areas.label and areas.key != areas.label:
            labels = await area_labels(db, table_schema(shapes), areas)
    measures = area_measures(schema, dictionary, areas, primary_key=spec.get("primary_key"),
                             t=t)
    figures = await area_figures(db, schema, areas, measures, slug=slug, version=version)
    drawn = choropleth(measures, figures)
    shown = next((m for m in drawn if m["id"] == chosen),
                 next(m for m in drawn if m["id"] == default_measure(measures).id))
    keys = {area for measure in drawn for area in measure["values"]}
    rows = sorted(((area, labels.get(area, area)) for area in keys), key=lambda row: row[1])
    return {"measures": drawn, "shown": shown, "legend": legend(shown), "rows": rows}


# ------------------------------------------------------------------------- dashboard


@router.get("/dashboard", response_class=HTMLResponse)
async def dashboard(request: Request, db: AsyncDbDep) -> HTMLResponse:
    lang = _language(request)
    t = translator(lang)
    published = await portal.search_published_async(db, text=None)
    sections = []
    for section in await dashboard_figures(db, published):
        sections.append({
            "place": bilingual(section.place, lang),
            "tiles": [{"figure": f, "value": _figure_value(f, lang),
                       "label": _figure_label(f, t, lang)} for f in section.tiles],
            "charts": [{"figure": f, "chart": _figure_chart(f, t, lang)}
                       for f in section.charts]})
    return _render(request, "portal/dashboard.html", lang, {
        "sections": sections, "on_time_hours": ON_TIME_HOURS})


def _formats(unit: str, lang: str) -> tuple[Callable[[float], str], Callable[[float], str]]:
    """How a figure's values are written beside a bar (short) and in full."""
    if unit == "money":
        return (lambda v: money_short(v, lang)), (lambda v: money_full(v, lang))
    if unit == "rate":
        return (lambda v: decimal(v, 1, lang)), (lambda v: decimal(v, 2, lang))
    return (lambda v: decimal(v, 0, lang)), (lambda v: decimal(v, 0, lang))


def _figure_value(figure: Figure, lang: str) -> str:
    value = figure.value or 0.0
    if figure.unit == "hours":
        return translator(lang)("hours", n=decimal(value, 1, lang))
    if figure.unit == "share":
        return percent(value, lang)
    return _formats(figure.unit, lang)[0](value)


def _figure_label(figure: Figure, t: Callable[..., str], lang: str) -> str:
    params = {k: v for k, v in figure.params.items() if isinstance(v, (str, int))}
    if figure.message in ("budget_total", "budget_by_department", "change_by_department"):
        params = {**params, "what": t("adopted_budget" if figure.params.get("adopted")
                                      else "spending"),
                  "what_lower": t("adopted_budget_lower" if figure.params.get("adopted")
                                  else "budget_lower"),
                  "year": figure.params.get("year") or "",
                  "previous": figure.params.get("previous") or ""}
        label = t(figure.message + ("_years" if figure.params.get("year") else ""),
                  **params)
        return label + (t("expenses_only") if figure.params.get("expenses") else "")
    if figure.message == "per_area":
        every = "_all" if figure.params.get("n") == figure.params.get("of") else ""
        if figure.params.get("areas"):
            params["areas"] = bilingual(figure.params["areas"], lang)
            return t("per_area_of" + every, **params)
        return t("per_area" + every, **params)
    if figure.message == "closed_within_target":
        params["closed"] = decimal(figure.params["closed"], 0, lang)
    return t(figure.message, **params)


def _figure_chart(figure: Figure, t: Callable[..., str], lang: str) -> BarChart:
    bars = list(figure.bars or [])
    if figure.params.get("others"):
        bars.append((t("other_departments", n=figure.params["others"]),
                     figure.params["others_total"]))
    short, full = _formats(figure.unit, lang)
    if figure.kind == "budget_change":
        short, full = (lambda v: signed(v, money_short, lang)), \
            (lambda v: signed(v, money_full, lang))
    return BarChart(_figure_label(figure, t, lang), bars, horizontal=figure.horizontal,
                    short=short, full=full)


@router.get("/portal/datasets/{slug}/boundaries.geojson")
async def boundaries(slug: str, db: AsyncDbDep, settings: SettingsDep) -> FileResponse:
    """The areas a dataset is aggregated to: the context and shapes of its choropleth.
    The latest GeoJSON file of the dataset its spec names, or the boundaries file of its
    `aggregate_area` rule; never a path from the request."""
    dataset = await public.get_dataset_async(db, slug=slug)
    latest = await public.get_version_async(db, slug=slug) if dataset else None
    layer = area_layer(dataset["spec"], [c["name"] for c in latest["columns"]]) \
        if dataset and latest else None
    path = layer.boundaries if layer is not None else None
    if layer is not None and layer.dataset is not None:
        path = published_geojson(settings.published_root(),
                                 await public.get_version_async(db, slug=layer.dataset))
    if path is None:
        raise HTTPException(status_code=404, detail=f"'{slug}' is not aggregated to areas")
    return FileResponse(path, media_type="application/geo+json",
                        headers={"Cache-Control": "no-cache"})
