"""How dbt nodes become Dagster assets: keyed and grouped by the dataset they serve.

A dataset's spec names its mart (`dbt.mart`); the mart's ancestors in the manifest, down
to the dbt source `raw.<slug>`, are its other models. So the mart is `<slug>/mart`, its
staging model `<slug>/staging`, and the source `raw.<slug>` is the extract `<slug>/raw`
that the ingest asset writes; all of them in the group `<slug>`. Nothing in the dbt
project repeats these keys by hand. The sources `raw.<slug>__<name>` are the dataset's
further files (`<slug>/raw_<name>`) and `raw.<slug>__geography` its spatial step.

A mart built on another dataset's mart (an analytics dataset on the service requests)
claims its ancestors up to that mart, not through it: the models below belong to the
dataset they serve first.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtProject

from civic_assets.keys import MART, raw_table_key

# the schema the ingest assets load extracts into: a dbt source there is `<table>/raw`
RAW_SCHEMA = "raw"


class CivicDbtTranslator(DagsterDbtTranslator):
    """marts: each dataset's mart model name → the dataset's slug (from the specs)."""

    def __init__(self, marts: Mapping[str, str]) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(
            enable_asset_checks=True, enable_source_tests_as_checks=True))
        self._marts = dict(marts)
        self._dataset_keys: dict[int, dict[str, tuple[str, dg.AssetKey]]] = {}

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str,
                       project: DbtProject | None) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        owned = self.dataset_keys(manifest).get(unique_id)
        if owned is None:
            return spec
        slug, key = owned
        return spec.replace_attributes(key=key, group_name=slug)

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        # nodes no dataset claims keep their schema as prefix, like the database
        if dbt_resource_props["resource_type"] in ("model", "seed", "snapshot"):
            schema = dbt_resource_props.get("config", {}).get("schema") or "staging"
            return dg.AssetKey([schema, dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return ["team:data-engineering"]

    def dataset_keys(self, manifest: Mapping[str, Any]) -> dict[str, tuple[str, dg.AssetKey]]:
        """unique_id → (slug, key) of every source and model a dataset claims."""
        memo = id(manifest)
        if memo not in self._dataset_keys:
            self._dataset_keys[memo] = dataset_keys(manifest, self._marts)
        return self._dataset_keys[memo]


def dataset_keys(manifest: Mapping[str, Any],
                 marts: Mapping[str, str]) -> dict[str, tuple[str, dg.AssetKey]]:
    """The keys of the dbt nodes that belong to a dataset.

    A model belongs to a dataset when it is the dataset's mart or one of the mart's
    ancestors; a model two datasets share belongs to neither and keeps its default key.
    Within a dataset a model is named by its layer (`staging`, `intermediate`), or by its
    own name when the layer holds several of the dataset's models.
    """
    nodes, sources = manifest["nodes"], manifest.get("sources", {})
    keys: dict[str, tuple[str, dg.AssetKey]] = {
        unique_id: raw_table_key(source["name"])
        for unique_id, source in sources.items() if source.get("schema") == RAW_SCHEMA
    }
    mart_ids = {unique_id for unique_id, node in nodes.items()
                if node["resource_type"] == "model" and node["name"] in marts}
    claims: dict[str, set[str]] = {}
    for unique_id in mart_ids:
        slug = marts[nodes[unique_id]["name"]]
        for ancestor in _model_ancestors(nodes, unique_id, stop=mart_ids):
            claims.setdefault(ancestor, set()).add(slug)
        keys[unique_id] = (slug, dg.AssetKey([slug, MART]))
    layers: dict[tuple[str, str], list[str]] = {}
    for unique_id, slugs in claims.items():
        if len(slugs) == 1 and unique_id not in keys:
            layers.setdefault((next(iter(slugs)), _layer(nodes[unique_id])), []).append(unique_id)
    for (slug, layer), members in layers.items():
        for unique_id in members:
            # a seed is named for what it holds (`service_targets`), not its folder
            stage = (layer if len(members) == 1 and layer != "seed"
                     else nodes[unique_id]["name"])
            keys[unique_id] = (slug, dg.AssetKey([slug, stage]))
    return keys


def _model_ancestors(nodes: Mapping[str, Any], unique_id: str,
                     stop: Collection[str] = ()) -> set[str]:
    """The models and seeds a model is built from, not looking past the nodes in `stop`."""
    found: set[str] = set()
    pending = list(nodes[unique_id]["depends_on"]["nodes"])
    while pending:
        parent = pending.pop()
        if (parent in found or parent in stop or parent not in nodes
                or nodes[parent]["resource_type"] not in ("model", "seed")):
            continue
        found.add(parent)
        pending += nodes[parent].get("depends_on", {}).get("nodes", [])
    return found


def _layer(node: Mapping[str, Any]) -> str:
    """The folder a model lives in under `models/` (staging, intermediate, marts)."""
    if node["resource_type"] == "seed":
        return "seed"
    fqn = node.get("fqn") or []
    return fqn[1] if len(fqn) > 2 else node.get("config", {}).get("schema") or "staging"
