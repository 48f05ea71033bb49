"""DCAT-AP 3.0.1 metadata for harvesters: the whole catalogue and each dataset, in
Turtle, JSON-LD and RDF/XML (see metadata/dcat.py for what the graphs hold)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from rdflib import Graph

from api.catalogue import StoredSpecInvalid, published_dataset, published_datasets
from api.deps import DbDep, SettingsDep, dataset_not_found
from api.negotiation import negotiate_format
from catalog import public
from metadata.dcat import (
    DcatError,
    build_catalog_graph,
    dataset_graph,
    rdf_format,
    serialize,
)

router = APIRouter(tags=["dcat"])

# file extension → our RDF format name
EXTENSIONS = {"ttl": "turtle", "jsonld": "json-ld", "rdf": "rdf/xml"}

_RDF_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "DCAT-AP 3.0.1", "content": {
        rdf_format(name).media_type: {} for name in EXTENSIONS.values()}},
    404: {"description": "Unknown dataset or extension"},
}


def _format(ext: str) -> str:
    if ext not in EXTENSIONS:
        raise HTTPException(status_code=404, detail=(
            f"no RDF format '{ext}'; formats are {', '.join(EXTENSIONS)}"))
    return EXTENSIONS[ext]


def _rdf(graph_of: Callable[[], Graph], fmt: str, **headers: str) -> Response:
    # DcatError names the record at fault: the data officer fixes the spec, not the API
    try:
        graph = graph_of()
    except (DcatError, StoredSpecInvalid) as exc:
        raise HTTPException(status_code=500,
                            detail=f"the catalogue cannot be described as DCAT: {exc}") from exc
    target = rdf_format(fmt)
    return Response(serialize(graph, target.name), media_type=target.media_type,
                    headers=headers)


def _catalog(db, settings, fmt: str, **headers: str) -> Response:
    def graph() -> Graph:
        datasets = published_datasets(db)
        # each dataset's freshness (fresh or overdue) is judged now, as on its page
        return build_catalog_graph(settings.catalog_info(), datasets,
                                   base_url=settings.public_base_url, now=datetime.now(UTC))

    return _rdf(graph, fmt, **headers)


@router.get("/catalog", summary="The DCAT catalogue (content negotiation)",
            response_class=Response, responses=_RDF_RESPONSES,
            description="Turtle, JSON-LD or RDF/XML by the Accept header; Turtle by default.")
def catalog(request: Request, db: DbDep, settings: SettingsDep) -> Response:
    fmt, _media_type = negotiate_format(request.headers.get("accept"))
    extension = rdf_format(fmt).extension
    return _catalog(db, settings, fmt, Vary="Accept",
                    **{"Content-Location": f"/catalog.{extension}"})


@router.get("/catalog.{ext}", summary="The DCAT catalogue as a file",
            response_class=Response, responses=_RDF_RESPONSES,
            description=f"`ext` is one of {', '.join(EXTENSIONS)}.")
def catalog_file(ext: str, db: DbDep, settings: SettingsDep) -> Response:
    return _catalog(db, settings, _format(ext))


@router.get("/datasets/{slug}/dcat.{ext}", summary="One dataset as DCAT",
            response_class=Response, responses=_RDF_RESPONSES,
            description=f"`ext` is one of {', '.join(EXTENSIONS)}.")
def dataset_dcat(slug: str, ext: str, db: DbDep, settings: SettingsDep) -> Response:
    fmt = _format(ext)
    dataset = public.get_dataset(db, slug=slug)
    versions = public.list_versions(db, slug=slug)
    if dataset is None or not versions:
        raise dataset_not_found(slug)

    def graph() -> Graph:
        return dataset_graph(settings.catalog_info(), published_dataset(dataset["spec"], versions),
                             base_url=settings.public_base_url, now=datetime.now(UTC))

    return _rdf(graph, fmt)
