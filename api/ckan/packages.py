"""Published datasets as CKAN packages, resources, organizations and tags.

Ids are UUID 5 of what they name (a dataset's slug, a slug and a format, an
organization's name), so they never change between calls, versions or servers. A
package describes the latest version; its resources are that version's files at their
persistent `latest` URLs, in the vocabulary's order, the CSV first and DataStore-active.
Times are CKAN's: UTC without an offset, to the microsecond.
"""

from __future__ import annotations

import json
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from metadata.dcat import FILE_FORMATS, OGL_CANADA_URI, CatalogInfo, PublishedDataset
from metadata.dcat.uris import download_url

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:civic-open-data:ckan")
# the resource whose table datastore_search reads
DATASTORE_FORMAT = "csv"
FORMAT_NAMES = {"csv": "CSV", "json": "JSON", "xml": "XML", "geojson": "GeoJSON",
                "xlsx": "XLSX", "parquet": "Parquet"}
# what CKAN accepts as a tag: 2 to 100 letters, digits, spaces, -, _ and .
_TAG = re.compile(r"^[\w .-]{2,100}$")


def package_id(slug: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"package/{slug}"))


def resource_id(slug: str, fmt: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"resource/{slug}/{fmt}"))


def organization_id(name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"organization/{name}"))


def tag_id(name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"tag/{name}"))


def ckan_time(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def organization_name(title: str) -> str:
    """A CKAN name (lowercase letters, digits, - and _) for a publisher's name; accents
    are dropped, not the letters (Ville de Montréal → ville-de-montreal)."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9_]+", "-", plain.lower()).strip("-")[:100] or "publisher"


@dataclass(frozen=True)
class Organization:
    name: str
    title: str
    created: datetime | None

    def as_dict(self, *, package_count: int | None = None) -> dict[str, Any]:
        found: dict[str, Any] = {
            "id": organization_id(self.name), "name": self.name, "title": self.title,
            "display_name": self.title, "description": "", "image_url": "",
            "image_display_url": "",
            "created": ckan_time(self.created) if self.created else None,
            "is_organization": True, "approval_status": "approved", "state": "active",
            "type": "organization",
        }
        if package_count is not None:
            found["package_count"] = package_count
        return found


def organization_of(dataset: PublishedDataset, catalog: CatalogInfo) -> Organization:
    title = dataset.spec.metadata.publisher or catalog.publisher_name
    first = dataset.versions[0].published_at if dataset.versions else None
    return Organization(organization_name(title), title, first)


def tags_of(dataset: PublishedDataset) -> list[str]:
    """English keywords, then the French ones not already there (CKAN tags have no language)."""
    english = dataset.keywords("en")
    names = english + [k for k in dataset.keywords("fr") if k not in english]
    return [name for name in dict.fromkeys(n.strip() for n in names) if _TAG.match(name)]


def tag_dict(name: str) -> dict[str, Any]:
    return {"id": tag_id(name), "name": name, "display_name": name, "state": "active",
            "vocabulary_id": None}


def resources_of(dataset: PublishedDataset, *, base_url: str) -> list[dict[str, Any]]:
    latest = dataset.latest
    if latest is None:
        return []
    title = dataset.spec.title.en or dataset.slug
    order = list(FILE_FORMATS)
    distributions = sorted(latest.distributions,
                           key=lambda d: order.index(d.format) if d.format in order else 99)
    resources = []
    for position, dist in enumerate(distributions):
        name = FORMAT_NAMES.get(dist.format, dist.format.upper())
        when = ckan_time(latest.published_at)
        resources.append({
            "id": resource_id(dataset.slug, dist.format),
            "package_id": package_id(dataset.slug),
            "name": f"{title} ({name})",
            "description": (f"Version {latest.version} of the data as {name}"
                            + (f", {latest.row_count:,} rows" if latest.row_count else "")
                            + "."),
            "format": name,
            "mimetype": dist.effective_media_type,
            "mimetype_inner": None,
            "url": download_url(base_url, dataset.slug, dist.extension),
            "url_type": None,
            "size": dist.byte_size,
            "hash": dist.sha256 or "",
            "created": when,
            "last_modified": when,
            "metadata_modified": when,
            "position": position,
            "state": "active",
            "resource_type": None,
            "cache_url": None,
            "datastore_active": dist.format == DATASTORE_FORMAT,
        })
    return resources


def _bbox_polygon(bbox: list[float]) -> str:
    west, south, east, north = bbox
    return json.dumps({"type": "Polygon", "coordinates": [[
        [west, south], [east, south], [east, north], [west, north], [west, south]]]})


def _license(dataset: PublishedDataset) -> tuple[str, str, str]:
    licence = dataset.spec.metadata.license
    uri = licence.uri or OGL_CANADA_URI
    if uri == OGL_CANADA_URI:
        return "OGL-Canada-2.0", licence.title or "Open Government Licence - Canada", uri
    return organization_name(licence.title or uri), licence.title or uri, uri


def _extras(dataset: PublishedDataset, *, base_url: str) -> list[dict[str, str]]:
    spec = dataset.spec
    meta = spec.metadata
    latest = dataset.latest
    temporal = dataset.temporal or {}
    values = {
        "title_fr": spec.title.fr,
        "notes_fr": meta.description.fr,
        "update_frequency": meta.update_frequency,
        "spatial": _bbox_polygon(dataset.bbox) if dataset.bbox else None,
        "spatial_coverage": meta.spatial_coverage.name,
        "temporal_start": meta.temporal_coverage.start or temporal.get("start"),
        "temporal_end": meta.temporal_coverage.end or temporal.get("end"),
        "published_version": str(latest.version) if latest else None,
        "row_count": str(latest.row_count) if latest and latest.row_count is not None else None,
        "datapackage": f"{base_url}/datasets/{spec.slug}/latest/datapackage.json",
        "dcat": f"{base_url}/datasets/{spec.slug}/dcat.ttl",
    }
    return [{"key": key, "value": value} for key, value in values.items() if value]


def package_of(dataset: PublishedDataset, catalog: CatalogInfo, *,
               base_url: str) -> dict[str, Any]:
    """The CKAN package dict of a published dataset (package_show's result)."""
    base = base_url.rstrip("/")
    spec = dataset.spec
    meta = spec.metadata
    organization = organization_of(dataset, catalog)
    resources = resources_of(dataset, base_url=base)
    tags = [tag_dict(name) for name in tags_of(dataset)]
    license_id, license_title, license_url = _license(dataset)
    first = dataset.versions[0].published_at if dataset.versions else None
    latest = dataset.latest
    return {
        "id": package_id(spec.slug),
        "name": spec.slug,
        "title": spec.title.en or spec.title.fr or spec.slug,
        "notes": meta.description.en or meta.description.fr or "",
        "url": meta.landing_page or f"{base}/datasets/{spec.slug}",
        "version": str(latest.version) if latest else None,
        "author": meta.publisher or catalog.publisher_name,
        "author_email": None,
        "maintainer": meta.contact_point.name,
        "maintainer_email": meta.contact_point.email or catalog.contact_email,
        "license_id": license_id,
        "license_title": license_title,
        "license_url": license_url,
        "isopen": True,
        "private": False,
        "state": "active",
        "type": "dataset",
        "metadata_created": ckan_time(first) if first else None,
        "metadata_modified": ckan_time(latest.published_at) if latest else None,
        "creator_user_id": None,
        "owner_org": organization_id(organization.name),
        "organization": organization.as_dict(),
        "groups": [],
        "tags": tags,
        "num_tags": len(tags),
        "resources": resources,
        "num_resources": len(resources),
        "extras": _extras(dataset, base_url=base),
        "relationships_as_object": [],
        "relationships_as_subject": [],
    }
