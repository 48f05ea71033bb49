"""`catalog.datasets`: one row per dataset spec, refreshed whenever it is published."""

from __future__ import annotations

import json
from typing import Any

import psycopg


def upsert_dataset(conn: psycopg.Connection, *, slug: str, title_en: str | None,
                   title_fr: str | None, spec: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO catalog.datasets (slug, title_en, title_fr, spec) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT (slug) DO UPDATE SET title_en = EXCLUDED.title_en,"
        " title_fr = EXCLUDED.title_fr, spec = EXCLUDED.spec, updated_at = now()",
        (slug, title_en, title_fr, json.dumps(spec, default=str)),
    )
