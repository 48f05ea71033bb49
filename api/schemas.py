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
    slug: str
    version: int
    total: int
    limit: int
    offset: int
    columns: list[str]
    rows: list[dict[str, Any]]
    next: str | None = None


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
