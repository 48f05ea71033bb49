"""The pipeline's settings: the one place its processes read their environment.

Every `CIVIC_*` variable (and `DAGSTER_HOME`) is read here, into one pydantic-settings
object, and passed on from here: to Dagster as resources, to the libraries as arguments,
and to child processes (dbt, `dagster dev`, uvicorn) as the environment they inherit.
Nothing is read at import time: `get_settings()` reads the environment when called, so a
test or a command that changes a variable sees it at the next call.

From the one database setting, `CIVIC_DATABASE_URL` (or the embedded default), derive what
dbt's profile, dagster-postgres and the API read, so every process agrees on one database.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from catalog.database import (
    PROJECT_ROOT,
    ConnectionParts,
    api_url_for,
    dagster_storage_url,
    ensure_database,
    start_embedded,
)
from catalog.migrate import bootstrap

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DEFAULT_DATASETS_DIR = Path(__file__).resolve().parent / "defs" / "datasets"


class Settings(BaseSettings):
    """What the pipeline may be told by its environment (`CIVIC_<FIELD>`)."""

    model_config = SettingsConfigDict(env_prefix="CIVIC_", extra="ignore")

    # the pipeline role's PostgreSQL; unset: an embedded server under var_dir/pgdata
    database_url: str | None = None
    # the API's read-only connection; unset: database_url with the civic_api role
    api_database_url: str | None = None
    var_dir: Path = PROJECT_ROOT / "var"
    # the folder of dataset specs the code location loads (relative: from the project root)
    datasets_dir: Path = DEFAULT_DATASETS_DIR
    # the published files; unset: var_dir/published
    published_dir: Path | None = None
    public_base_url: str = "http://127.0.0.1:8000"
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = "open.data@localhost"
    # keyed pseudonymization (HMAC); required only by policies that pseudonymize
    pseudonym_key: SecretStr | None = None
    # Fernet key for source credentials at rest; required only by sources with credentials
    secret_key: SecretStr | None = None
    # default cap on one source file when its spec sets none
    ingest_max_bytes: int | None = None
    # the DCAT-AP SHACL shapes used by validation; unset: ../shared/data/dcat-ap/
    dcat_shapes: Path | None = None
    log_level: str = "INFO"
    # the CLI shows tracebacks instead of one-line errors
    debug: bool = False
    dagster_home: Path | None = Field(
        default=None, validation_alias=AliasChoices("DAGSTER_HOME", "CIVIC_DAGSTER_HOME"))

    @field_validator("var_dir", "datasets_dir", "published_dir", "dcat_shapes",
                     "dagster_home")
    @classmethod
    def _from_project_root(cls, value: Path | None) -> Path | None:
        # relative folders are taken from the project root, like a spec's source path
        return None if value is None else (PROJECT_ROOT / value).resolve()

    def resolved_database_url(self) -> str:
        """The pipeline's database URL: the setting, or the embedded server started now.

        The embedded server's URL is exported so that children (dbt, Dagster, uvicorn)
        join it instead of starting their own.
        """
        if self.database_url:
            return self.database_url
        url = start_embedded(self.var_dir)
        os.environ["CIVIC_DATABASE_URL"] = url
        os.environ["CIVIC_DATABASE_EMBEDDED"] = "1"
        self.database_url = url
        return url

    def resolved_api_database_url(self) -> str:
        return self.api_database_url or api_url_for(self.resolved_database_url())

    def published_root(self) -> Path:
        return (self.published_dir or self.var_dir / "published").resolve()

    def pseudonym_secret(self) -> str | None:
        return self.pseudonym_key.get_secret_value() if self.pseudonym_key else None

    def credentials_key(self) -> str | None:
        return self.secret_key.get_secret_value() if self.secret_key else None

    def spec_variables(self) -> dict[str, str]:
        """What `${…}` in a spec's source path may name."""
        return {"CIVIC_VAR_DIR": str(self.var_dir)}

    def mail_settings(self) -> dict[str, str | int]:
        """The Mailer resource's settings: SMTP server, sender, and the public address that
        links in reviewer mails point to. No host: mails are recorded as not sent."""
        return {
            "smtp_host": self.smtp_host,
            "smtp_port": self.smtp_port,
            "sender": self.smtp_from,
            "public_base_url": self.public_base_url.rstrip("/"),
        }


def get_settings() -> Settings:
    """The settings as the environment holds them now (cheap: read on each call)."""
    return Settings()


def database_url() -> str:
    """The pipeline's database URL (starting the embedded server when none is set)."""
    return get_settings().resolved_database_url()


def dbt_environment(url: str) -> dict[str, str]:
    parts = ConnectionParts.from_url(url)
    return {
        "CIVIC_DBT_HOST": parts.host,
        "CIVIC_DBT_PORT": str(parts.port),
        "CIVIC_DBT_USER": parts.user,
        "CIVIC_DBT_PASSWORD": parts.password,
        "CIVIC_DBT_DBNAME": parts.dbname,
    }


def configure_environment(*, bootstrap_database: bool = True) -> str:
    """Resolve the database, export derived settings for children, return the URL."""
    url = database_url()
    os.environ.update(dbt_environment(url))
    os.environ.setdefault("DBT_PROFILES_DIR", str(DBT_PROJECT_DIR))
    # a run builds one dataset's models: a test between two datasets' models runs when
    # the other is built or upstream (dbt's default, eager, would run it against a model
    # not built yet)
    os.environ.setdefault("DBT_INDIRECT_SELECTION", "buildable")
    storage = dagster_storage_url(url)
    os.environ["CIVIC_DAGSTER_STORAGE_URL"] = storage
    if bootstrap_database:
        bootstrap(url)
        ensure_database(storage)
    return url


def dagster_home() -> Path:
    """A DAGSTER_HOME under var/ holding the project's dagster.yaml (PostgreSQL storage)."""
    settings = get_settings()
    home = settings.dagster_home or settings.var_dir / "dagster"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def dagster_home_configured() -> bool:
    """Whether runs should go through a persistent Dagster instance (DAGSTER_HOME set)."""
    return get_settings().dagster_home is not None


def set_default(name: str, value: str) -> None:
    """Set a variable for this process and its children unless it is already set."""
    os.environ.setdefault(name, value)


def child_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment a child process (dagster dev, uvicorn, dbt) starts with."""
    return {**os.environ, **(extra or {})}
