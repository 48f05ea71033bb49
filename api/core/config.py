"""API settings: the only place the API reads its environment."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from catalog.database import PROJECT_ROOT, api_url_for, start_embedded
from metadata.dcat import CatalogInfo


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CIVIC_", extra="ignore")

    # the read-only API role's URL; derived from CIVIC_DATABASE_URL when unset
    api_database_url: str | None = None
    # the pipeline's database; unset: the embedded server under var_dir/pgdata
    database_url: str | None = None
    var_dir: Path = PROJECT_ROOT / "var"
    public_base_url: str = "http://127.0.0.1:8000"
    default_page_size: int = 100
    max_page_size: int = 5000
    # per worker process: the async pool of the data and query routes, and the pool of the
    # sync routes; both times the number of workers must fit the server's max_connections
    pool_size: int = 10
    sync_pool_size: int = 4
    # how long a request waits for a connection of a busy server before it is answered 503
    # (Retry-After); while the server is unreachable the wait is 1 s (api/db.py)
    pool_timeout: float = 10.0
    # the longest a query of the API may run; beyond it the request is answered 503
    statement_timeout_ms: int = 15_000
    # the longest a CKAN datastore_search_sql query may run (answered 409, as CKAN does)
    ckan_sql_timeout_ms: int = 10_000
    # API worker processes of `civic up` and `python -m api`; 0: sized from the CPU cores
    api_workers: int = 0
    # key of the data pages' cursor tokens (any string); unset: a fixed key, which still
    # refuses every altered cursor (see api/query/cursor.py)
    cursor_key: str | None = None
    # the published files (CIVIC_PUBLISHED_DIR); `<var dir>/published` when unset
    published_dir: Path | None = None

    # the portal's mails (subscription confirmations): CIVIC_SMTP_HOST, _PORT, _FROM, as
    # the pipeline's; no host: nothing is sent and the page says so
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = "open.data@localhost"
    # subscription requests one client may make per hour (all API workers together)
    subscribe_per_hour: int = 5
    # the portal's admin pages (usage): HTTP Basic, any user name, this password
    # (CIVIC_ADMIN_TOKEN); unset: the admin pages are off (404)
    admin_token: str | None = None

    # the published dataset the Open311 GeoReport v2 endpoints serve, and the time zone
    # of its (local, wall-clock) times
    open311_dataset: str = "la_service_requests"
    open311_timezone: str = "America/Los_Angeles"

    # how the DCAT catalogue describes itself (CIVIC_CATALOG_TITLE_EN, ...)
    catalog_title_en: str = "City of Riverton Open Data"
    catalog_title_fr: str = "Données ouvertes de la Ville de Riverton"
    catalog_description_en: str = (
        "Open datasets published by the City of Riverton: anonymized, validated and "
        "approved before publication, every version kept at a persistent address.")
    catalog_description_fr: str = (
        "Les jeux de données ouverts publiés par la Ville de Riverton : anonymisés, "
        "validés et approuvés avant publication, chaque version gardée à une adresse "
        "permanente.")
    catalog_publisher_name: str = "City of Riverton"
    catalog_publisher_uri: str | None = None
    catalog_homepage: str | None = "https://open.riverton.example.ca"
    catalog_contact_email: str | None = "open.data@riverton.example.ca"

    def connection_url(self) -> str:
        """The read-only role's URL (joining or starting the embedded server if needed)."""
        if self.api_database_url:
            return self.api_database_url
        return api_url_for(self.database_url or start_embedded(self._var_root()))

    def worker_count(self) -> int:
        """API worker processes: CIVIC_API_WORKERS, else one per CPU core this process may
        use, at least 2 (a worker busy serializing a large page must not stall every
        client) and at most 8 (each holds its own pools)."""
        if self.api_workers > 0:
            return self.api_workers
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
            os.cpu_count() or 1)
        return max(2, min(cores, 8))

    def published_root(self) -> Path:
        return (self.published_dir or self._var_root() / "published").resolve()

    def _var_root(self) -> Path:
        return (PROJECT_ROOT / self.var_dir).resolve()

    def catalog_info(self) -> CatalogInfo:
        return CatalogInfo(
            title={"en": self.catalog_title_en, "fr": self.catalog_title_fr},
            description={"en": self.catalog_description_en, "fr": self.catalog_description_fr},
            publisher_name=self.catalog_publisher_name,
            publisher_uri=self.catalog_publisher_uri,
            homepage=self.catalog_homepage,
            contact_email=self.catalog_contact_email,
        )


@lru_cache
def get_settings() -> Settings:
    return Settings()
