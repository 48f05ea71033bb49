"""The transparency report: its asset and its monthly schedule."""

import dagster as dg

from civic_assets.report.asset import REPORT_KEY, transparency_report


@dg.definitions
def report_definitions() -> dg.Definitions:
    return dg.Definitions(
        assets=[transparency_report],
        schedules=[dg.ScheduleDefinition(
            name="transparency_report_monthly", cron_schedule="0 7 1 * *",
            target=dg.AssetSelection.assets(REPORT_KEY),
            description="Renders the transparency report on the first of each month.")],
    )
