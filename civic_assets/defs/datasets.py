"""One set of assets, checks, sensors and schedules per dataset spec in `datasets/`."""

import dagster as dg

from civic_assets.approval.sensors import build_approval_sensor, build_candidate_sensor
from civic_assets.candidate.asset import build_review_asset
from civic_assets.ingest.asset import build_raw_asset
from civic_assets.ingest.sensor import build_file_drop_sensor
from civic_assets.keys import until_review_selection
from civic_assets.publish.asset import build_published_asset
from civic_assets.settings import get_settings
from metadata.specs import load_specs


@dg.definitions
def dataset_definitions() -> dg.Definitions:
    settings = get_settings()
    specs = load_specs(settings.datasets_dir, variables=settings.spec_variables())
    assets, schedules, sensors = [], [], [build_approval_sensor(specs),
                                      build_candidate_sensor(specs)]
    for spec in specs:
        if spec.source.type == "file_drop":
            sensors.append(build_file_drop_sensor(spec))
        assets += [build_raw_asset(spec), build_review_asset(spec), build_published_asset(spec)]
        if spec.schedule:
            # refresh up to the review candidate; publication waits for the reviewers
            schedules.append(dg.ScheduleDefinition(
                name=f"{spec.slug}_refresh", cron_schedule=spec.schedule, target=until_review_selection(spec.slug),
                description=f"Ingest and prepare a new review candidate of {spec.slug}."))
    return dg.Definitions(assets=assets, schedules=schedules,
                          sensors=sensors)
