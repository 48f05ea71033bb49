"""GeoReport v2 documents: requests and services as the specification names their fields,
in JSON and in XML (`<service_requests><request>…`, `<services><service>…`)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from api.open311.queries import OPEN_STATUSES

REQUEST_FIELDS = ("service_request_id", "status", "status_notes", "service_name",
                  "service_code", "description", "agency_responsible", "service_notice",
                  "requested_datetime", "updated_datetime", "expected_datetime", "address",
                  "address_id", "zipcode", "lat", "long", "media_url")
SERVICE_FIELDS = ("service_code", "service_name", "description", "metadata", "type",
                  "keywords", "group")


def w3c(value: Any, zone: ZoneInfo) -> str | None:
    """A W3C date-time with its offset (the published times are local wall-clock times)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=zone)
        return aware.isoformat(timespec="seconds")
    return str(value)


def request_document(row: dict[str, Any], zone: ZoneInfo) -> dict[str, Any]:
    """One request as GeoReport v2 names its fields (fields the data lacks are null)."""
    status = str(row["status"])
    closed = status not in OPEN_STATUSES
    area = row.get("area")
    document: dict[str, Any] = dict.fromkeys(REQUEST_FIELDS)
    document.update({
        "service_request_id": str(row["service_request_id"]),
        "status": "closed" if closed else "open",
        # the published status says more than Open311's two (cancelled, referred out)
        "status_notes": None if status in ("open", "closed") else status.replace("_", " "),
        "service_name": row.get("service_name"),
        "service_code": row.get("service_code"),
        "description": row.get("description"),
        "agency_responsible": row.get("agency_responsible"),
        "requested_datetime": w3c(row.get("requested_datetime"), zone),
        "updated_datetime": w3c(row.get("updated_datetime"), zone),
        # no finer place is published than the area (the exact position is withheld)
        "address": area if area is None else f"{area} (area of the request; exact "
                                              "location not published)",
        "lat": row.get("lat"),
        "long": row.get("long"),
    })
    return document


def service_document(row: dict[str, Any]) -> dict[str, Any]:
    agency = row.get("agency")
    return {
        "service_code": row["service_code"],
        "service_name": row["service_name"],
        "description": (f"{row['service_name']} requests"
                        + (f", handled by {agency}" if agency else "")
                        + f" ({row['requests']:,} published)"),
        "metadata": False,
        # published in batches after approval, not as requests arrive
        "type": "batch",
        "keywords": "",
        "group": agency or "",
    }


def to_json(documents: list[dict[str, Any]]) -> bytes:
    return json.dumps(documents, ensure_ascii=False, default=str).encode("utf-8")


def _xml_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(str(value))


def to_xml(documents: list[dict[str, Any]], *, root: str, item: str) -> bytes:
    parts = ['<?xml version="1.0" encoding="utf-8"?>', f"<{root}>"]
    for document in documents:
        fields = "".join(f"<{name}>{_xml_value(value)}</{name}>"
                         for name, value in document.items())
        parts.append(f"<{item}>{fields}</{item}>")
    parts.append(f"</{root}>")
    return "".join(parts).encode("utf-8")


def errors(code: int, description: str, fmt: str) -> bytes:
    """GeoReport v2's error document."""
    if fmt == "xml":
        return ('<?xml version="1.0" encoding="utf-8"?><errors><error>'
                f"<code>{code}</code><description>{escape(description)}</description>"
                "</error></errors>").encode()
    return to_json([{"code": code, "description": description}])
