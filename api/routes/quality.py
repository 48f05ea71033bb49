"""Quality report cards of published versions, as stored in the catalogue at review."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException

from api.deps import DbDep, published_version_or_404
from api.schemas import QualityReportCard

router = APIRouter(prefix="/datasets", tags=["quality"])

# stored beside the card for the next review's change check; not part of the card
INTERNAL_KEYS = {"profile"}


def _report_card(db, slug: str, version: int | None) -> QualityReportCard:
    found = published_version_or_404(db, slug, version)
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
