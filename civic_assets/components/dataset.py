"""A dataset, declared the Dagster way: one `DatasetComponent` instance per dataset.

Each dataset is a folder `defs/datasets/<slug>/` whose `defs.yaml` names this component
and holds the dataset's spec as its attributes:

    type: civic_assets.components.dataset.DatasetComponent
    attributes:
      slug: <slug>
      title: {en: …, fr: …}
      source: …

Dagster validates the attributes against the typed spec (`metadata.specs.DatasetSpec`,
the anonymization policy included) when the code location loads, and names the file,
line and field of every mistake. The component builds the dataset's assets (raw and its
further files, its spatial step, candidate, published; the dbt models come from the dbt
project), their checks, its sensors, its notify job and its schedule. A dataset without a
source is derived in dbt from other datasets' models (an analytics mart): it has no raw.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import yaml
from pydantic import BaseModel

from civic_assets.approval.jobs import build_notify_job
from civic_assets.approval.sensors import build_approval_sensor, build_candidate_sensor
from civic_assets.candidate.asset import build_candidate_asset
from civic_assets.geography.asset import build_geography_asset
from civic_assets.ingest.asset import build_raw_asset
from civic_assets.ingest.sensor import build_file_drop_sensor
from civic_assets.keys import until_candidate_selection
from civic_assets.publish.asset import build_published_asset
from civic_assets.settings import get_settings
from metadata.specs import DatasetSpec, SpecError, parse_spec
from metadata.update_frequency import refresh_cron

COMPONENT_FILE = "defs.yaml"


@dataclass
class DatasetComponent(dg.Component):
    """One dataset: its spec's assets, checks, sensors, notify job and schedule."""

    spec: DatasetSpec

    @classmethod
    def get_model_cls(cls) -> type[BaseModel]:
        # the attributes are the spec itself, validated by Dagster with file and line
        return DatasetSpec

    @classmethod
    def load(cls, attributes: Any, context: dg.ComponentLoadContext) -> DatasetComponent:
        path = context.path / COMPONENT_FILE
        if not isinstance(attributes, DatasetSpec):
            raise SpecError(f"{path}: attributes: a dataset's defs.yaml holds its spec")
        return cls(spec=_finish(attributes, path))

    def build_defs(self, context: dg.ComponentLoadContext) -> dg.Definitions:
        return dataset_definitions(self.spec)


def dataset_definitions(spec: DatasetSpec) -> dg.Definitions:
    notify_job = build_notify_job(spec)
    sensors = [build_candidate_sensor(spec, notify_job), build_approval_sensor(spec)]
    if spec.source is not None and spec.source.type == "file_drop":
        sensors.append(build_file_drop_sensor(spec))
    schedules = refresh_schedules(spec)
    extracts = ([build_raw_asset(spec)] if spec.source else []) + [
        build_raw_asset(spec, name) for name in spec.extracts]
    if spec.geography:
        extracts.append(build_geography_asset(spec))
    return dg.Definitions(
        assets=[*extracts, build_candidate_asset(spec), build_published_asset(spec)],
        jobs=[notify_job], sensors=sensors, schedules=schedules)


def refresh_schedules(spec: DatasetSpec) -> list[dg.ScheduleDefinition]:
    """`<slug>_refresh`, which ingests the dataset and prepares a new candidate (publication
    waits for the reviewers), on the spec's `schedule`, else on the cron its
    `metadata.update_frequency` implies; none when it promises neither."""
    cron = refresh_cron(spec.metadata.update_frequency, spec.schedule)
    if cron is None:
        return []
    why = ("its schedule" if spec.schedule
           else f"its update frequency ({spec.metadata.update_frequency})")
    return [dg.ScheduleDefinition(
        name=f"{spec.slug}_refresh", cron_schedule=cron,
        target=until_candidate_selection(spec.slug),
        description=f"Ingests {spec.slug} and prepares a new candidate, on {why}.")]


def _finish(spec: DatasetSpec, path: Path) -> DatasetSpec:
    """The spec as the pipeline uses it: variables in its source path filled in from the
    settings, and its slug checked against its folder's name."""
    if spec.slug != path.parent.name:
        raise SpecError(f"{path}: slug: '{spec.slug}' must match the dataset's folder name "
                        f"'{path.parent.name}'")
    try:
        finished = spec.with_variables(get_settings().spec_variables())
    except ValueError as exc:
        raise SpecError(f"{path}: source.path: {exc}") from exc
    finished.spec_path = str(path)
    return finished


def load_dataset_spec(path: Path) -> DatasetSpec:
    """The spec in one dataset's `defs.yaml`, validated as the code location does."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SpecError(f"{path}: cannot be read as YAML: {exc}") from exc
    expected = f"{DatasetComponent.__module__}.{DatasetComponent.__name__}"
    if not isinstance(document, dict) or document.get("type") != expected:
        raise SpecError(f"{path}: type: a dataset's defs.yaml declares `type: {expected}`")
    spec = parse_spec(document.get("attributes"), source=path,
                      variables=get_settings().spec_variables())
    return _finish(spec, path)


def load_dataset_specs(folder: Path) -> list[DatasetSpec]:
    """Every dataset in a folder of `<slug>/defs.yaml`; all broken files reported at once."""
    specs, problems = [], []
    for path in sorted(Path(folder).glob(f"*/{COMPONENT_FILE}")):
        try:
            specs.append(load_dataset_spec(path))
        except SpecError as exc:
            problems.append(str(exc))
    problems += _area_problems(specs)
    if problems:
        raise SpecError("\n".join(problems))
    return specs


def _area_problems(specs: list[DatasetSpec]) -> list[str]:
    """A spec's `areas` must name another dataset of the folder, with shapes (a geometry
    column) and the key and label columns it names."""
    by_slug = {spec.slug: spec for spec in specs}
    problems = []
    for spec in specs:
        areas = spec.areas
        if areas is None:
            continue
        where = spec.spec_path or spec.slug
        shapes = by_slug.get(areas.dataset)
        if shapes is None:
            problems.append(f"{where}: areas.dataset: '{areas.dataset}' is not a dataset "
                            f"(datasets are {', '.join(sorted(by_slug))})")
            continue
        columns = shapes.dictionary
        if not any(column.type == "geometry" for column in columns.values()):
            problems.append(f"{where}: areas.dataset: '{areas.dataset}' has no geometry "
                            "column to draw its areas with")
        for field_name in ("key", "label"):
            name = getattr(areas, field_name)
            if name is not None and name not in columns:
                problems.append(f"{where}: areas.{field_name}: '{name}' is not a column of "
                                f"{areas.dataset} ({', '.join(columns)})")
    return problems
