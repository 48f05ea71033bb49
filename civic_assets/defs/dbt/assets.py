"""Every dbt model is an asset and every dbt test an asset check (dagster-dbt).

After `dbt build`, the results of its tests are recorded per dataset in the catalogue,
from the invocation's own `run_results.json`, for the candidates' quality cards.
"""

import json
import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from civic_assets.candidate.dbt_results import record_test_results
from civic_assets.components.dataset import load_dataset_specs
from civic_assets.defs.dbt.project import dbt_project
from civic_assets.defs.dbt.translator import CivicDbtTranslator
from civic_assets.resources import CivicDatabase
from civic_assets.settings import get_settings
from metadata.specs import DatasetSpec, SpecError

# the dbt installed beside this interpreter, whatever PATH the process was started with
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")


def build_dbt_models(translator: CivicDbtTranslator) -> dg.AssetsDefinition:
    @dbt_assets(
        manifest=dbt_project.manifest_path,
        project=dbt_project,
        dagster_dbt_translator=translator,
    )
    def civic_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource,
                         civic_db: CivicDatabase):
        """Run `dbt build` (models, then their tests) for the selected models."""
        invocation = dbt.cli(["build"], context=context)
        try:
            yield from invocation.stream()
        finally:
            # failing tests fail the build: their results matter most
            recorded = record_test_results(invocation, translator.dataset_keys(invocation.manifest),
                                           civic_db, run_id=context.run.run_id)
            context.log.info(f"{recorded} dbt test result(s) recorded in the catalogue")

    return civic_dbt_models


@dg.definitions
def dbt_definitions() -> dg.Definitions:
    specs = load_dataset_specs(get_settings().datasets_dir)
    marts = {spec.dbt.mart: spec.slug for spec in specs if spec.dbt}
    _check_marts_exist(specs, dbt_project.manifest_path)
    return dg.Definitions(
        assets=[build_dbt_models(CivicDbtTranslator(marts))],
        resources={"dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE)},
    )


def _check_marts_exist(specs: list[DatasetSpec], manifest_path: Path) -> None:
    """A spec's mart missing from the manifest would only show as an asset no run builds:
    say so at load, with the spec and the way out (a stale manifest, or a typo)."""
    manifest = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    models = {node["name"] for node in manifest["nodes"].values()
              if node["resource_type"] == "model"}
    problems = [f"{spec.spec_path}: dbt.mart: no dbt model named '{spec.dbt.mart}' in "
                f"{manifest_path} (run `make setup` or `dbt parse` after adding a model)"
                for spec in specs if spec.dbt and spec.dbt.mart not in models]
    if problems:
        raise SpecError("\n".join(problems))
