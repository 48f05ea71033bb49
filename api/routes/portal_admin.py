"""The portal's admin pages, behind HTTP Basic with the password CIVIC_ADMIN_TOKEN (any
user name): no account store for one coordinator's view; off (404) when no token is set."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials

from api.core.config import Settings, get_settings
from api.deps import AsyncDbDep, SettingsDep
from api.portal.charts import BarChart
from api.portal.i18n import translator
from api.portal.mail import MailNotSent, send_mail
from api.routes.portal import _language, _render
from catalog import public
from catalog.talkback import (
    admin_feedback,
    admin_requests,
    answer_feedback,
    answer_request,
)
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


async def _requests_page(request: Request, db, notice: str | None = None,
                         status_code: int = 200) -> HTMLResponse:
    return _render(request, "portal/admin_requests.html", _language(request), {
        "requests": await admin_requests(db), "feedback": await admin_feedback(db),
        "notice": notice}, status_code=status_code)


@router.get("/requests", response_class=HTMLResponse)
async def requests_admin(request: Request, db: AsyncDbDep, _: AdminDep) -> HTMLResponse:
    return await _requests_page(request, db)


async def _tell(settings, to: str | None, subject: str, body: str) -> bool:
    """Mail the answer when an address was given; False when none was or it failed."""
    if not to:
        return False
    try:
        await send_mail(settings, to=to, subject=subject, body=body)
    except MailNotSent:
        return False
    return True


@router.post("/requests/{request_id}", response_class=HTMLResponse)
async def answer_dataset_request(
        request_id: int, request: Request, db: AsyncDbDep, settings: SettingsDep,
        _: AdminDep, answer: Annotated[str, Form(min_length=1, max_length=4000)],
        status: Annotated[str, Form()] = "answered",
        slug: Annotated[str, Form(max_length=100)] = "") -> HTMLResponse:
    t = translator(_language(request))
    slug = slug.strip()
    if status not in ("answered", "fulfilled", "declined"):
        raise HTTPException(status_code=400, detail=f"unknown status '{status}'")
    if slug and await public.latest_version_number_async(db, slug=slug) is None:
        raise HTTPException(status_code=400, detail=f"no published dataset named '{slug}'")
    answered = await answer_request(db, request_id=request_id, answer=answer.strip(),
                                    status="fulfilled" if slug else status,
                                    slug=slug or None)
    if answered is None:
        raise HTTPException(status_code=404, detail="no such request")
    link = f"\n\n{settings.public_base_url}/portal/datasets/{slug}" if slug else ""
    mailed = await _tell(settings, answered["email"],
                         f"Your data request: {answered['title']}",
                         f"You asked for: {answered['title']}\n\n{answered['answer']}{link}"
                         "\n\nYour address has now been deleted.")
    return await _requests_page(request, db, t("answered_mailed" if mailed
                                               else "answered_no_mail"))


@router.post("/feedback/{feedback_id}", response_class=HTMLResponse)
async def answer_dataset_feedback(
        feedback_id: int, request: Request, db: AsyncDbDep, settings: SettingsDep,
        _: AdminDep, answer: Annotated[str, Form(min_length=1, max_length=4000)]
) -> HTMLResponse:
    t = translator(_language(request))
    answered = await answer_feedback(db, feedback_id=feedback_id, answer=answer.strip())
    if answered is None:
        raise HTTPException(status_code=404, detail="no such feedback")
    mailed = await _tell(settings, answered["email"], f"About {answered['slug']}",
                         f"You wrote: {answered['message']}\n\n{answered['answer']}"
                         "\n\nYour address has now been deleted.")
    return await _requests_page(request, db, t("answered_mailed" if mailed
                                               else "answered_no_mail"))
