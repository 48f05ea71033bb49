"""Choropleths: a dataset aggregated to areas (the spec's `aggregate_area` rule) is drawn
on the boundaries file its spec names, each area coloured by its number of records."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from catalog.database import PROJECT_ROOT


@dataclass(frozen=True)
class AreaLayer:
    column: str  # the published column holding the area's name
    name_property: str  # the boundaries' feature property with the same names
    boundaries: Path


def area_layer(spec: dict[str, Any], columns: list[str]) -> AreaLayer | None:
    """The area column and boundaries of a dataset aggregated to areas. The path comes
    from the approved spec, never from a request; only a `.geojson` file is served."""
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
        return AreaLayer(column, rule.get("name_property") or "name", path)
    return None
