"""The portal's admin pages, behind HTTP Basic with the password CIVIC_ADMIN_TOKEN (any
user name): no account store for one coordinator's view; off (404) when no token is set."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials

from api.core.config import Settings, get_settings
from api.deps import AsyncDbDep
from api.portal.charts import BarChart
from api.portal.i18n import translator
from api.routes.portal import _language, _render
from catalog.usage_log import usage_report_async

router = APIRouter(prefix="/portal/admin", tags=["portal"], include_in_schema=False)
_basic = HTTPBasic(auto_error=False, realm="Open data admin")


def require_admin(settings: Annotated[Settings, Depends(get_settings)],
                  credentials: Annotated[HTTPBasicCredentials | None,
                                         Depends(_basic)]) -> None:
    if not settings.admin_token:
        raise HTTPException(status_code=404, detail="the admin pages are off")
    given = credentials.password.encode() if credentials else b""
    if not hmac.compare_digest(given, settings.admin_token.encode()):
        raise HTTPException(status_code=401, detail="admin password required",
                            headers={"WWW-Authenticate": 'Basic realm="Open data admin"'})


AdminDep = Annotated[None, Depends(require_admin)]


@router.get("/usage", response_class=HTMLResponse)
async def usage(request: Request, db: AsyncDbDep, _: AdminDep) -> HTMLResponse:
    lang = _language(request)
    report = await usage_report_async(db)
    chart = BarChart(translator(lang)("usage_per_day"), [
        (str(row["day"])[5:], row["page_views"] + row["api_calls"] + row["downloads"])
        for row in report["daily"]])
    return _render(request, "portal/admin_usage.html", lang, {"report": report,
                                                             "chart": chart})
