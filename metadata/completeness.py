"""Metadata completeness: how much of what harvesters and readers need a spec provides.

The score is the weighted share of the recommended fields that are filled. Where the
catalogue is bilingual, each language counts on its own (`title.en`, `title.fr`).
Weights (out of 100; `WEIGHTS` below):

    title.en 12, title.fr 12              description.en 10, description.fr 10
    license 12                            publisher 6, contact_point 6 (an email)
    keywords.en 4, keywords.fr 4          update_frequency 4, themes 4
    temporal_coverage 3 (a start date)    spatial_coverage 3 (name, URI, bbox or one
                                          computed from the data: has_bbox)
    landing_page 2                        quality_notes.en 1, quality_notes.fr 1
    dictionary.en 3, dictionary.fr 3      (share of columns described in that language)

A missing French title or a missing licence alone costs 12 points, so such a candidate
falls below the default threshold of 90%. The data dictionary counts in proportion to
the columns described (5 of 10 described in English: 1.5 of 3 points; named missing
until all are described).

`passed(threshold)` also requires what DCAT-AP makes mandatory (`MANDATORY`: a title
and a description, in at least one language): a candidate that passes always yields a
catalogue entry that validates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from metadata.specs import DatasetSpec

WEIGHTS: dict[str, float] = {
    "title.en": 12,
    "title.fr": 12,
    "description.en": 10,
    "description.fr": 10,
    "license": 12,
    "publisher": 6,
    "contact_point": 6,
    "keywords.en": 4,
    "keywords.fr": 4,
    "update_frequency": 4,
    "themes": 4,
    "temporal_coverage": 3,
    "spatial_coverage": 3,
    "landing_page": 2,
    "quality_notes.en": 1,
    "quality_notes.fr": 1,
    "dictionary.en": 3,
    "dictionary.fr": 3,
}
# (any of) fields DCAT-AP requires; a candidate missing one cannot pass
MANDATORY: tuple[tuple[str, ...], ...] = (
    ("title.en", "title.fr"),
    ("description.en", "description.fr"),
)
DEFAULT_THRESHOLD = 0.9


@dataclass
class CompletenessReport:
    slug: str
    score: float
    # field → share filled (0..1), for every field in WEIGHTS
    fields: dict[str, float]
    missing: list[str]
    # field → what exactly is missing (e.g. the undescribed columns)
    details: dict[str, str] = field(default_factory=dict)
    threshold: float = DEFAULT_THRESHOLD

    @property
    def mandatory_missing(self) -> list[str]:
        return [
            " or ".join(group)
            for group in MANDATORY
            if all(self.fields.get(name, 0) == 0 for name in group)
        ]

    def passed(self, threshold: float | None = None) -> bool:
        limit = self.threshold if threshold is None else threshold
        # rounding keeps 0.9000000001-style float noise from deciding a gate
        return round(self.score, 6) >= limit and not self.mandatory_missing

    def to_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "score": round(self.score, 4),
            "threshold": self.threshold,
            "passed": self.passed(),
            "missing": list(self.missing),
            "mandatory_missing": self.mandatory_missing,
            "fields": {name: round(share, 4) for name, share in self.fields.items()},
            "details": dict(self.details),
        }

    def to_markdown(self) -> str:
        verdict = "passed" if self.passed() else "held back"
        lines = [
            (
                f"**Metadata completeness: {self.score:.0%}** "
                f"(threshold {self.threshold:.0%}, {verdict})"
            ),
            "",
            "| field | weight | filled |",
            "| --- | ---: | ---: |",
        ]
        for name, weight in WEIGHTS.items():
            share = self.fields.get(name, 0.0)
            mark = "yes" if share >= 1 else ("no" if share == 0 else f"{share:.0%}")
            lines.append(f"| `{name}` | {weight:g} | {mark} |")
        if self.missing:
            lines += ["", "Missing: " + ", ".join(f"`{name}`" for name in self.missing)]
        for name, detail in self.details.items():
            lines.append(f"- `{name}`: {detail}")
        if self.mandatory_missing:
            lines.append("- required by DCAT-AP: " + "; ".join(self.mandatory_missing))
        return "\n".join(lines)


def _filled(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple | set | dict):
        return any(_filled(item) for item in (value.values() if isinstance(value, dict) else value))
    return True


def _dictionary_columns(spec: DatasetSpec, columns: Any) -> list[dict[str, Any]]:
    """Columns as {name, description: {en, fr}}: from the dictionary, names, or the spec."""
    if columns is not None and not isinstance(columns, Mapping | list | tuple):
        columns = columns.to_dict()  # a metadata.dictionary.DataDictionary
    if isinstance(columns, Mapping):
        columns = columns.get("columns", [])
    if columns is None:
        return [
            {"name": name, "description": column.description.model_dump()}
            for name, column in spec.dictionary.items()
        ]
    result = []
    for column in columns:
        if isinstance(column, str):
            column = {"name": column}
        name = str(column.get("name"))
        description = column.get("description")
        if isinstance(description, str):
            description = {"en": description}
        if not _filled(description) and name in spec.dictionary:
            description = spec.dictionary[name].description.model_dump()
        result.append({"name": name, "description": description or {}})
    return result


def completeness(
    spec: DatasetSpec,
    *,
    columns: Any = None,
    has_bbox: bool = False,
    has_temporal: bool = False,
    threshold: float | None = None,
) -> CompletenessReport:
    """Score the metadata of a spec (and its data dictionary, when given).

    `columns`: the data dictionary (a mapping with `columns`, or its list of columns),
    or the column names; None scores the spec's dictionary overrides. `has_bbox`: a
    bounding box was computed from the data, which counts as spatial coverage;
    `has_temporal`: the data's own time span is known (the spec's timestamp column), which
    counts as temporal coverage.
    """
    meta = spec.metadata
    shares: dict[str, float] = {}
    details: dict[str, str] = {}
    for language in ("en", "fr"):
        shares[f"title.{language}"] = float(_filled(getattr(spec.title, language)))
        shares[f"description.{language}"] = float(_filled(getattr(meta.description, language)))
        shares[f"keywords.{language}"] = float(_filled(getattr(meta.keywords, language)))
        shares[f"quality_notes.{language}"] = float(_filled(getattr(meta.quality_notes, language)))
    shares["license"] = float(_filled(meta.license.uri) or _filled(meta.license.title))
    shares["publisher"] = float(_filled(meta.publisher))
    shares["contact_point"] = float(_filled(meta.contact_point.email))
    if not shares["contact_point"] and _filled(meta.contact_point.name):
        details["contact_point"] = "a name but no email address"
    shares["update_frequency"] = float(_filled(meta.update_frequency))
    shares["themes"] = float(_filled(meta.themes))
    shares["temporal_coverage"] = float(_filled(meta.temporal_coverage.start) or has_temporal)
    spatial = meta.spatial_coverage
    shares["spatial_coverage"] = float(
        _filled(spatial.name) or _filled(spatial.uri) or bool(spatial.bbox) or has_bbox
    )
    shares["landing_page"] = float(_filled(meta.landing_page))

    described = _dictionary_columns(spec, columns)
    for language in ("en", "fr"):
        key = f"dictionary.{language}"
        if not described:
            shares[key] = 0.0
            details[key] = "no data dictionary"
            continue
        lacking = [
            c["name"] for c in described if not _filled((c["description"] or {}).get(language))
        ]
        shares[key] = 1 - len(lacking) / len(described)
        if lacking:
            details[key] = "columns without a description: " + ", ".join(lacking)

    total = sum(WEIGHTS.values())
    score = sum(WEIGHTS[name] * shares[name] for name in WEIGHTS) / total
    missing = [name for name in WEIGHTS if shares[name] < 1]
    return CompletenessReport(
        slug=spec.slug,
        score=score,
        fields={name: shares[name] for name in WEIGHTS},
        missing=missing,
        details=details,
        threshold=meta.completeness_threshold if threshold is None else threshold,
    )
