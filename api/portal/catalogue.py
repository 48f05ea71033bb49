"""The catalogue page's results: facets counted over the search's matches, filters,
order and pages, from the rows `catalog.portal.search_published_async` returns."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from api.portal.freshness import Freshness, freshness
from api.portal.i18n import FREQUENCIES, THEMES, bilingual, vocabulary_label

PAGE_SIZE = 10
SORTS = ("relevance", "updated", "downloads")
FACETS = ("theme", "publisher", "format", "frequency", "map")


@dataclass(frozen=True)
class Result:
    slug: str
    title: str
    description: str
    published_at: datetime
    version: int
    row_count: int
    freshness: Freshness
    grade: str | None
    formats: list[str]
    downloads: int
    rank: float
    facets: dict[str, list[str]]


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class CataloguePage:
    results: list[Result]
    total: int
    page: int
    pages: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)


def has_map(row: dict[str, Any]) -> bool:
    """Coordinates or geometry published (a GeoJSON file), or areas with boundaries."""
    return "geojson" in (row.get("files") or {}) or bool((row.get("dcat") or {}).get("bbox"))


def to_result(row: dict[str, Any], lang: str, now: datetime) -> Result:
    spec = row["spec"]
    meta = spec.get("metadata") or {}
    formats = sorted(row.get("files") or {})
    return Result(
        slug=row["slug"],
        title=bilingual({"en": row["title_en"], "fr": row["title_fr"]}, lang) or row["slug"],
        description=bilingual(meta.get("description"), lang),
        published_at=row["published_at"], version=row["version"], row_count=row["row_count"],
        freshness=freshness(spec, row["published_at"], now),
        grade=(row.get("quality") or {}).get("grade"), formats=formats,
        downloads=row.get("downloads") or 0, rank=float(row.get("rank") or 0.0),
        facets={"theme": list(meta.get("themes") or []),
                "publisher": [meta["publisher"]] if meta.get("publisher") else [],
                "format": formats,
                "frequency": [meta["update_frequency"]] if meta.get("update_frequency") else [],
                "map": ["yes"] if has_map(row) else []},
    )


def _label(facet: str, value: str, lang: str) -> str:
    if facet == "theme":
        return vocabulary_label(THEMES, value, lang)
    if facet == "frequency":
        return vocabulary_label(FREQUENCIES, value, lang)
    if facet == "format":
        return value.upper()
    return value


def build_page(rows: list[dict[str, Any]], *, lang: str, now: datetime,
               selected: dict[str, list[str]], sort: str, page: int,
               searching: bool) -> CataloguePage:
    """Filter by the selected facet values (any of the values within a facet, all facets
    together), count each facet over the results of the other facets, order and page."""
    results = [to_result(row, lang, now) for row in rows]

    def keeps(result: Result, skip: str | None = None) -> bool:
        return all(set(values) & set(result.facets[name])
                   for name, values in selected.items() if values and name != skip)

    facets = {}
    for name in FACETS:
        counts = Counter(value for result in results if keeps(result, skip=name)
                         for value in result.facets[name])
        for value in selected.get(name, []):
            counts.setdefault(value, 0)
        facets[name] = [FacetValue(value, _label(name, value, lang), count,
                                   value in selected.get(name, []))
                        for value, count in sorted(counts.items(),
                                                   key=lambda item: (-item[1], item[0]))]
    kept = [result for result in results if keeps(result)]
    if sort == "updated" or (sort == "relevance" and not searching):
        kept.sort(key=lambda r: (r.published_at, r.slug), reverse=True)
    elif sort == "downloads":
        kept.sort(key=lambda r: (-r.downloads, r.title.lower()))
    else:
        kept.sort(key=lambda r: (-r.rank, r.title.lower()))
    pages = max(1, math.ceil(len(kept) / PAGE_SIZE))
    page = min(max(page, 1), pages)
    start = (page - 1) * PAGE_SIZE
    return CataloguePage(kept[start:start + PAGE_SIZE], len(kept), page, pages, facets)
