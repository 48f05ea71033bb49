"""Residents talk back: request a dataset (and support others' requests), and send
feedback on a dataset. No account; rate-limited per client; an optional e-mail is kept
only until the answer is sent."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from api.deps import AsyncDbDep, SettingsDep
from api.portal.i18n import translator
from api.portal.ratelimit import RateLimit
from api.routes.portal import _language, _render
from catalog import public
from catalog.talkback import add_feedback, add_request, public_requests, upvote_request

router = APIRouter(tags=["portal"], include_in_schema=False)

_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")
# submissions (requests, feedback) and votes one client may make per hour, across all
# worker processes
SUBMISSIONS = RateLimit("submissions", per_hour=10)
VOTES = RateLimit("votes", per_hour=30)
VOTED_COOKIE = "voted"


def _email(value: str) -> str | None:
    value = value.strip()
    return value.lower() if value and _EMAIL.fullmatch(value) and len(value) <= 254 else None


async def _requests_page(request: Request, db, *, notice: str | None = None,
                         error: bool = False, status_code: int = 200) -> HTMLResponse:
    lang = _language(request)
    return _render(request, "portal/requests.html", lang, {
        "requests": await public_requests(db), "notice": notice, "error": error},
        status_code=status_code)


@router.get("/portal/requests", response_class=HTMLResponse)
async def requests_page(request: Request, db: AsyncDbDep) -> HTMLResponse:
    return await _requests_page(request, db)


@router.post("/portal/requests", response_class=HTMLResponse)
async def submit_request(request: Request, db: AsyncDbDep,
                         title: Annotated[str, Form(max_length=400)],
                         description: Annotated[str, Form(max_length=8000)] = "",
                         email: Annotated[str, Form(max_length=254)] = "") -> HTMLResponse:
    t = translator(_language(request))
    if not await SUBMISSIONS.allow(request, db):
        return await _requests_page(request, db, notice=t("too_many"), error=True,
                                    status_code=429)
    title = title.strip()
    if not 3 <= len(title) <= 200 or len(description) > 4000:
        return await _requests_page(request, db, notice=t("request_invalid"), error=True,
                                    status_code=400)
    await add_request(db, title=title, description=description.strip(),
                      email=_email(email))
    return await _requests_page(request, db, notice=t("request_thanks"))


@router.post("/portal/requests/{request_id}/upvote")
async def upvote(request_id: int, request: Request, db: AsyncDbDep) -> RedirectResponse:
    """One vote per request from a browser (a cookie), and a cap per client per hour."""
    voted = set(filter(None, request.cookies.get(VOTED_COOKIE, "").split(".")))
    response = RedirectResponse(f"/portal/requests#request-{request_id}", status_code=303)
    if str(request_id) in voted or not await VOTES.allow(request, db):
        return response
    if await upvote_request(db, request_id=request_id):
        voted.add(str(request_id))
        response.set_cookie(VOTED_COOKIE, ".".join(sorted(voted))[-3000:],
                            max_age=365 * 24 * 3600, samesite="lax")
    return response


@router.post("/portal/datasets/{slug}/feedback", response_class=HTMLResponse)
async def feedback(slug: str, request: Request, db: AsyncDbDep, settings: SettingsDep,
                   message: Annotated[str, Form(max_length=8000)],
                   email: Annotated[str, Form(max_length=254)] = "") -> HTMLResponse:
    lang = _language(request)
    t = translator(lang)
    heading = t("feedback")
    if await public.latest_version_number_async(db, slug=slug) is None:
        return _render(request, "portal/message.html", lang, {
            "heading": heading, "message": t("not_found"), "error": True}, status_code=404)
    if not await SUBMISSIONS.allow(request, db):
        return _render(request, "portal/message.html", lang, {
            "heading": heading, "message": t("too_many"), "error": True, "slug": slug},
            status_code=429)
    message = message.strip()
    if not 3 <= len(message) <= 4000:
        return _render(request, "portal/message.html", lang, {
            "heading": heading, "message": t("feedback_invalid"), "error": True,
            "slug": slug}, status_code=400)
    await add_feedback(db, slug=slug, message=message, email=_email(email))
    return _render(request, "portal/message.html", lang, {
        "heading": heading, "message": t("feedback_thanks"), "slug": slug})
