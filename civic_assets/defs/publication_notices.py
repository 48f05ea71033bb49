"""The change notices to subscribers: a job, and the sensor that requests it per publication."""

import dagster as dg

from civic_assets.publish.notices import publication_notice_job, publication_notice_sensor


@dg.definitions
def publication_notices() -> dg.Definitions:
    return dg.Definitions(jobs=[publication_notice_job], sensors=[publication_notice_sensor])
