"""Keys of a dataset's extracts and dbt models: further files, the spatial step, seeds, and
marts built on another dataset's mart."""

import dagster as dg

from civic_assets.defs.dbt.translator import dataset_keys
from civic_assets.keys import raw_table_key


def test_raw_tables_name_their_asset():
    assert raw_table_key("neighbourhoods") == ("neighbourhoods",
                                               dg.AssetKey(["neighbourhoods", "raw"]))
    assert raw_table_key("neighbourhoods__population")[1] == dg.AssetKey(
        ["neighbourhoods", "raw_population"])
    assert raw_table_key("la__geography")[1] == dg.AssetKey(["la", "geography"])


def _node(name, resource_type="model", layer="staging", parents=()):
    return {"name": name, "resource_type": resource_type, "fqn": ["civic", layer, name],
            "depends_on": {"nodes": list(parents)}, "config": {}}


def test_a_mart_on_another_datasets_mart_claims_only_its_own_models():
    manifest = {
        "sources": {"source.civic.la311.la": {"name": "la", "schema": "raw"},
                    "source.civic.la311.la__geography": {"name": "la__geography",
                                                         "schema": "raw"}},
        "nodes": {
            "model.stg": _node("stg_la311__requests", parents=["source.civic.la311.la"]),
            "model.councils": _node("stg_la311__councils",
                                    parents=["source.civic.la311.la__geography"]),
            "model.la": _node("la", layer="marts", parents=["model.stg", "model.councils"]),
            "seed.targets": _node("targets", resource_type="seed", layer="targets"),
            "model.perf": _node("perf", layer="marts", parents=["model.la", "seed.targets"]),
        },
    }
    keys = dataset_keys(manifest, {"la": "la", "perf": "perf"})
    assert keys["model.la"] == ("la", dg.AssetKey(["la", "mart"]))
    assert keys["model.stg"] == ("la", dg.AssetKey(["la", "stg_la311__requests"]))
    assert keys["source.civic.la311.la__geography"] == ("la", dg.AssetKey(["la", "geography"]))
    # the seed belongs to the mart that reads it, named for what it holds
    assert keys["seed.targets"] == ("perf", dg.AssetKey(["perf", "targets"]))
    assert keys["model.perf"] == ("perf", dg.AssetKey(["perf", "mart"]))
