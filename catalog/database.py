"""Which PostgreSQL the platform uses, and how to reach it.

One setting decides: the database URL (`CIVIC_DATABASE_URL`, read by the settings
modules). When it is unset the platform starts an embedded PostgreSQL of its own
(pgserver) with its data under `var/pgdata`, so a fresh machine needs no database
installed. Dagster, dbt and the API all derive their connection settings from that URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit, urlunsplit

import psycopg

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "civic"
API_ROLE = "civic_api"


@dataclass(frozen=True)
class ConnectionParts:
    """A PostgreSQL URL split into what dbt and dagster-postgres want separately."""

    user: str
    password: str
    host: str  # a hostname or, for a unix socket, the socket directory
    port: int
    dbname: str

    @classmethod
    def from_url(cls, url: str) -> ConnectionParts:
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        host = parts.hostname or (query.get("host", [""])[0]) or "localhost"
        return cls(
            user=unquote(parts.username or "postgres"),
            password=unquote(parts.password or ""),
            host=host,
            port=parts.port or int(query.get("port", ["5432"])[0]),
            dbname=(parts.path or "/").lstrip("/") or DEFAULT_DATABASE,
        )

    def url(self, *, driver: str = "postgresql", dbname: str | None = None,
            user: str | None = None) -> str:
        user = quote(user or self.user, safe="")
        auth = f"{user}:{quote(self.password, safe='')}@" if self.password else f"{user}@"
        db = dbname or self.dbname
        if self.host.startswith("/"):
            return f"{driver}://{auth}/{db}?host={quote(self.host)}&port={self.port}"
        return f"{driver}://{auth}{self.host}:{self.port}/{db}"


def start_embedded(var_dir: Path) -> str:
    """Start (or join) the embedded server under `var_dir/pgdata`; return a URL to the
    civic database on it."""
    import pgserver  # imported late: it is only needed for the embedded default

    data_dir = var_dir / "pgdata"
    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(str(data_dir), cleanup_mode="stop")
    # keep a reference so the server outlives this call for the whole process
    _EMBEDDED_SERVERS.append(server)
    uri = server.get_uri()
    parts = urlsplit(uri)
    return urlunsplit(parts._replace(path=f"/{DEFAULT_DATABASE}"))


_EMBEDDED_SERVERS: list = []


def api_url_for(database_url: str) -> str:
    """The API's URL: the same server, as the role that reads only published/catalog."""
    return ConnectionParts.from_url(database_url).url(user=API_ROLE)


def connect(url: str, **kwargs) -> psycopg.Connection:
    return psycopg.connect(libpq_url(url), **kwargs)


def libpq_url(url: str) -> str:
    """Strip a SQLAlchemy driver suffix (`postgresql+psycopg2://`) for libpq."""
    scheme, rest = url.split("://", 1)
    return "postgresql://" + rest if scheme.startswith("postgresql") else url


def ensure_database(url: str) -> None:
    """Create the URL's database when the server does not have it yet."""
    parts = ConnectionParts.from_url(url)
    admin = parts.url(dbname="postgres")
    with psycopg.connect(libpq_url(admin), autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (parts.dbname,)
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{parts.dbname}"')


def dagster_storage_url(database_url: str) -> str:
    """dagster-postgres wants psycopg2 (see STACK-NOTES) and a database of its own."""
    parts = ConnectionParts.from_url(database_url)
    return parts.url(driver="postgresql+psycopg2", dbname=f"{parts.dbname}_dagster")
