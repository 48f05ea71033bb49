"""`<slug>/geography`: the spatial step of a dataset, written to raw.<slug>__geography.

It reads the dataset's extract (and, for points, the extract holding the areas), computes
with geopandas and loads the result as text like any extract, so dbt reads it with the
same staging conventions. The table is refilled in place when dbt views depend on it.
"""

import dagster as dg
import pandas as pd
import psycopg
from psycopg import sql

from civic_assets.geography.shapes import areas_km2, points_within, shapes_from_wkt
from civic_assets.ingest.loader import (
    RAW_SCHEMA,
    create_table,
    new_load_table_name,
    swap_into_place,
)
from civic_assets.keys import extract_table, geography_key, raw_key
from civic_assets.resources import CivicDatabase
from civic_assets.tables import records_preview
from metadata.specs import DatasetSpec, Geography

AREA_DECIMALS = 6


def build_geography_asset(spec: DatasetSpec) -> dg.AssetsDefinition:
    geography = spec.geography
    if geography is None:
        raise ValueError(f"dataset {spec.slug} declares no geography")
    within = geography.within
    deps = [raw_key(spec.slug)] + ([raw_key(within.dataset)] if within else [])
    target = extract_table(spec.slug, "geography")
    what = []
    if geography.area_km2:
        what.append("the area of each shape in km² (equal-area projection)")
    if within:
        what.append(f"the {within.dataset} area ({within.area_key}) each point falls in")

    @dg.asset(
        key=geography_key(spec.slug),
        deps=deps,
        group_name=spec.slug,
        kinds={"postgres", "geopandas"},
        owners=spec.owners,
        description=(f"Spatial step of {spec.title.en or spec.slug}: " + " and ".join(what)
                     + f", by {geography.key}, in raw.{target} for dbt."),
    )
    def _geography(context: dg.AssetExecutionContext,
                   civic_db: CivicDatabase) -> dg.MaterializeResult:
        with civic_db.connect() as conn:
            result, summary = compute_geography(conn, spec.slug, geography)
            load_text_table(conn, result, target)
        context.log.info("; ".join(f"{k}: {v}" for k, v in summary.items()))
        return dg.MaterializeResult(metadata={
            "dagster/row_count": len(result), "table": f"raw.{target}", **summary,
            "preview": dg.MetadataValue.md(records_preview(result))})

    return _geography


def _read_columns(conn: psycopg.Connection, table: str, columns: list[str]) -> pd.DataFrame:
    cursor = conn.execute(sql.SQL("SELECT {} FROM {}.{}").format(
        sql.SQL(", ").join(map(sql.Identifier, columns)), sql.Identifier(RAW_SCHEMA),
        sql.Identifier(table)))
    return pd.DataFrame(cursor.fetchall(), columns=columns, dtype=object)


def compute_geography(conn: psycopg.Connection, slug: str,
                      geography: Geography) -> tuple[pd.DataFrame, dict[str, float | int]]:
    """The table the step writes (text values) and figures for the asset's metadata."""
    within = geography.within
    columns = [geography.key]
    if geography.area_km2:
        columns.append(geography.geometry)
    if within:
        columns += [within.latitude, within.longitude]
    frame = _read_columns(conn, slug, list(dict.fromkeys(columns)))
    result = pd.DataFrame({geography.key: frame[geography.key]})
    summary: dict[str, float | int] = {}
    if geography.area_km2:
        area = areas_km2(shapes_from_wkt(frame[geography.geometry]))
        result["area_km2"] = area.round(AREA_DECIMALS)
        summary["total_area_km2"] = round(float(area.sum()), 3)
    if within:
        areas = _read_columns(conn, within.dataset, [within.area_key, within.geometry])
        placed = points_within(frame[within.latitude], frame[within.longitude],
                               shapes_from_wkt(areas[within.geometry]),
                               areas[within.area_key])
        result[within.area_key] = placed
        summary["points_in_an_area"] = int(placed.notna().sum())
        summary["points_outside_or_without_position"] = int(placed.isna().sum())
    return result, summary


def load_text_table(conn: psycopg.Connection, frame: pd.DataFrame, target: str) -> None:
    """Replace raw.<target> by the frame (as text), in the caller's transaction."""
    names = [str(name) for name in frame.columns]
    load = new_load_table_name(target)
    create_table(conn, load, names)
    texts = frame.astype(object).where(frame.notna(), None)
    with conn.cursor() as cursor, cursor.copy(sql.SQL("COPY {}.{} ({}) FROM STDIN").format(
            sql.Identifier(RAW_SCHEMA), sql.Identifier(load),
            sql.SQL(", ").join(map(sql.Identifier, names)))) as copy:
        for row in texts.itertuples(index=False):
            copy.write_row([None if value is None else str(value) for value in row])
    swap_into_place(conn, load, target, names)
