"""Dependencies shared by the routes.

`DbDep` (sync routes) and `AsyncDbDep` (async routes) hand a route a pooled connection
for as long as the route function runs (`scope="function"`): it goes back to its pool
before the response is serialized and sent, so a slow client never holds one. A route
whose response streams from the database after the route returned takes its own
connection inside the stream (`async with database(request).connection() as conn`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import psycopg
from fastapi import Depends, HTTPException, Request

from api.core.config import Settings, get_settings
from api.db import Database
from catalog import public


def database(request: Request) -> Database:
    return request.app.state.database


async def get_db(request: Request) -> AsyncIterator[psycopg.Connection]:
    async with database(request).sync.connection() as conn:
        yield conn


async def get_async_db(request: Request) -> AsyncIterator[psycopg.AsyncConnection]:
    async with database(request).connection() as conn:
        yield conn


DbDep = Annotated[psycopg.Connection, Depends(get_db, scope="function")]
AsyncDbDep = Annotated[psycopg.AsyncConnection, Depends(get_async_db, scope="function")]


async def current_settings(request: Request) -> Settings:
    """The settings, without the thread-pool hop FastAPI makes for every sync dependency
    (get_settings is sync); an override of get_settings (as tests make) still applies."""
    override = request.app.dependency_overrides.get(get_settings)
    return override() if override is not None else get_settings()


SettingsDep = Annotated[Settings, Depends(current_settings)]


def dataset_not_found(slug: str) -> HTTPException:
    return HTTPException(status_code=404, detail=f"no published dataset named '{slug}'")


def version_not_found(slug: str, version: int) -> HTTPException:
    return HTTPException(status_code=404,
                         detail=f"dataset '{slug}' has no published version {version}")


def published_version_or_404(db: psycopg.Connection, slug: str,
                             version: int | None = None) -> dict[str, Any]:
    """A published version (the latest when `version` is None), or a 404 that says
    whether the dataset or only that version is unknown."""
    found = public.get_version(db, slug=slug, version=version)
    if found is not None:
        return found
    if version is not None and public.get_version(db, slug=slug):
        raise version_not_found(slug, version)
    raise dataset_not_found(slug)
