"""Resources shared by every asset; the database URL comes from the environment."""

import dagster as dg

from civic_assets.resources import CivicDatabase, Mailer
from civic_assets.settings import configure_environment, get_settings


@dg.definitions
def resources() -> dg.Definitions:
    # resolves CIVIC_DATABASE_URL (or the embedded default) and exports dbt's settings
    configure_environment(bootstrap_database=False)
    settings = get_settings()
    return dg.Definitions(resources={
        "civic_db": CivicDatabase(url=dg.EnvVar("CIVIC_DATABASE_URL")),
        "mailer": Mailer(smtp_host=settings.smtp_host, smtp_port=settings.smtp_port,
                         sender=settings.smtp_from,
                         public_base_url=settings.public_base_url.rstrip("/")),
    })
