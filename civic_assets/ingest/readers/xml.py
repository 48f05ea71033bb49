"""XML, parsed incrementally with defusedxml: entity declarations (billion laughs),
external entities (XXE) and DTDs that fetch anything are refused.

Option `record_element`: the tag of one record (`row`), or a path ending in it
(`dataset/rows/row`); by default every child of the root element is a record. A record's
attributes and child elements become columns; a grandchild becomes `child_grandchild`.
Namespaces are dropped from names.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from civic_assets.ingest.errors import IngestError
from civic_assets.ingest.readers.base import RecordStream


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else str(tag)


def open_xml(path: Path, options: dict[str, Any]) -> RecordStream:
    wanted = options.get("record_element")
    wanted_path = [p for p in wanted.strip("/").split("/") if p] if wanted else None
    position = {"record": 0}

    def where() -> str:
        return f"record {position['record']}"

    def records() -> Iterator[dict[str, Any]]:
        stack: list[str] = []
        try:
            events = iterparse(str(path), events=("start", "end"), forbid_dtd=False,
                               forbid_entities=True, forbid_external=True)
            for event, element in events:
                if event == "start":
                    stack.append(_local(element.tag))
                    continue
                is_record = (stack[-len(wanted_path):] == wanted_path
                             if wanted_path else len(stack) == 2)
                if is_record:
                    position["record"] += 1
                    yield _record(element)
                    element.clear()
                stack.pop()
        except DefusedXmlException as exc:
            raise IngestError(str(path), f"refused unsafe XML: {type(exc).__name__} "
                              "(entity declarations, external entities and external DTDs "
                              "are not allowed: XXE / billion-laughs protection)",
                              f"after record {position['record']}") from exc
        except ParseError as exc:
            line, column = getattr(exc, "position", (None, None))
            reason = exc.msg if hasattr(exc, "msg") else exc
            raise IngestError(str(path), f"not well-formed XML: {reason}",
                              f"line {line}, column {column}") from exc
        if position["record"] == 0 and wanted_path:
            raise IngestError(str(path), f"no <{wanted_path[-1]}> records found",
                              f"record_element {wanted!r}")

    details = {"format": "xml"}
    if wanted:
        details["record_element"] = wanted
    return RecordStream(records=records(), where=where, details=details)


def _record(element: Element) -> dict[str, Any]:
    record: dict[str, Any] = {_local(k): v for k, v in element.attrib.items()}
    for child in element:
        name = _local(child.tag)
        if len(child):
            for grandchild in child:
                record[f"{name}_{_local(grandchild.tag)}"] = _text(grandchild)
        else:
            record[name] = _text(child)
        for key, value in child.attrib.items():
            record[f"{name}_{_local(key)}"] = value
    if not len(element) and not record and element.text and element.text.strip():
        record[_local(element.tag)] = element.text.strip()
    return record


def _text(element: Element) -> str | None:
    text = "".join(element.itertext()).strip()
    return text or None
