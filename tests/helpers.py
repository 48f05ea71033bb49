"""Test helpers: the API as a real server, a free port, an SMTP inbox, review links."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage

from bench.load import serve_api
from tests.paths import PROJECT_ROOT  # noqa: F401 - the tests take it from here too


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def running_api(env: dict[str, str] | None = None) -> AbstractContextManager[str]:
    """The API as a real process with one worker (the bench's `serve_api`, as the load
    tests start it with more); yields its base URL."""
    return serve_api(env or {}, workers=1)


@dataclass
class SmtpInbox:
    """Messages received by a real SMTP server on 127.0.0.1 (aiosmtpd)."""

    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in m["To"]]


class _Collect:
    def __init__(self, inbox: SmtpInbox) -> None:
        self.inbox = inbox

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd hook name
        self.inbox.messages.append(
            message_from_bytes(envelope.original_content, policy=email_policy.default))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server() -> Iterator[SmtpInbox]:
    """A local SMTP server collecting every message it receives."""
    from aiosmtpd.controller import Controller

    inbox = SmtpInbox("127.0.0.1", free_port())
    controller = Controller(_Collect(inbox), hostname=inbox.host, port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


def review_link(message: EmailMessage) -> str:
    """The approval page link in a reviewer's mail."""
    found = re.search(r"https?://\S+/review/[\w-]+", message.get_content())
    if not found:
        raise AssertionError(f"no review link in: {message.get_content()}")
    return found.group(0)
