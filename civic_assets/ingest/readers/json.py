"""JSON (an array of records, or records at a path like `data.items`) and JSON Lines.

Arrays are streamed with ijson (its C backend, yajl2_c, when installed), so a large file is
never held in memory; JSON Lines are parsed line by line with orjson (Rust, ~4x faster
than the standard library), which hands any line it refuses or might read differently to
the standard library, so values and error messages stay those of `json.loads`. An array
laid out one record per line (what most exporters write) is also read with orjson, line by
line; at anything ijson might read differently it hands over to ijson. Nested objects and
arrays inside a record are kept as JSON text.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import ijson
import orjson

from civic_assets.ingest.errors import IngestError
from civic_assets.ingest.readers.base import RecordStream


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
            if value.__class__ is dict and _may_have_lost_digits(value):
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


def _may_have_lost_digits(value: Any) -> bool:
    """`_lost_digits`, answered at once for the usual record whose values are all text."""
    if value.__class__ is dict:
        try:
            "".join(value.values())
            return False
        except TypeError:  # numbers, nested values, null...
            pass
    return _lost_digits(value)


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
    if records_path is None:
        if (yield from _json_array_by_lines(handle, position)):
            return
        handle.seek(0)  # ijson takes over, after the records already handed on
    skip = position["record"]
    found = skip > 0
    try:
        for value in ijson.items(handle, item_prefix, use_float=True):
            found = True
            if skip:
                skip -= 1
                continue
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


_JSON_SPACE = b" \t\r\n"
_LONGEST_LINE = 8 * 1024 * 1024


def _json_array_by_lines(handle: Any,
                         position: dict[str, int]) -> Generator[dict[str, Any], None, bool]:
    """The common layout of exported arrays, one record per line between `[` and `]`,
    parsed line by line with orjson (ijson costs ~3x more per record). Returns True when
    the whole array was read; False as soon as anything is unusual (another layout, a
    line orjson refuses, a number it may read differently), leaving the rest, and every
    error message, to ijson. Any line break in JSON lies outside strings, so no record
    can be split across lines without orjson refusing the pieces."""
    line = handle.readline(_LONGEST_LINE)
    while line and not line.strip(_JSON_SPACE):  # blank lines before the `[`
        line = handle.readline(_LONGEST_LINE)
    if line.strip(_JSON_SPACE) != b"[":
        return False
    more = None  # None: no record yet; True: the last one ended with a comma
    while line := handle.readline(_LONGEST_LINE):
        if not line.endswith(b"\n") and len(line) >= _LONGEST_LINE:
            return False
        piece = line.strip(_JSON_SPACE)
        if not piece:
            continue
        if piece == b"]":
            rest = handle.read(_LONGEST_LINE)
            return more is not True and not rest.strip(_JSON_SPACE) and not handle.read(1)
        if more is False:
            return False
        more = piece.endswith(b",")
        try:
            value = orjson.loads(piece[:-1] if more else piece)
        except ValueError:
            return False
        if _beyond_64_bits(value):
            return False  # ijson refuses such integers; orjson may read them as floats
        position["record"] += 1
        yield value if value.__class__ is dict else {"value": value}
    return False


def _beyond_64_bits(value: Any) -> bool:
    """Whether a value holds an integer outside ijson's signed 64 bits, or a float orjson
    may have made of one (erring on the safe side: ijson then reads the record)."""
    if value.__class__ is dict:
        try:
            "".join(value.values())
            return False
        except TypeError:
            return any(map(_beyond_64_bits, value.values()))
    if value.__class__ is int:
        return not -(2**63) < value < 2**63  # yajl refuses -2**63 too
    if value.__class__ is float:
        return not -9.2e18 < value < 9.2e18
    if value.__class__ is list:
        return any(map(_beyond_64_bits, value))
    return False
