"""Which published column fills which GeoReport v2 field, found from the table's columns,
so any published 311 dataset (the city's, the synthetic demo's) can be served."""

from __future__ import annotations

from dataclasses import dataclass

# GeoReport field → published columns that can fill it, first present wins
CANDIDATES: dict[str, tuple[str, ...]] = {
    "service_request_id": ("request_id",),
    "status": ("status",),
    "service_name": ("request_type",),
    "service_code": ("service_code",),
    "description": ("description",),
    "agency_responsible": ("agency", "department"),
    "requested_datetime": ("created_at",),
    "updated_datetime": ("updated_at", "closed_at"),
    "area": ("council_name", "neighbourhood"),
    "lat": ("latitude",),
    "long": ("longitude",),
}
REQUIRED = ("service_request_id", "status", "service_name", "requested_datetime")


class NotAServiceRequestTable(ValueError):
    """The published dataset lacks a column Open311 cannot do without."""


@dataclass(frozen=True)
class FieldMap:
    """GeoReport field → published column (absent fields are left out of responses)."""

    columns: dict[str, str]

    @classmethod
    def from_columns(cls, names: list[str]) -> FieldMap:
        present = set(names)
        found = {field: next(c for c in options if c in present)
                 for field, options in CANDIDATES.items() if any(c in present for c in options)}
        missing = [field for field in REQUIRED if field not in found]
        if missing:
            raise NotAServiceRequestTable(
                "the published dataset has no column for " + ", ".join(missing))
        return cls(found)

    def column(self, field: str) -> str | None:
        return self.columns.get(field)
