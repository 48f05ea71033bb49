"""Choropleths: a dataset aggregated to areas is drawn on the areas' shapes, each area
coloured by a measure the reader chooses.

The areas come from the spec: either its `areas` field (the shapes are the latest
published GeoJSON file of another dataset, joined on `column` = that dataset's `key`) or
an `aggregate_area` anonymization rule (the shapes are the boundaries file the rule
names). Nothing from a request is ever part of a path. The measures are computed from
the published table in one GROUP BY (count, and the value, total or average of numeric
columns), kept per published version, and coloured in quantile classes."""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from api.query.execute import fetch_groups
from api.query.params import parse_query
from api.query.schema import NUMERIC_TYPES, TableSchema
from catalog.database import PROJECT_ROOT

# sequential blues (ColorBrewer), light to dark; a class's colour is picked across them
SHADES = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
CLASSES = len(SHADES)
# the most areas a choropleth reads from one GROUP BY
MAX_AREAS = 5000
# columns that identify or code something: no total or average of them means anything
_IDENTIFIER = re.compile(r"(^id$|_id$|_key$|_code$)")
# a measure in proportion to something (per capita, per km², a rate or a share): the
# default, being comparable between areas of different sizes
_RATE = re.compile(r"(per_|rate|ratio|share)")


@dataclass(frozen=True)
class AreaLayer:
    column: str  # the published column identifying each record's area
    key_property: str  # the shapes' feature property holding the same values
    label_property: str  # the feature property naming each area for readers
    boundaries: Path | None = None  # aggregate_area: the file its rule names
    dataset: str | None = None  # areas: the published dataset whose GeoJSON is drawn
    key: str | None = None  # areas: that dataset's key and label columns
    label: str | None = None
    measures: tuple[str, ...] | None = None  # areas: the columns the spec offers


@dataclass(frozen=True)
class Measure:
    id: str  # the aggregate's output column: count, sum_x, avg_x
    label: str
    aggregate: str  # as the query API's `agg` writes it: count, sum(x), avg(x)


def area_layer(spec: dict[str, Any], columns: list[str]) -> AreaLayer | None:
    """The area column and shapes of a dataset aggregated to areas, from its approved
    spec; None when it is not (or no longer publishes the area column)."""
    areas = spec.get("areas")
    if isinstance(areas, dict) and areas.get("column") in columns and areas.get("dataset"):
        label = areas.get("label") or areas["key"]
        return AreaLayer(areas["column"], areas["key"], label, dataset=areas["dataset"],
                         key=areas["key"], label=label,
                         measures=tuple(areas["measures"]) if areas.get("measures") else None)
    policy = spec.get("anonymization") or {}
    for rule in (policy.get("columns") or {}).values():
        if not isinstance(rule, dict) or rule.get("operator") != "aggregate_area":
            continue
        column = rule.get("output") or "area"
        path_text = rule.get("boundaries") or policy.get("boundaries")
        if column not in columns or not path_text:
            continue
        path = Path(path_text)
        path = (path if path.is_absolute() else PROJECT_ROOT / path).resolve()
        if path.suffix.lower() != ".geojson" or not path.is_file():
            continue
        name = rule.get("name_property") or "name"
        return AreaLayer(column, name, name, boundaries=path)
    return None


def published_geojson(root: Path, version: dict[str, Any] | None) -> Path | None:
    """The GeoJSON file a published version recorded, when it is inside the published
    dir and still there."""
    record = ((version or {}).get("files") or {}).get("geojson") or {}
    if not record.get("path"):
        return None
    path = (root / record["path"]).resolve()
    return path if path.is_relative_to(root) and path.is_file() else None


def area_measures(schema: TableSchema, dictionary: dict[str, Any], layer: AreaLayer, *,
                  primary_key: str | None, t: Callable[..., str]) -> list[Measure]:
    """What a reader may colour the areas by. One row per area (the area column is the
    key): each numeric column's value. Several: the number of records, the total of each
    integer column and the average of each decimal one."""
    described = {c["name"]: c for c in dictionary.get("columns") or []}
    one_per_area = primary_key == layer.column or bool(
        (described.get(layer.column) or {}).get("unique"))

    def offered(name: str) -> bool:
        column = schema.columns.get(name)
        if column is None or column.type not in NUMERIC_TYPES:
            return False
        if layer.measures is not None:
            return True
        about = described.get(name) or {}
        return not (name in (layer.column, primary_key) or _IDENTIFIER.search(name)
                    or about.get("allowed_values") or about.get("unique"))

    names = [n for n in (layer.measures or schema.names) if offered(n)]
    if one_per_area:
        return [Measure(f"avg_{n}", _with_unit(n, described), f"avg({n})") for n in names]
    measures = [Measure("count", t("measure_count"), "count")]
    for name in names:
        total = schema.columns[name].type == "integer"
        function = "sum" if total else "avg"
        measures.append(Measure(f"{function}_{name}",
                                t(f"measure_{function}", name=_with_unit(name, described)),
                                f"{function}({name})"))
    return measures


def _with_unit(name: str, described: dict[str, Any]) -> str:
    unit = (described.get(name) or {}).get("unit")
    return f"{name} ({unit})" if unit else name


def default_measure(measures: Sequence[Measure]) -> Measure:
    """The first rate (per capita, per km², a share) if there is one, else the number of
    records, else the first measure."""
    return next((m for m in measures if _RATE.search(m.id)),
                next((m for m in measures if m.id == "count"), measures[0]))


def class_breaks(values: Sequence[float | None], classes: int = CLASSES) -> list[float]:
    """Quantile classes: the upper bound of each class, about as many values in each
    (nearest rank, so every bound is a value of the data); equal bounds merged, so
    there may be fewer classes than asked. A value belongs to the first class whose
    bound it does not exceed."""
    data = sorted(float(v) for v in values if v is not None and math.isfinite(float(v)))
    if not data:
        return []
    bounds = [data[math.ceil(i * len(data) / classes) - 1] for i in range(1, classes)]
    bounds.append(data[-1])
    return sorted(set(bounds))


def class_of(value: float, breaks: Sequence[float]) -> int:
    return next((i for i, bound in enumerate(breaks) if value <= bound), len(breaks) - 1)


def class_colours(count: int) -> list[str]:
    """A colour per class, spread from the lightest shade to the darkest."""
    if count <= 1:
        return [SHADES[-1]] * count
    return [SHADES[round(i * (len(SHADES) - 1) / (count - 1))] for i in range(count)]


def format_value(value: float | None) -> str:
    if value is None:
        return ""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


# the figures of a published version never change: kept per (slug, version, measures)
_FIGURES: OrderedDict[tuple, dict[str, dict[str, float]]] = OrderedDict()
_FIGURES_KEPT = 64


async def area_figures(db: psycopg.AsyncConnection, schema: TableSchema, layer: AreaLayer,
                       measures: Sequence[Measure], *, slug: str,
                       version: int) -> dict[str, dict[str, float]]:
    """Every measure's value per area (keyed by the area column's value as text), from
    one GROUP BY of the published table."""
    cache_key = (slug, version, layer.column, tuple(m.aggregate for m in measures))
    if cache_key in _FIGURES:
        _FIGURES.move_to_end(cache_key)
        return _FIGURES[cache_key]
    groups = await fetch_groups(db, schema, parse_query(schema, [
        ("group_by", layer.column), ("agg", ",".join(m.aggregate for m in measures))]),
        limit=MAX_AREAS, offset=0)
    figures: dict[str, dict[str, float]] = {m.id: {} for m in measures}
    for row in groups.rows:
        area = row[layer.column]
        if area is None:
            continue
        for measure in measures:
            value = row[measure.id]
            if value is not None:
                figures[measure.id][str(area)] = float(value)
    _FIGURES[cache_key] = figures
    while len(_FIGURES) > _FIGURES_KEPT:
        _FIGURES.popitem(last=False)
    return figures


async def area_labels(db: psycopg.AsyncConnection, schema: TableSchema,
                      layer: AreaLayer) -> dict[str, str]:
    """Each area's name for readers, by its key as text, from the published table of
    the shapes' dataset."""
    if not layer.key or not layer.label or layer.key == layer.label:
        return {}
    groups = await fetch_groups(db, schema, parse_query(schema, [
        ("group_by", f"{layer.key},{layer.label}")]), limit=MAX_AREAS, offset=0)
    return {str(row[layer.key]): str(row[layer.label]) for row in groups.rows
            if row[layer.key] is not None and row[layer.label] is not None}


def choropleth(measures: Sequence[Measure], figures: dict[str, dict[str, float]]
               ) -> list[dict[str, Any]]:
    """What the page's script colours the areas with: per measure its label, values by
    area, class bounds and their colours."""
    drawn = []
    for measure in measures:
        values = figures.get(measure.id) or {}
        breaks = class_breaks(list(values.values()))
        drawn.append({"id": measure.id, "label": measure.label, "values": values,
                      "breaks": breaks, "colours": class_colours(len(breaks))})
    return drawn


def legend(drawn: dict[str, Any]) -> list[tuple[str, str]]:
    """(colour, range) per class of one measure, as the legend lists them."""
    values = list(drawn["values"].values())
    rows = []
    low = min(values) if values else None
    for bound, colour in zip(drawn["breaks"], drawn["colours"], strict=True):
        rows.append((colour, f"{format_value(low)} – {format_value(bound)}"
                     if low != bound else format_value(bound)))
        low = bound
    return rows
