"""One reader per file format; each returns a `RecordStream` of text values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from civic_assets.ingest.errors import IngestError
from civic_assets.ingest.readers.base import RecordStream

FORMATS = ("csv", "xlsx", "json", "jsonl", "xml", "geojson", "shapefile")
_SUFFIXES = {
    ".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".xml": "xml",
    ".geojson": "geojson", ".zip": "shapefile", ".shp": "shapefile",
}


def detect_format(path: Path) -> str:
    """The format named by the file's extension (`format:` in the spec overrides it)."""
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise IngestError(str(path), f"cannot tell the format from the extension "
                          f"{path.suffix!r}; set source.format to one of {', '.join(FORMATS)}")
    return fmt


def open_stream(path: Path, fmt: str, options: dict[str, Any]) -> RecordStream:
    """Open any non-CSV format (CSV has its own fast path in the pipeline)."""
    if fmt == "xlsx":
        from civic_assets.ingest.readers.xlsx import open_xlsx
        return open_xlsx(path, options)
    if fmt in ("json", "jsonl"):
        from civic_assets.ingest.readers.json import open_json
        return open_json(path, options, lines=fmt == "jsonl")
    if fmt == "xml":
        from civic_assets.ingest.readers.xml import open_xml
        return open_xml(path, options)
    if fmt in ("geojson", "shapefile"):
        from civic_assets.ingest.readers.spatial import open_spatial
        return open_spatial(path, fmt, options)
    if fmt == "csv":
        from civic_assets.ingest.files import fingerprint
        from civic_assets.ingest.readers.csv import open_csv
        stream, _ = open_csv(path, options, fingerprint(path, check_utf8=True))
        return stream
    raise IngestError(str(path), f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
