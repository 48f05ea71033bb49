"""Response models: what the public API promises, separate from the tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class Title(BaseModel):
    en: str | None = None
    fr: str | None = None


class Links(BaseModel):
    self: str
    data: str
    csv: str


class DatasetSummary(BaseModel):
    slug: str
    title: Title
    latest_version: int
    row_count: int
    published_at: datetime
    links: Links


class Column(BaseModel):
    name: str
    type: str


class VersionSummary(BaseModel):
    version: int
    row_count: int
    published_at: datetime
    csv: str


class DatasetDetail(DatasetSummary):
    description: Title = Field(default_factory=Title)
    keywords: dict[str, list[str]] = Field(default_factory=dict)
    publisher: str | None = None
    license: dict[str, Any] = Field(default_factory=dict)
    update_frequency: str | None = None
    columns: list[Column]
    versions: list[VersionSummary]


class DataPage(BaseModel):
    """A page of a version's rows, or of groups when the request aggregates."""

    slug: str
    version: int = Field(description="the version the page is read from (a cursor keeps "
                                     "reading the version it started on)")
    total: int = Field(description="rows (or groups) matching the request, in all")
    total_is_estimate: bool = Field(
        False, description="true when `total` is the planner's estimate: counting exactly "
                           "would have read too many rows")
    limit: int
    offset: int | None = Field(None, description="null on a page reached by cursor")
    columns: list[str]
    rows: list[dict[str, Any]]
    next: str | None = Field(None, description="the next page (a cursor link for rows, an "
                                               "offset link for groups); null on the last")


class QualityDimension(BaseModel):
    score: float | None = Field(description="0-100; null when the dimension was not assessed")
    weight: float
    assessed: bool
    summary: str
    details: dict[str, Any] = Field(default_factory=dict)


class QualityReportCard(BaseModel):
    slug: str
    version: int
    published_at: datetime
    overall_score: float
    grade: str = Field(description="A >= 90, B >= 80, C >= 70, D >= 60, else F")
    dimensions: dict[str, QualityDimension]
    recommendations: list[str]
    row_count: int
    column_count: int
    generated_at: str
