"""Dependencies shared by the routes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

import psycopg
from fastapi import Depends, Request

from api.core.config import Settings, get_settings


def get_db(request: Request) -> Iterator[psycopg.Connection]:
    with request.app.state.pool.connection() as conn:
        yield conn


DbDep = Annotated[psycopg.Connection, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
