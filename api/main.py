"""The public API: serves only what was approved and published."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.core.config import get_settings
from api.db import open_pool
from api.routes import approvals, data_json, datasets, dcat, downloads
from api.routes import quality as quality_routes


@asynccontextmanager
async def lifespan(app: FastAPI):
    settings = get_settings()
    app.state.pool = open_pool(settings.connection_url(), size=settings.pool_size)
    try:
        yield
    finally:
        app.state.pool.close()


def create_app() -> FastAPI:
    app = FastAPI(
        title="Civic Open Data API",
        description="Published open datasets of the city: catalogue, metadata, data pages "
                    "and downloads at persistent URLs.",
        version="1.0.0",
        lifespan=lifespan,
    )
    app.include_router(datasets.router)
    app.include_router(downloads.router)
    app.include_router(dcat.router)
    app.include_router(data_json.router)
    app.include_router(quality_routes.router)
    app.include_router(approvals.router)

    @app.get("/health", tags=["meta"], summary="Liveness")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


app = create_app()
