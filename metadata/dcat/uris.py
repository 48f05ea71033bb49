"""The persistent URIs of the catalogue, datasets, versions and downloads."""


from __future__ import annotations

from rdflib import URIRef


def _base(base_url: str) -> str:
    return base_url.rstrip("/")


def catalog_uri(base_url: str) -> URIRef:
    return URIRef(f"{_base(base_url)}/catalog")


def dataset_uri(base_url: str, slug: str) -> URIRef:
    return URIRef(f"{_base(base_url)}/datasets/{slug}")


def version_uri(base_url: str, slug: str, version: int) -> URIRef:
    return URIRef(f"{_base(base_url)}/datasets/{slug}/versions/{version}")


def download_url(base_url: str, slug: str, extension: str, version: int | None = None) -> str:
    """The persistent download URL of a file: of one version, or of the latest."""
    where = f"versions/{version}" if version is not None else "latest"
    return f"{_base(base_url)}/datasets/{slug}/{where}/data.{extension}"


def data_service_uri(base_url: str) -> URIRef:
    return URIRef(f"{_base(base_url)}/catalog#api")
