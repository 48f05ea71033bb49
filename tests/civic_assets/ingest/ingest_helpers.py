"""Helpers for ingest tests: the corpus, real data, raw table snapshots, log rows."""

from __future__ import annotations

import hashlib
import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import psycopg
from psycopg import sql

from catalog.database import libpq_url
from metadata.specs import Source
from tests.paths import SHARED_DATA

CORPUS = Path(__file__).parent / "corpus"
SHARED = SHARED_DATA


def file_source(path: Path | str, **fields) -> Source:
    return Source(type="file", path=str(path), **fields)


def raw_snapshot(database_url: str, slug: str) -> tuple[list[str], int, str] | None:
    """(columns, row count, digest of all values) of raw.<slug>, or None when absent."""
    with psycopg.connect(libpq_url(database_url)) as conn:
        exists = conn.execute("SELECT to_regclass(%s)", (f'raw."{slug}"',)).fetchone()[0]
        if exists is None:
            return None
        cursor = conn.execute(sql.SQL("SELECT * FROM raw.{} ORDER BY 1").format(
            sql.Identifier(slug)))
        names = [d.name for d in cursor.description]
        rows = cursor.fetchall()
    return names, len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()


def log_rows(database_url: str, slug: str) -> list[dict]:
    from psycopg.rows import dict_row

    with psycopg.connect(libpq_url(database_url), row_factory=dict_row) as conn:
        return conn.execute("SELECT * FROM catalog.ingest_log WHERE slug = %s ORDER BY id",
                            (slug,)).fetchall()


def raw_rows(database_url: str, slug: str, order_by: str | None = None) -> list[tuple]:
    with psycopg.connect(libpq_url(database_url)) as conn:
        query = sql.SQL("SELECT * FROM raw.{}").format(sql.Identifier(slug))
        if order_by:
            query += sql.SQL(" ORDER BY {}").format(sql.Identifier(order_by))
        return conn.execute(query).fetchall()


class JsonApiHandler(BaseHTTPRequestHandler):
    """Base of the tests' local REST APIs: JSON answers, quiet logs."""

    def log_message(self, *args):  # keep test output quiet
        pass

    def _send(self, body, headers=None, status=200):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
