"""API settings: the only place the API reads its environment."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict

from metadata.database import api_database_url


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CIVIC_", extra="ignore")

    # the read-only API role's URL; derived from CIVIC_DATABASE_URL when unset
    api_database_url: str | None = None
    public_base_url: str = "http://127.0.0.1:8000"
    default_page_size: int = 100
    max_page_size: int = 5000
    pool_size: int = 4

    def database_url(self) -> str:
        return self.api_database_url or api_database_url()


@lru_cache
def get_settings() -> Settings:
    return Settings()
