"""Every dbt model is an asset and every dbt test an asset check (dagster-dbt)."""

import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from civic_assets.defs.dbt.project import dbt_project
from civic_assets.defs.dbt.translator import CivicDbtTranslator

# the dbt installed beside this interpreter, whatever PATH the process was started with
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=CivicDbtTranslator(),
)
def civic_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """Run `dbt build` (models, then their tests) for the selected models."""
    yield from dbt.cli(["build"], context=context).stream()


@dg.definitions
def dbt_definitions() -> dg.Definitions:
    return dg.Definitions(
        assets=[civic_dbt_models],
        resources={"dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE)},
    )
