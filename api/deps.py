"""Dependencies shared by the routes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

import psycopg
from fastapi import Depends, HTTPException, Request

from api.core.config import Settings, get_settings
from catalog import public


def get_db(request: Request) -> Iterator[psycopg.Connection]:
    with request.app.state.pool.connection() as conn:
        yield conn


DbDep = Annotated[psycopg.Connection, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def dataset_not_found(slug: str) -> HTTPException:
    return HTTPException(status_code=404, detail=f"no published dataset named '{slug}'")


def published_version_or_404(db: psycopg.Connection, slug: str,
                             version: int | None = None) -> dict[str, Any]:
    """A published version (the latest when `version` is None), or a 404 that says
    whether the dataset or only that version is unknown."""
    found = public.get_version(db, slug=slug, version=version)
    if found is not None:
        return found
    if version is not None and public.get_version(db, slug=slug):
        raise HTTPException(status_code=404,
                            detail=f"dataset '{slug}' has no published version {version}")
    raise dataset_not_found(slug)
