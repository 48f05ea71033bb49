"""Dagster resources: the platform database, configured from the environment."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage

import dagster as dg
import psycopg

from catalog.database import libpq_url
from catalog.migrate import bootstrap


class CivicDatabase(dg.ConfigurableResource):
    """The platform's PostgreSQL (pipeline role): raw, dbt schemas, review, published, catalog."""

    url: str

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        # idempotent and cheap; guarantees schemas exist before any asset writes
        bootstrap(self.url)

    @contextmanager
    def connect(self, *, autocommit: bool = False) -> Iterator[psycopg.Connection]:
        """A connection whose transaction commits on success and rolls back on error."""
        with psycopg.connect(libpq_url(self.url), autocommit=autocommit) as conn:
            yield conn


class Mailer(dg.ConfigurableResource):
    """Outgoing e-mail over SMTP (CIVIC_SMTP_HOST, CIVIC_SMTP_PORT, CIVIC_SMTP_FROM).

    With no host configured nothing is sent: `send` says so and callers record it.
    """

    smtp_host: str = ""
    smtp_port: int = 25
    sender: str = "open.data@localhost"
    # links in the mails point here (CIVIC_PUBLIC_BASE_URL: the API's public address)
    public_base_url: str = "http://127.0.0.1:8000"

    def cannot_send(self, to: list[str]) -> str | None:
        """Why a mail to `to` would not be sent, or None when it can be."""
        if not self.smtp_host:
            return "no SMTP host configured (CIVIC_SMTP_HOST)"
        if not to:
            return "no reviewer e-mail configured for this role (approval.reviewers)"
        return None

    def send(self, *, to: list[str], subject: str, body: str) -> None:
        """Send one message. SMTP and network failures raise (smtplib.SMTPException,
        OSError): the caller rolls back and tries again on its next tick."""
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = ", ".join(to)
        message["Subject"] = subject
        message.set_content(body)
        with smtplib.SMTP(self.smtp_host, self.smtp_port, timeout=15) as smtp:
            smtp.send_message(message)
