"""`/data.json`: the catalogue in DCAT-US v1.1 (Project Open Data), the document
data.gov and US state portals harvest from cities (see metadata/dcat_us.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.catalogue import published_datasets
from api.deps import DbDep, SettingsDep
from metadata.dcat_us import build_data_json

router = APIRouter(tags=["dcat"])


@router.get("/data.json", summary="The catalogue in DCAT-US v1.1 (Project Open Data)",
            description="Valid against the non-federal DCAT-US v1.1 JSON Schemas: a dataset "
                        "per published dataset, a distribution per published format and one "
                        "for the data API.")
def data_json(db: DbDep, settings: SettingsDep) -> dict[str, Any]:
    return build_data_json(settings.catalog_info(), published_datasets(db),
                           base_url=settings.public_base_url)
