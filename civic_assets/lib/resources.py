"""Dagster resources: the platform database, configured from the environment."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import psycopg

from metadata.database import libpq_url
from metadata.registry import bootstrap


class CivicDatabase(dg.ConfigurableResource):
    """The platform's PostgreSQL (pipeline role): raw, dbt schemas, review, published, catalog."""

    url: str

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        # idempotent and cheap; guarantees schemas exist before any asset writes
        bootstrap(self.url)

    @contextmanager
    def connect(self, *, autocommit: bool = False) -> Iterator[psycopg.Connection]:
        """A connection whose transaction commits on success and rolls back on error."""
        with psycopg.connect(libpq_url(self.url), autocommit=autocommit) as conn:
            yield conn
