"""Source credentials, encrypted at rest in `catalog.credentials` (Fernet).

The key (a Fernet key: `Fernet.generate_key()`) is passed in by the caller, which reads it
from its settings (`CIVIC_SECRET_KEY`); specs name a credential, never the secret itself.
"""

from __future__ import annotations

import psycopg
from cryptography.fernet import Fernet, InvalidToken

SECRET_KEY_ENV = "CIVIC_SECRET_KEY"


class CredentialError(RuntimeError):
    """A credential cannot be stored or read (no key, wrong key, unknown name)."""


def _fernet(key: str | bytes | None) -> Fernet:
    if not key:
        raise CredentialError(
            f"{SECRET_KEY_ENV} is not set: source credentials are encrypted with it. "
            "Generate one with `python -c \"from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())\"` and keep it out of the repository.")
    try:
        return Fernet(key.encode() if isinstance(key, str) else key)
    except (ValueError, TypeError) as exc:
        raise CredentialError(
            f"{SECRET_KEY_ENV} is not a valid Fernet key (32 url-safe base64 bytes)") from exc


def store_credential(conn: psycopg.Connection, name: str, secret: str, *,
                     key: str | bytes | None) -> None:
    """Encrypt and store (or replace) a credential under `name`."""
    token = _fernet(key).encrypt(secret.encode("utf-8"))
    conn.execute(
        "INSERT INTO catalog.credentials (name, ciphertext) VALUES (%s, %s) "
        "ON CONFLICT (name) DO UPDATE SET ciphertext = EXCLUDED.ciphertext, updated_at = now()",
        (name, token),
    )


def load_credential(conn: psycopg.Connection, name: str, *, key: str | bytes | None) -> str:
    """Decrypt the credential `name`; CredentialError when missing or undecryptable."""
    fernet = _fernet(key)
    row = conn.execute(
        "SELECT ciphertext FROM catalog.credentials WHERE name = %s", (name,)).fetchone()
    if row is None:
        raise CredentialError(f"no stored credential named {name!r}")
    try:
        return fernet.decrypt(bytes(row[0])).decode("utf-8")
    except InvalidToken as exc:
        raise CredentialError(
            f"credential {name!r} cannot be decrypted with the current {SECRET_KEY_ENV} "
            "(was the key rotated?)") from exc
