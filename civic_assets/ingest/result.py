"""What an ingest reports back (and what the Dagster raw asset shows as metadata)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal


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
