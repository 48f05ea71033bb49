"""The transparency report is rendered again when a dataset it reads is published."""

import dagster as dg

from civic_assets.keys import published_key
from civic_assets.report.asset import REPORT_KEY, transparency_report
from civic_assets.report.figures import INPUTS
from civic_assets.resources import CivicDatabase


def _publish(instance: dg.DagsterInstance, key: dg.AssetKey) -> None:
    instance.report_runless_asset_event(dg.AssetMaterialization(key))


def test_publishing_an_input_requests_the_report():
    defs = dg.Definitions(assets=[transparency_report,
                                  *(dg.AssetSpec(published_key(slug)) for slug in INPUTS)],
                          # evaluated, not run: no database is reached
                          resources={"civic_db": CivicDatabase(url="postgresql://unused/db")})
    with dg.instance_for_test() as instance:
        before = dg.evaluate_automation_conditions(defs=defs, instance=instance)
        assert before.total_requested == 0  # nothing published yet
        for slug in INPUTS:
            _publish(instance, published_key(slug))
        first = dg.evaluate_automation_conditions(defs=defs, instance=instance,
                                                  cursor=before.cursor)
        assert first.get_requested_partitions(REPORT_KEY) == {None}
        _publish(instance, REPORT_KEY)
        quiet = dg.evaluate_automation_conditions(defs=defs, instance=instance,
                                                  cursor=first.cursor)
        assert quiet.total_requested == 0
        _publish(instance, published_key("oakland_budget_changes"))
        again = dg.evaluate_automation_conditions(defs=defs, instance=instance,
                                                  cursor=quiet.cursor)
        assert again.get_requested_partitions(REPORT_KEY) == {None}
