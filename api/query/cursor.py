"""Keyset cursors: an opaque token naming the last row of a page, so the next page starts
right after it with an index range scan, however deep the page.

A token carries the version it pages through (a dataset's latest version may change
between pages; the cursor keeps reading the one it started on), a digest of the query
(filters, search, spatial filters and order: a cursor is valid only for the query that
made it) and the sort key values of the last row. It is signed (HMAC-SHA256 with
`CIVIC_CURSOR_KEY`, or a fixed key when unset): any change to a token is refused with
400. The values are read back with their columns' types and only ever bound as
parameters, so even a forged token can do no more than a hand-written filter.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from api.query.errors import QueryError
from api.query.sorting import SortKey
from api.query.values import from_token, to_token

DEFAULT_KEY = b"civic-open-data/cursor/v1"
SIGNATURE_BYTES = 16
MAX_TOKEN_LENGTH = 4_096


@dataclass(frozen=True)
class Cursor:
    version: int
    query: str
    values: list[Any]


def _key(secret: str | None) -> bytes:
    return secret.encode("utf-8") if secret else DEFAULT_KEY


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def query_digest(canonical: str) -> str:
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def encode_cursor(*, version: int, query: str, keys: list[SortKey], row: dict[str, Any],
                  secret: str | None) -> str:
    payload = json.dumps({"v": version, "q": query,
                          "k": [to_token(row[key.column.name]) for key in keys]},
                         separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    signature = hmac.new(_key(secret), payload, hashlib.sha256).digest()[:SIGNATURE_BYTES]
    return f"{_b64(payload)}.{_b64(signature)}"


def _tampered() -> QueryError:
    return QueryError("cursor", "this cursor is not one the API issued, or it was altered; "
                                "start again from the first page")


def read_cursor(token: str, *, secret: str | None) -> dict[str, Any]:
    """The signed content of a token, or a QueryError if it was altered."""
    if len(token) > MAX_TOKEN_LENGTH or token.count(".") != 1:
        raise _tampered()
    body, signature = token.split(".")
    try:
        payload, given = _unb64(body), _unb64(signature)
    except (binascii.Error, ValueError):
        raise _tampered() from None
    expected = hmac.new(_key(secret), payload, hashlib.sha256).digest()[:SIGNATURE_BYTES]
    if not hmac.compare_digest(given, expected):
        raise _tampered()
    try:
        data = json.loads(payload)
        return {"v": int(data["v"]), "q": str(data["q"]), "k": list(data["k"])}
    except (ValueError, KeyError, TypeError):
        raise _tampered() from None


def decode_cursor(content: dict[str, Any], *, keys: list[SortKey], query: str) -> Cursor:
    """The cursor of a token's content (see read_cursor), or a QueryError if it belongs
    to another query or holds values its fields cannot take."""
    if content["q"] != query:
        raise QueryError("cursor", "this cursor belongs to another query (filters, search "
                                   "or sort changed); start again from the first page")
    if len(content["k"]) != len(keys):
        raise _tampered()
    values = [from_token(key.column, raw, parameter="cursor") if key.column.type != "tid"
              else _row_position(raw)
              for key, raw in zip(keys, content["k"], strict=True)]
    return Cursor(version=content["v"], query=content["q"], values=values)


def _row_position(raw: Any) -> str:
    text = str(raw)
    block, _, item = text.strip("()").partition(",")
    if not (block.isdigit() and item.isdigit()) or int(block) >= 2**32 or int(item) >= 2**16:
        raise QueryError("cursor", "this cursor is not one the API issued")
    return f"({int(block)},{int(item)})"
