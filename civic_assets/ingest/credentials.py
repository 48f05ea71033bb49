"""Source credentials with the key from the pipeline's settings (CIVIC_SECRET_KEY)."""

from __future__ import annotations

import psycopg

from catalog import credentials
from civic_assets.settings import get_settings


def store_credential(conn: psycopg.Connection, name: str, secret: str) -> None:
    """Encrypt and store (or replace) the credential `name`."""
    credentials.store_credential(conn, name, secret, key=get_settings().credentials_key())


def load_credential(conn: psycopg.Connection, name: str) -> str:
    """Decrypt the credential `name`; CredentialError when missing or undecryptable."""
    return credentials.load_credential(conn, name, key=get_settings().credentials_key())
