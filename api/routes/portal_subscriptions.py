"""Subscriptions from the dataset page: double opt-in by e-mail, a confirmation link, and
an unsubscribe link (in every notice) that deletes the address."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from api.deps import AsyncDbDep, SettingsDep
from api.portal.i18n import bilingual, translator
from api.portal.mail import MailNotSent, send_mail
from api.portal.ratelimit import RateLimit
from api.routes.portal import _language, _render
from catalog import public
from catalog.subscriptions import (
    confirm_subscription,
    delete_subscription,
    find_subscription,
    request_subscription,
)

router = APIRouter(tags=["portal"], include_in_schema=False)

_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")

def _message(request: Request, lang: str, message: str, *, slug: str | None = None,
             error: bool = False, status_code: int = 200, **form: str) -> HTMLResponse:
    return _render(request, "portal/message.html", lang, {
        "heading": translator(lang)("subscriptions"), "message": message, "slug": slug,
        "error": error, **form}, status_code=status_code)


async def _title(db, slug: str, lang: str) -> str | None:
    dataset = await public.get_dataset_async(db, slug=slug)
    if dataset is None:
        return None
    return bilingual({"en": dataset["title_en"], "fr": dataset["title_fr"]}, lang) or slug


@router.post("/portal/datasets/{slug}/subscribe", response_class=HTMLResponse)
async def subscribe(slug: str, request: Request, db: AsyncDbDep, settings: SettingsDep,
                    email: Annotated[str, Form(max_length=254)]) -> HTMLResponse:
    lang = _language(request)
    t = translator(lang)
    title = await _title(db, slug, lang)
    if title is None or await public.latest_version_number_async(db, slug=slug) is None:
        return _message(request, lang, t("not_found"), error=True, status_code=404)
    email = email.strip()
    if not _EMAIL.fullmatch(email):
        return _message(request, lang, t("subscribe_invalid"), slug=slug, error=True,
                        status_code=400)
    limit = RateLimit("subscriptions", per_hour=settings.subscribe_per_hour)
    if not await limit.allow(request, db):
        return _message(request, lang, t("too_many"), slug=slug, error=True, status_code=429)
    subscription = await request_subscription(db, slug=slug, email=email.lower())
    if subscription.already_confirmed:
        return _message(request, lang, t("subscribe_already", email=email), slug=slug)
    if not subscription.send_confirmation:
        return _message(request, lang, t("subscribe_wait", email=email), slug=slug)
    link = f"{settings.public_base_url}/portal/subscriptions/{subscription.token}/confirm"
    unsubscribe = (f"{settings.public_base_url}/portal/subscriptions/"
                   f"{subscription.token}/unsubscribe")
    body = "\n\n".join([
        f"Please confirm that you want an e-mail each time «{title}» is published:",
        link,
        "If you did not ask for this, ignore this message: nothing will be sent, and "
        f"you can delete the address now: {unsubscribe}",
        "—",
        f"Veuillez confirmer que vous voulez un courriel à chaque publication de «{title}» :",
        link,
        "Si vous ne l'avez pas demandé, ignorez ce message; pour supprimer l'adresse "
        f"maintenant : {unsubscribe}",
    ])
    try:
        await send_mail(settings, to=email, subject=f"Confirm: {title} / Confirmez : {title}",
                        body=body)
    except MailNotSent as exc:
        await delete_subscription(db, token=subscription.token)
        return _message(request, lang, t("mail_failed", problem=str(exc)), slug=slug,
                        error=True, status_code=503)
    return _message(request, lang, t("subscribe_sent", email=email), slug=slug)


@router.get("/portal/subscriptions/{token}/confirm", response_class=HTMLResponse)
async def confirm(token: str, request: Request, db: AsyncDbDep) -> HTMLResponse:
    lang = _language(request)
    t = translator(lang)
    found = await confirm_subscription(db, token=token)
    if found is None:
        return _message(request, lang, t("unknown_link"), error=True, status_code=404)
    title = await _title(db, found["slug"], lang) or found["slug"]
    return _message(request, lang, t("confirmed", title=title), slug=found["slug"])


@router.get("/portal/subscriptions/{token}/unsubscribe", response_class=HTMLResponse)
async def unsubscribe_page(token: str, request: Request, db: AsyncDbDep) -> HTMLResponse:
    """A link opened by a mail scanner must not unsubscribe: the page asks, a POST acts."""
    lang = _language(request)
    t = translator(lang)
    found = await find_subscription(db, token=token)
    if found is None:
        return _message(request, lang, t("unknown_link"), error=True, status_code=404)
    title = await _title(db, found["slug"], lang) or found["slug"]
    return _message(request, lang, t("unsubscribe_question", title=title,
                                     email=found["email"]), slug=found["slug"],
                    form_action=f"/portal/subscriptions/{token}/unsubscribe",
                    form_button=t("unsubscribe_button"))


@router.post("/portal/subscriptions/{token}/unsubscribe", response_class=HTMLResponse)
async def unsubscribe(token: str, request: Request, db: AsyncDbDep) -> HTMLResponse:
    lang = _language(request)
    t = translator(lang)
    slug = await delete_subscription(db, token=token)
    if slug is None:
        return _message(request, lang, t("unknown_link"), error=True, status_code=404)
    return _message(request, lang, t("unsubscribed"), slug=slug)
