"""The code location loads, with the graph and checks the analysts expect."""

import itertools

import dagster as dg
import pytest

from civic_assets.runner import load_definitions


@pytest.fixture(scope="module")
def definitions(database_url) -> dg.Definitions:
    return load_definitions()


def test_service_requests_graph_runs_raw_to_published(definitions):
    graph = definitions.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    expected = ["raw/service_requests", "staging/stg_311__service_requests",
                "marts/service_requests", "review/service_requests",
                "published/service_requests"]
    assert set(expected) <= keys
    for upstream, downstream in itertools.pairwise(expected):
        parents = graph.get(dg.AssetKey.from_user_string(downstream)).parent_keys
        assert dg.AssetKey.from_user_string(upstream) in parents, (upstream, downstream)


def test_checks_include_dbt_tests_and_blocking_review_checks(definitions):
    graph = definitions.resolve_asset_graph()
    checks = {(c.asset_key.to_user_string(), c.name) for c in graph.asset_check_keys}
    assert any(k == "marts/service_requests" and "unique" in n for k, n in checks)
    # tests on the dbt source are checks of the extract asset they test
    assert any(k == "raw/service_requests" and n.startswith("source_not_null") for k, n in checks)
    review = {n for k, n in checks if k == "review/service_requests"}
    assert {"pandera_schema", "residual_pii", "k_anonymity"} <= review
    review_def = definitions.resolve_assets_def(dg.AssetKey(["review", "service_requests"]))
    blocking = {spec.name for spec in review_def.check_specs if spec.blocking}
    assert {"pandera_schema", "residual_pii", "k_anonymity"} <= blocking


def test_sensor_schedule_and_owners(definitions):
    assert definitions.resolve_sensor_def("approval_sensor")
    assert definitions.resolve_schedule_def("service_requests_refresh")
    spec = definitions.resolve_asset_graph().get(
        dg.AssetKey(["published", "service_requests"]))
    assert "team:open-data" in spec.owners
    assert spec.group_name == "service_requests"
