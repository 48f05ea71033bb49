"""The code location of the Dagster freshness test: one dataset's published asset as the
dataset component builds it (its FreshnessPolicy included), without the dbt project and
the other stages, so `dagster dev` starts in a few seconds."""

from __future__ import annotations

import dagster as dg

from civic_assets.publish.asset import build_published_asset
from civic_assets.resources import CivicDatabase
from metadata.specs import DatasetSpec

SLUG = "t_fresh_live"
FREQUENCY = "daily"
SPEC = {"slug": SLUG, "title": {"en": f"Test {SLUG}"}, "owners": ["team:open-data"],
        "source": {"type": "file", "format": "csv", "path": "nowhere.csv"},
        "dbt": None, "anonymization": {}, "metadata": {"update_frequency": FREQUENCY}}

defs = dg.Definitions(
    assets=[build_published_asset(DatasetSpec.model_validate(SPEC))],
    resources={"civic_db": CivicDatabase(url=dg.EnvVar("CIVIC_DATABASE_URL"))},
)
