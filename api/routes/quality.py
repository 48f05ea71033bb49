"""Quality report cards of published versions, as stored in the catalogue at review."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException

from api import queries
from api.deps import DbDep
from api.schemas import QualityReportCard

router = APIRouter(prefix="/datasets", tags=["quality"])

# stored beside the card for the next review's change check; not part of the card
INTERNAL_KEYS = {"profile"}


def _report_card(db, slug: str, version: int | None) -> QualityReportCard:
    found = queries.get_version_quality(db, slug=slug, version=version)
    if found is None:
        if version is not None and queries.get_version_quality(db, slug=slug):
            raise HTTPException(status_code=404,
                                detail=f"dataset '{slug}' has no published version {version}")
        raise HTTPException(status_code=404, detail=f"no published dataset named '{slug}'")
    card: dict[str, Any] = {k: v for k, v in (found["quality"] or {}).items()
                            if k not in INTERNAL_KEYS}
    if "overall_score" not in card:
        raise HTTPException(status_code=404, detail=(
            f"version {found['version']} of '{slug}' was published without a quality "
            "report card"))
    return QualityReportCard(slug=found["slug"], version=found["version"],
                             published_at=found["published_at"], **card)


@router.get("/{slug}/quality", response_model=QualityReportCard,
            summary="The quality report card of the latest version",
            description="Completeness, validity, consistency, timeliness, uniqueness and dbt "
                        "test results, each scored 0-100, an overall score and grade, and "
                        "recommendations naming the columns and values at fault.")
def latest_quality(slug: str, db: DbDep) -> QualityReportCard:
    return _report_card(db, slug, None)


@router.get("/{slug}/versions/{version}/quality", response_model=QualityReportCard,
            summary="The quality report card of one published version")
def version_quality(slug: str, version: int, db: DbDep) -> QualityReportCard:
    return _report_card(db, slug, version)
