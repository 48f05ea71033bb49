"""The portal's outgoing mail: subscription confirmations, over SMTP from a thread so
the event loop never waits on the mail server."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import anyio.to_thread

from api.core.config import Settings


class MailNotSent(RuntimeError):
    """No SMTP server is configured, or it refused or could not be reached."""


def _send(settings: Settings, to: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=15) as smtp:
        smtp.send_message(message)


async def send_mail(settings: Settings, *, to: str, subject: str, body: str) -> None:
    if not settings.smtp_host:
        raise MailNotSent("no SMTP host configured (CIVIC_SMTP_HOST)")
    try:
        await anyio.to_thread.run_sync(_send, settings, to, subject, body)
    except (smtplib.SMTPException, OSError) as exc:
        raise MailNotSent(f"the mail server did not take the message: {exc}") from exc
