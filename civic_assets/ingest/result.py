"""What an ingest works on (an Extract: one source ready to load) and what it reports back
(an IngestResult, which the Dagster raw asset shows as metadata)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import psycopg

from civic_assets.ingest.loader import LoadedTable


@dataclass(frozen=True)
class IngestResult:
    slug: str
    raw_table: str  # "raw.<slug>"
    status: Literal["loaded", "unchanged"]
    record_count: int
    sha256: str
    byte_size: int
    duration_seconds: float
    source: str  # a description safe to show: no secrets
    columns: list[dict[str, str]]  # {name, original_name, type}
    preview_markdown: str  # first 20 rows as a Markdown table
    details: dict[str, Any] = field(default_factory=dict)

    def column_types(self) -> dict[str, str]:
        return {column["name"]: column["type"] for column in self.columns}


@dataclass
class Extract:
    """One source ready to load: how to describe it, fingerprint it and load it."""

    label: str  # safe to log: no secrets
    load: Callable[[psycopg.Connection, LoadedTable], dict[str, Any]]
    # known before loading for files; sources streamed from elsewhere fill it while loading
    sha256: str | None = None
    byte_size: int | None = None
    secrets: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    finish: Callable[[], tuple[str, int]] | None = None  # (sha256, bytes) after streaming
    # hashes the whole source up front; used only when the size matches the last load
    prehash: Callable[[], tuple[str, int]] | None = None
