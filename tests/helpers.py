"""Test helpers: a real uvicorn server on a free port, and demo files."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage

import httpx

from tests.paths import PROJECT_ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_api(env: dict[str, str] | None = None) -> Iterator[str]:
    """Start `uvicorn api.main:app` as a real process; yield its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process_env = {**os.environ, **(env or {}), "CIVIC_PUBLIC_BASE_URL": base}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        cwd=PROJECT_ROOT, env=process_env)
    try:
        deadline = time.time() + 30
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"the API did not start (exit code {process.poll()})")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


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
