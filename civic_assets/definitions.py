"""The code location: everything under `defs/`, loaded by convention.

The datasets are the `DatasetComponent` instances in `defs/datasets/<slug>/defs.yaml`. A
deployment or a test may point the settings' `datasets_dir` (CIVIC_DATASETS_DIR) at a
folder of its own, laid out the same way: its datasets are then built instead of the
shipped ones, by the same component.
"""

from pathlib import Path

import dagster as dg

from civic_assets.components.dataset import DatasetComponent, load_dataset_specs
from civic_assets.settings import DEFAULT_DATASETS_DIR, get_settings

PROJECT_PATH = Path(__file__).parent


@dg.definitions
def defs() -> dg.Definitions:
    datasets_dir = get_settings().datasets_dir
    if datasets_dir == DEFAULT_DATASETS_DIR:
        return dg.load_from_defs_folder(path_within_project=PROJECT_PATH)
    tree = dg.ComponentTree.for_project(PROJECT_PATH)
    root = tree.find_decl_at_path(tree.defs_module_path)
    everything_else = [tree.build_defs(decl.loc) for decl in root.iterate_child_component_decls()
                       if decl.context.path != DEFAULT_DATASETS_DIR]
    datasets = [DatasetComponent(spec).build_defs(tree.load_context)
                for spec in load_dataset_specs(datasets_dir)]
    return dg.Definitions.merge(*everything_else, *datasets)
