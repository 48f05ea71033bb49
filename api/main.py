"""The public API: serves only what was approved and published."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

import psycopg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from psycopg_pool import PoolClosed, PoolTimeout

from api.core.config import get_settings
from api.db import DatabaseUnavailable, open_database
from api.portal.usage import UsageMiddleware
from api.routes import (
    approvals,
    ckan,
    data_json,
    datasets,
    dcat,
    downloads,
    open311,
    portal,
    portal_admin,
    portal_requests,
    portal_subscriptions,
    reports,
)
from api.routes import quality as quality_routes

# the portal's stylesheet, scripts and vendored front-end libraries
STATIC_DIR = Path(__file__).resolve().parent / "static"
# seconds a client is asked to wait before retrying when the database is unavailable
RETRY_AFTER_SECONDS = 2


@asynccontextmanager
async def lifespan(app: FastAPI):
    settings = get_settings()
    app.state.database = await open_database(
        settings.connection_url(), size=settings.pool_size, sync_size=settings.sync_pool_size,
        timeout=settings.pool_timeout, statement_timeout_ms=settings.statement_timeout_ms)
    try:
        yield
    finally:
        if getattr(app.state, "usage", None) is not None:
            await app.state.usage.close()
        await app.state.database.close()


def _unavailable(detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=503,
                        headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


async def database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    return _unavailable(f"the database is busy or unavailable ({exc}); retry shortly")


async def database_failed(request: Request, exc: Exception) -> JSONResponse:
    """A query that failed for want of the server: its connection broke (restart,
    network) or it ran past the statement timeout."""
    if isinstance(exc, psycopg.errors.QueryCanceled):
        return _unavailable(
            "the query ran longer than the API allows; narrow the filters or retry later")
    if isinstance(exc, PoolClosed | PoolTimeout):
        # the pools' own state (being replaced, or busy), not a lost server: no probe
        return _unavailable("the database is busy or unavailable; retry shortly")
    request.app.state.database.recover()
    return _unavailable("the database connection failed; retry shortly")


def create_app() -> FastAPI:
    app = FastAPI(
        title="Civic Open Data API",
        description="Published open datasets of the city: catalogue, metadata, data pages "
                    "and downloads at persistent URLs.",
        version="1.0.0",
        lifespan=lifespan,
    )
    app.add_middleware(UsageMiddleware)
    app.add_exception_handler(DatabaseUnavailable, database_unavailable)
    app.add_exception_handler(psycopg.OperationalError, database_failed)
    app.include_router(datasets.router)
    app.include_router(downloads.router)
    app.include_router(dcat.router)
    app.include_router(data_json.router)
    app.include_router(ckan.router)
    app.include_router(open311.router)
    app.include_router(reports.router)
    app.include_router(quality_routes.router)
    app.include_router(approvals.router)
    app.include_router(portal.router)
    app.include_router(portal_subscriptions.router)
    app.include_router(portal_admin.router)
    app.include_router(portal_requests.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/health", tags=["meta"], summary="Liveness")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


app = create_app()
