"""Every dbt model is an asset and every dbt test an asset check (dagster-dbt).

After `dbt build`, the results of its tests are recorded per dataset in the catalogue,
from the invocation's own `run_results.json`, for the candidates' quality cards.
"""

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
    return dg.Definitions(
        assets=[build_dbt_models(CivicDbtTranslator(marts))],
        resources={"dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE)},
    )
