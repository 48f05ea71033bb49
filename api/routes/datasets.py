"""Public catalogue and data: only published versions are visible here."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request

from api import queries
from api.deps import DbDep, SettingsDep, dataset_not_found, published_version_or_404
from api.schemas import (
    Column,
    DataPage,
    DatasetDetail,
    DatasetSummary,
    Links,
    Title,
    VersionSummary,
)
from catalog import public

router = APIRouter(prefix="/datasets", tags=["datasets"])

PAGING_PARAMS = {"limit", "offset"}


def _links(base: str, slug: str) -> Links:
    return Links(self=f"{base}/datasets/{slug}", data=f"{base}/datasets/{slug}/data",
                 csv=f"{base}/datasets/{slug}/latest/data.csv")


def _summary(base: str, row: dict[str, Any]) -> DatasetSummary:
    return DatasetSummary(
        slug=row["slug"], title=Title(en=row["title_en"], fr=row["title_fr"]),
        latest_version=row["version"], row_count=row["row_count"],
        published_at=row["published_at"], links=_links(base, row["slug"]),
    )


def _order_column(db, slug: str) -> str | None:
    dataset = public.get_dataset(db, slug=slug)
    return (dataset or {}).get("spec", {}).get("primary_key")


@router.get("", response_model=list[DatasetSummary], summary="Published datasets")
def list_datasets(db: DbDep, settings: SettingsDep) -> list[DatasetSummary]:
    return [_summary(settings.public_base_url, row) for row in public.list_published(db)]


@router.get("/{slug}", response_model=DatasetDetail, summary="A dataset's metadata")
def get_dataset(slug: str, db: DbDep, settings: SettingsDep) -> DatasetDetail:
    versions = public.list_versions(db, slug=slug)
    dataset = public.get_dataset(db, slug=slug)
    if not versions or dataset is None:
        raise dataset_not_found(slug)
    latest = versions[0]
    meta = dataset["spec"].get("metadata", {})
    base = settings.public_base_url
    return DatasetDetail(
        **_summary(base, {**dataset, **latest}).model_dump(),
        description=Title(**meta.get("description", {})),
        keywords=meta.get("keywords", {}),
        publisher=meta.get("publisher"),
        license=meta.get("license", {}),
        update_frequency=meta.get("update_frequency"),
        columns=[Column(name=c["name"], type=c["type"]) for c in latest["columns"]],
        versions=[VersionSummary(
            version=v["version"], row_count=v["row_count"], published_at=v["published_at"],
            csv=f"{base}/datasets/{slug}/versions/{v['version']}/data.csv") for v in versions],
    )


def _data_page(request: Request, db, settings, slug: str, version: int | None,
               limit: int | None, offset: int) -> DataPage:
    found = published_version_or_404(db, slug, version)
    columns = [c["name"] for c in found["columns"]]
    filters = {k: v for k, v in request.query_params.items() if k not in PAGING_PARAMS}
    unknown = sorted(set(filters) - set(columns))
    if unknown:
        raise HTTPException(status_code=400, detail=(
            f"unknown filter column(s) {', '.join(unknown)}; columns are {', '.join(columns)}"))
    limit = limit or settings.default_page_size
    total, rows = queries.page_rows(db, table=found["table_name"],
                                    order_by=_order_column(db, slug), limit=limit,
                                    offset=offset, filters=filters)
    next_url = None
    if offset + limit < total:
        params = {**filters, "limit": limit, "offset": offset + limit}
        next_url = f"{settings.public_base_url}{request.url.path}?{urlencode(params)}"
    return DataPage(slug=slug, version=found["version"], total=total, limit=limit,
                    offset=offset, columns=columns, rows=rows, next=next_url)


@router.get("/{slug}/data", response_model=DataPage, summary="A page of the latest version",
            description="Any other query parameter named after a column filters on equality, "
                        "e.g. `?status=closed`.")
def latest_data(request: Request, slug: str, db: DbDep, settings: SettingsDep,
                limit: int | None = Query(None, ge=1, le=5000),
                offset: int = Query(0, ge=0)) -> DataPage:
    return _data_page(request, db, settings, slug, None, limit, offset)


@router.get("/{slug}/versions/{version}/data", response_model=DataPage,
            summary="A page of one published version")
def version_data(request: Request, slug: str, version: int, db: DbDep, settings: SettingsDep,
                 limit: int | None = Query(None, ge=1, le=5000),
                 offset: int = Query(0, ge=0)) -> DataPage:
    return _data_page(request, db, settings, slug, version, limit, offset)


@router.get("/{slug}/versions", response_model=list[VersionSummary],
            summary="Every published version")
def versions(slug: str, db: DbDep, settings: SettingsDep) -> list[VersionSummary]:
    rows = public.list_versions(db, slug=slug)
    if not rows:
        raise dataset_not_found(slug)
    base = settings.public_base_url
    return [VersionSummary(version=v["version"], row_count=v["row_count"],
                           published_at=v["published_at"],
                           csv=f"{base}/datasets/{slug}/versions/{v['version']}/data.csv")
            for v in rows]
