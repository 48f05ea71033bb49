"""The catalogue as DCAT-US v1.1 (Project Open Data, `data.json`): what data.gov and US
state portals harvest from cities.

One dataset per published dataset, describing its current data, with a distribution
per published format (the persistent `latest` download URL, its media type) and one
for the data API (`format: API`, an access URL). Non-federal: no bureau or program
codes. Texts are the English ones (the schema has no language tags); the French title
and description live in the DCAT-AP catalogue (`/catalog`).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from metadata.dcat.model import CatalogInfo, PublishedDataset
from metadata.dcat.uris import download_url
from metadata.dcat.vocabulary import FREQUENCIES, OGL_CANADA_URI

CONFORMS_TO = "https://project-open-data.cio.gov/v1.1/schema"
CONTEXT = "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld"
DESCRIBED_BY = "https://project-open-data.cio.gov/v1.1/schema/catalog.json"

# EU frequency codes (metadata.dcat.vocabulary.FREQUENCIES) → ISO 8601 repeating durations,
# as Project Open Data lists them; "irregular" is its own word for no schedule
ACCRUAL_PERIODICITY = {
    "UPDATE_CONT": "R/PT1S",
    "HOURLY": "R/PT1H",
    "DAILY": "R/P1D",
    "WEEKLY": "R/P1W",
    "BIWEEKLY": "R/P2W",
    "MONTHLY": "R/P1M",
    "BIMONTHLY": "R/P2M",
    "QUARTERLY": "R/P3M",
    "ANNUAL_2": "R/P6M",
    "ANNUAL": "R/P1Y",
    "BIENNIAL": "R/P2Y",
    "IRREG": "irregular",
}
FORMAT_NAMES = {"csv": "CSV", "json": "JSON", "xml": "XML", "geojson": "GeoJSON",
                "xlsx": "Excel", "parquet": "Parquet"}


def accrual_periodicity(update_frequency: str | None) -> str | None:
    """The ISO 8601 repeating duration of a spec's update_frequency, None when unknown."""
    if not update_frequency:
        return None
    key = re.sub(r"[\s-]+", "_", update_frequency.strip().lower())
    code = FREQUENCIES.get(key) or update_frequency.strip().upper()
    return ACCRUAL_PERIODICITY.get(code)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _contact(dataset: PublishedDataset, catalog: CatalogInfo) -> dict[str, str]:
    contact = dataset.spec.metadata.contact_point
    email = contact.email or catalog.contact_email
    vcard = {"@type": "vcard:Contact",
             "fn": contact.name or dataset.spec.metadata.publisher or catalog.publisher_name}
    if email:
        vcard["hasEmail"] = f"mailto:{email}"
    return vcard


def _publisher(dataset: PublishedDataset, catalog: CatalogInfo) -> dict[str, Any]:
    name = dataset.spec.metadata.publisher or catalog.publisher_name
    publisher: dict[str, Any] = {"@type": "org:Organization", "name": name}
    if name != catalog.publisher_name:
        publisher["subOrganizationOf"] = {"@type": "org:Organization",
                                          "name": catalog.publisher_name}
    return publisher


def _distributions(dataset: PublishedDataset, base: str) -> list[dict[str, Any]]:
    title = dataset.spec.title.en or dataset.slug
    latest = dataset.latest
    distributions = []
    for dist in latest.distributions if latest else ():
        name = FORMAT_NAMES.get(dist.format, dist.format.upper())
        entry = {"@type": "dcat:Distribution", "title": f"{title} ({name})",
                 "downloadURL": download_url(base, dataset.slug, dist.extension),
                 "mediaType": dist.effective_media_type, "format": name}
        if dist.format == "csv":
            entry["describedBy"] = f"{base}/datasets/{dataset.slug}/latest/datapackage.json"
            entry["describedByType"] = "application/json"
        distributions.append(entry)
    distributions.append({
        "@type": "dcat:Distribution", "title": f"{title} (API)", "format": "API",
        "accessURL": f"{base}/datasets/{dataset.slug}/data",
        "description": "Pages of the data, filtered, sorted and searched; see /docs.",
    })
    return distributions


def _spatial(dataset: PublishedDataset) -> str | None:
    if dataset.bbox:
        # Project Open Data's bounding box form: west,south,east,north
        return ",".join(f"{value:g}" for value in dataset.bbox)
    return dataset.spec.metadata.spatial_coverage.name or None


def _temporal(dataset: PublishedDataset) -> str | None:
    declared = dataset.spec.metadata.temporal_coverage
    span = ({"start": declared.start, "end": declared.end} if declared.start and declared.end
            else dataset.temporal or {})
    if span.get("start") and span.get("end"):
        return f"{span['start']}/{span['end']}"
    return None


def dcat_us_dataset(dataset: PublishedDataset, catalog: CatalogInfo, *,
                    base_url: str) -> dict[str, Any]:
    """One DCAT-US v1.1 dataset (non-federal) for a published dataset."""
    base = base_url.rstrip("/")
    spec = dataset.spec
    meta = spec.metadata
    identifier = f"{base}/datasets/{spec.slug}"
    entry: dict[str, Any] = {
        "@type": "dcat:Dataset",
        "identifier": identifier,
        "title": spec.title.en or spec.title.fr or spec.slug,
        "description": meta.description.en or meta.description.fr or spec.title.en or spec.slug,
        "accessLevel": "public",
        "publisher": _publisher(dataset, catalog),
        "contactPoint": _contact(dataset, catalog),
        "landingPage": meta.landing_page or identifier,
        "license": meta.license.uri or OGL_CANADA_URI,
        "distribution": _distributions(dataset, base),
        "describedBy": f"{base}/datasets/{spec.slug}/latest/datapackage.json",
        "describedByType": "application/json",
    }
    keywords = dataset.keywords("en") or dataset.keywords("fr")
    if keywords:
        entry["keyword"] = keywords
    if dataset.versions:
        entry["issued"] = _iso(dataset.versions[0].published_at)
        entry["modified"] = _iso(dataset.versions[-1].published_at)
    optional = {
        "accrualPeriodicity": accrual_periodicity(meta.update_frequency),
        "spatial": _spatial(dataset),
        "temporal": _temporal(dataset),
        "language": list(meta.languages) or None,
        "theme": list(dict.fromkeys(meta.themes)) or None,
    }
    entry.update({key: value for key, value in optional.items() if value})
    return entry


def build_data_json(catalog: CatalogInfo, datasets: list[PublishedDataset], *,
                    base_url: str) -> dict[str, Any]:
    """The whole catalogue as a DCAT-US v1.1 `data.json` document."""
    base = base_url.rstrip("/")
    return {
        "@context": CONTEXT,
        "@id": f"{base}/data.json",
        "@type": "dcat:Catalog",
        "conformsTo": CONFORMS_TO,
        "describedBy": DESCRIBED_BY,
        "dataset": [dcat_us_dataset(d, catalog, base_url=base) for d in datasets],
    }
