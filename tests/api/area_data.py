"""Real data aggregated to areas, for the choropleth tests: the 99 Los Angeles
Neighborhood Councils (the certified shapefile of ../shared/data/la-311) published under
a slug of their own with a GeoJSON file, and one row per council of the requests of the
2017 MyLA311 subset against the councils' population, published with the la_demand_equity
spec pointing its `areas` at them. Built without Dagster: a review table, an approved
candidate, `publish_candidate`."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import psycopg

from civic_assets.components.dataset import load_dataset_spec
from civic_assets.publish.publication import publish_candidate
from metadata.specs import AreaJoin, DatasetSpec
from tests.api.published_data import approved_candidate, spec_for_columns
from tests.paths import PROJECT_ROOT, SHARED_DATA

LA = SHARED_DATA / "la-311"
DATASETS = PROJECT_ROOT / "civic_assets" / "defs" / "datasets"
COUNCILS = "councils_areas_test"
DEMAND = "demand_areas_test"
COUNCIL_COUNT = 99


def councils_frame() -> pd.DataFrame:
    shapes = gpd.read_file(LA / "Neighborhood_Councils_Certified_shp.zip").to_crs(4326)
    return pd.DataFrame({"council_id": shapes["NC_ID"].astype("int64"),
                         "council_name": shapes["NAME"],
                         "geometry": shapes.geometry.to_wkt()})


def demand_frame() -> pd.DataFrame:
    population = pd.read_csv(LA / "nc-population.csv")
    requests = pd.read_csv(LA / "MyLA311_Service_Request_Data_2017_Subset.csv", dtype=str)
    per_council = pd.to_numeric(requests["NC"], errors="coerce").dropna().astype("int64") \
        .value_counts()
    frame = pd.DataFrame({"council_id": population["NC_ID"].astype("int64"),
                          "council_name": population["NAME"],
                          "population": population["total_population"].astype("int64")})
    frame["requests"] = frame["council_id"].map(per_council).fillna(0).astype("int64")
    frame["requests_per_1000_residents"] = (frame["requests"] * 1000
                                            / frame["population"]).round(3)
    return frame


def _spec(slug: str, source: str, frame: pd.DataFrame, **update) -> DatasetSpec:
    return spec_for_columns(load_dataset_spec(DATASETS / source / "defs.yaml"), frame.columns,
                            slug=slug, **update)


def publish_area_datasets(conn: psycopg.Connection, published_dir: Path) -> dict[str, int]:
    """The councils and the demand per council, published once; slug → version."""
    versions = {}
    councils = councils_frame()
    demand = demand_frame()
    for spec, frame in (
            (_spec(COUNCILS, "neighbourhoods", councils), councils),
            (_spec(DEMAND, "la_demand_equity", demand, areas=AreaJoin(
                dataset=COUNCILS, column="council_id", key="council_id",
                label="council_name")), demand)):
        found = conn.execute("SELECT max(version) FROM catalog.versions WHERE slug = %s",
                             (spec.slug,)).fetchone()[0]
        if found is None:
            candidate_id = approved_candidate(conn, spec, frame, table=f"{spec.slug}_candidate")
            found = publish_candidate(conn, spec, candidate_id,
                                      published_dir=published_dir).version
        versions[spec.slug] = found
    return versions
