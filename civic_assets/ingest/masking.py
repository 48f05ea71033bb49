"""Keep secrets out of messages, logs and catalog.ingest_log."""

from __future__ import annotations

import re
from collections.abc import Iterable

_URL_PASSWORD = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<user>[^:/@\s]*):(?P<pw>[^@\s]+)@")
_SECRET_PARAMS = re.compile(
    r"(?i)(?P<key>[?&](?:password|passwd|pwd|token|api_key|apikey|access_token|secret|key)=)"
    r"(?P<value>[^&\s]+)")


def mask_secrets(text: str, secrets: Iterable[str] = ()) -> str:
    """Hide URL passwords, secret-looking query parameters and any known secret value."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    text = _URL_PASSWORD.sub(lambda m: f"{m['scheme']}{m['user']}:***@", text)
    return _SECRET_PARAMS.sub(lambda m: f"{m['key']}***", text)
