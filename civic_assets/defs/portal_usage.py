"""The portal's usage as a Dagster asset: materialized daily, with the last day's page
views, API calls, downloads and unique visitors as numeric metadata (plotted across
materializations in the UI) and the last 30 days as a table."""

import dagster as dg

from catalog.usage_log import daily_usage
from civic_assets.resources import CivicDatabase

USAGE_KEY = dg.AssetKey(["portal", "usage"])
FIGURES = ("page_views", "api_calls", "downloads", "visitors")


@dg.asset(key=USAGE_KEY, group_name="portal", kinds={"postgres"},
          automation_condition=dg.AutomationCondition.on_cron("15 0 * * *"))
def portal_usage(civic_db: CivicDatabase) -> dg.MaterializeResult:
    """Page views, API calls, downloads and unique visitors (daily salted hashes) of the
    portal and the API, per day over the last 30 days."""
    with civic_db.connect(autocommit=True) as conn:
        rows = daily_usage(conn, days=30)
    last = rows[-1] if rows else dict.fromkeys(FIGURES, 0)
    table = "\n".join(["| day | page views | API calls | downloads | visitors |",
                       "| --- | ---: | ---: | ---: | ---: |"] +
                      [f"| {r['day']} | {r['page_views']} | {r['api_calls']} | "
                       f"{r['downloads']} | {r['visitors']} |" for r in rows])
    return dg.MaterializeResult(metadata={
        **{name: dg.MetadataValue.int(int(last[name])) for name in FIGURES},
        "day": str(last.get("day", "")),
        "last_30_days": dg.MetadataValue.md(table),
    })


@dg.definitions
def usage_definitions() -> dg.Definitions:
    return dg.Definitions(assets=[portal_usage])
