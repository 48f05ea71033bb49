"""All environment switching for the pipeline lives here.

From the one setting, CIVIC_DATABASE_URL (or the embedded default), derive what dbt's
profile, dagster-postgres and the API read, so every process agrees on one database.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from catalog.database import (
    PROJECT_ROOT,
    ConnectionParts,
    dagster_storage_url,
    database_url,
    ensure_database,
    var_dir,
)
from catalog.registry import bootstrap

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
# deployments keep their specs elsewhere, and tests point a code location at their own;
# a relative folder is taken from the project root, like a spec's source path
DATASETS_DIR = (PROJECT_ROOT / os.environ["CIVIC_DATASETS_DIR"]
                if os.environ.get("CIVIC_DATASETS_DIR")
                else Path(__file__).resolve().parent / "datasets")


def dbt_environment(url: str) -> dict[str, str]:
    parts = ConnectionParts.from_url(url)
    return {
        "CIVIC_DBT_HOST": parts.host,
        "CIVIC_DBT_PORT": str(parts.port),
        "CIVIC_DBT_USER": parts.user,
        "CIVIC_DBT_PASSWORD": parts.password,
        "CIVIC_DBT_DBNAME": parts.dbname,
    }


def mail_settings() -> dict[str, str | int]:
    """The Mailer resource's settings: SMTP server, sender, and the API's public address
    that links in reviewer mails point to. No host: mails are recorded as not sent."""
    return {
        "smtp_host": os.environ.get("CIVIC_SMTP_HOST", ""),
        "smtp_port": int(os.environ.get("CIVIC_SMTP_PORT") or 25),
        "sender": os.environ.get("CIVIC_SMTP_FROM") or "open.data@localhost",
        "public_base_url": (os.environ.get("CIVIC_PUBLIC_BASE_URL")
                            or "http://127.0.0.1:8000").rstrip("/"),
    }


def configure_environment(*, bootstrap_database: bool = True) -> str:
    """Resolve the database, export derived settings for children, return the URL."""
    url = database_url()
    os.environ.update(dbt_environment(url))
    os.environ.setdefault("DBT_PROFILES_DIR", str(DBT_PROJECT_DIR))
    storage = dagster_storage_url()
    os.environ["CIVIC_DAGSTER_STORAGE_URL"] = storage
    if bootstrap_database:
        bootstrap(url)
        ensure_database(storage)
    return url


def dagster_home() -> Path:
    """A DAGSTER_HOME under var/ holding the project's dagster.yaml (PostgreSQL storage)."""
    home = Path(os.environ.get("DAGSTER_HOME") or var_dir() / "dagster")
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(home)
    return home
