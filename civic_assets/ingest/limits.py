"""Size limits that protect the pipeline from absurd or hostile input."""

from __future__ import annotations

from typing import Any

DEFAULT_MAX_BYTES = 2 * 1024**3  # 2 GiB per source file
DEFAULT_MAX_FIELD_BYTES = 1024**2  # 1 MiB per value


def max_source_bytes(source_max_bytes: int | None) -> int:
    """The spec's `max_bytes`, else the setting CIVIC_INGEST_MAX_BYTES, else 2 GiB."""
    if source_max_bytes:
        return int(source_max_bytes)
    from civic_assets.settings import get_settings  # read when asked, never at import

    return get_settings().ingest_max_bytes or DEFAULT_MAX_BYTES


def max_field_bytes(options: dict[str, Any]) -> int:
    """Longest value accepted (option `max_field_bytes`, default 1 MiB)."""
    return int(options.get("max_field_bytes") or DEFAULT_MAX_FIELD_BYTES)


def human_bytes(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:,.0f} {unit}" if unit == "bytes" else f"{value:,.1f} {unit}"
        value /= 1024
    return f"{size} bytes"
