"""JSON (an array of records, or records at a path like `data.items`) and JSON Lines.

Arrays are streamed with ijson (its C backend, yajl2_c, when installed), so a large file is
never held in memory; JSON Lines are parsed line by line with orjson (Rust, ~4x faster
than the standard library), which hands any line it refuses or might read differently to
the standard library, so values and error messages stay those of `json.loads`. Nested
objects and arrays inside a record are kept as JSON text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ijson
import orjson

from civic_assets.lib.ingest.errors import IngestError
from civic_assets.lib.ingest.readers.base import RecordStream


def records_at_path(body: Any, records_path: str | None) -> list[Any] | None:
    """The list of records inside an already parsed document (used for API pages)."""
    value = body
    for part in (records_path or "").split(".") if records_path else []:
        value = value.get(part) if isinstance(value, dict) else None
    if records_path is None and isinstance(body, dict):
        # common envelopes, when the spec does not say
        for key in ("data", "results", "items", "records", "features"):
            if isinstance(body.get(key), list):
                return body[key]
    return value if isinstance(value, list) else None


def open_json(path: Path, options: dict[str, Any], *, lines: bool) -> RecordStream:
    position = {"record": 0, "line": 0}
    handle = path.open("rb")

    def where() -> str:
        return f"line {position['line']}" if lines else f"record {position['record']}"

    def records() -> Iterator[dict[str, Any]]:
        if lines:
            yield from _json_lines(handle, path, position)
        else:
            yield from _json_array(handle, path, options.get("records_path"), position)

    details = {"format": "jsonl" if lines else "json"}
    if options.get("records_path"):
        details["records_path"] = options["records_path"]
    return RecordStream(records=records(), where=where, details=details, close=handle.close)


def _json_lines(handle: Any, path: Path, position: dict[str, int]) -> Iterator[dict[str, Any]]:
    for number, raw in enumerate(handle, start=1):
        position["line"] = number
        if not raw.strip():
            continue
        try:
            value = orjson.loads(raw)
            if value.__class__ is dict:
                kinds = set(map(type, value.values()))
                if (float in kinds or dict in kinds or list in kinds) and _lost_digits(value):
                    value = json.loads(raw)
        except ValueError:
            # NaN, Infinity, a BOM, UTF-16, lone surrogates... or really not JSON: the
            # standard library decides, and words the error as it always did
            try:
                value = json.loads(raw)
            except (ValueError, UnicodeDecodeError) as exc:
                raise IngestError(str(path), f"not valid JSON: {exc}",
                                  f"line {number}") from exc
        position["record"] += 1
        yield value if isinstance(value, dict) else {"value": value}


def _lost_digits(value: Any) -> bool:
    """Whether orjson may have read a number differently from `json.loads`: it reads
    integers beyond 64 bits as floats (the standard library keeps them exact)."""
    if value.__class__ is float:
        return not -1.8e19 < value < 1.8e19
    if value.__class__ is dict:
        return any(map(_lost_digits, value.values()))
    if value.__class__ is list:
        return any(map(_lost_digits, value))
    return False


def _json_array(handle: Any, path: Path, records_path: str | None,
                position: dict[str, int]) -> Iterator[dict[str, Any]]:
    item_prefix = f"{records_path}.item" if records_path else "item"
    found = False
    try:
        for value in ijson.items(handle, item_prefix, use_float=True):
            found = True
            position["record"] += 1
            yield value if isinstance(value, dict) else {"value": value}
    except ijson.common.IncompleteJSONError as exc:
        raise IngestError(str(path), f"not valid JSON: {str(exc).strip().splitlines()[0]}",
                          f"after record {position['record']}") from exc
    except UnicodeDecodeError as exc:
        raise IngestError(str(path), f"not valid UTF-8 JSON: {exc.reason}",
                          f"after record {position['record']}") from exc
    if not found:
        handle.seek(0)
        first = handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        if records_path:
            raise IngestError(str(path), f"no records at {records_path!r}",
                              "check options.records_path")
        if first != b"[":
            raise IngestError(str(path), "the top level is not an array of records; set "
                              "options.records_path (e.g. data.items)", "top level")
