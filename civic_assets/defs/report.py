"""The transparency report: its asset, its monthly schedule, and the sensor that renders it
again when a dataset it reads is published (running from the start: Dagster's default
automation sensor has to be switched on by hand)."""

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
        sensors=[dg.AutomationConditionSensorDefinition(
            "transparency_report_automation", target=dg.AssetSelection.assets(REPORT_KEY),
            default_status=dg.DefaultSensorStatus.RUNNING, minimum_interval_seconds=60,
            description="Renders the report again once a dataset it reads is published.")],
    )
