"""Real city data through the whole platform, and every figure checked against an
independent computation on the source files themselves (pandas, geopandas), not on the
pipeline's tables."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import geopandas as gpd
import pandas as pd
import pytest

from civic_assets.demo.city import CITY_DATASETS
from civic_assets.keys import candidate_key, mart_key, published_key, raw_key
from civic_assets.settings import get_settings

pytestmark = pytest.mark.slow

LA_CSV = "la-311/MyLA311_Service_Request_Data_2017_Subset.csv"
COUNCILS_SHP = "la-311/Neighborhood_Councils_Certified_shp.zip"
POPULATION_CSV = "la-311/nc-population.csv"
BUDGET_CSV = "oakland-budget/FY22-23__adopted.csv"
BUDGET_XLSX = "oakland-budget/BudgetData_for_Public_Adopted_FY2016-17_Midcycle.xlsx"
US_TIME = "%m/%d/%Y %I:%M:%S %p"


@pytest.fixture(scope="module")
def requests_file(shared_data) -> pd.DataFrame:
    frame = pd.read_csv(shared_data / LA_CSV, dtype=str)
    frame["created"] = pd.to_datetime(frame["CreatedDate"], format=US_TIME)
    frame["closed"] = pd.to_datetime(frame["ClosedDate"], format=US_TIME)
    return frame


def published(conn, slug: str) -> pd.DataFrame:
    cursor = conn.execute(f'SELECT * FROM published."{slug}"')
    return pd.DataFrame(cursor.fetchall(), columns=[d.name for d in cursor.description])


def test_every_city_dataset_is_published(city_published, conn):
    assert set(city_published["versions"]) == set(CITY_DATASETS)
    counts = dict(conn.execute(
        "SELECT slug, row_count FROM catalog.versions WHERE slug = ANY(%s)",
        (list(CITY_DATASETS),)).fetchall())
    assert counts["la_service_requests"] == 9_999 and counts["neighbourhoods"] == 99
    # the provenance of a two-file dataset names both files
    provenance = conn.execute("SELECT provenance FROM catalog.versions WHERE slug ="
                              " 'oakland_budget' ORDER BY version DESC LIMIT 1").fetchone()[0]
    names = " ".join(source["name"] for source in provenance["sources"])
    assert "FY22-23__adopted.csv" in names and "Midcycle.xlsx" in names


def test_median_hours_to_close_of_bulky_items(city_published, conn, requests_file):
    done = requests_file[(requests_file["RequestType"] == "Bulky Items")
                         & (requests_file["Status"] == "Closed")]
    hours = (done["closed"] - done["created"]).dt.total_seconds() / 3600
    performance = published(conn, "la_service_performance")
    row = performance[(performance["breakdown"] == "request_type")
                      & (performance["service_code"] == "bulky_items")].iloc[0]
    assert row["median_hours_to_close"] == pytest.approx(hours.median(), abs=0.005)
    assert row["p90_hours_to_close"] == pytest.approx(hours.quantile(0.9), abs=0.005)
    assert row["requests"] == (requests_file["RequestType"] == "Bulky Items").sum()
    # the target of bulky items is a week (dbt seed la311_service_targets)
    assert row["share_closed_within_target"] == pytest.approx((hours <= 168).mean(), abs=1e-4)


def test_requests_per_thousand_residents_of_one_council_by_hand(city_published, conn,
                                                                  requests_file, shared_data):
    council_id = 44  # Echo Park
    councils = gpd.read_file(shared_data / COUNCILS_SHP)
    boundary = councils.loc[councils["NC_ID"] == council_id, "geometry"].iloc[0]
    located = requests_file.dropna(subset=["Latitude", "Longitude"])
    points = gpd.points_from_xy(located["Longitude"].astype(float),
                                located["Latitude"].astype(float))
    inside = int(sum(boundary.intersects(point) for point in points))
    population = pd.read_csv(shared_data / POPULATION_CSV)
    residents = int(population.loc[population["NC_ID"] == council_id, "total_population"].iloc[0])

    equity = published(conn, "la_demand_equity").set_index("council_id").loc[council_id]
    assert equity["requests"] == inside
    assert equity["population"] == residents
    assert equity["requests_per_1000_residents"] == pytest.approx(1000 * inside / residents,
                                                                  abs=0.005)


def test_one_departments_budget_total(city_published, conn, shared_data):
    adopted = pd.read_csv(shared_data / BUDGET_CSV)
    police = adopted[(adopted["department"] == "Police") & (adopted["account_type"] == "Expense")]
    workbook = pd.read_excel(shared_data / BUDGET_XLSX, engine="calamine")
    finance = workbook[(workbook["Department"] == "Finance Department")
                       & (workbook["Account Type"] == "Expense")]
    changes = published(conn, "oakland_budget_changes")
    totals = changes[(changes["breakdown"] == "department") & (changes["account_type"] == "expense")
                     ].set_index(["department", "fiscal_year"])["amount"]
    assert totals[("Police", "FY22-23")] == pytest.approx(police["amount"].sum(), abs=0.01)
    # the workbook's "Finance Department" is FY22-23's "Finance" (seed oakland_department_names)
    assert totals[("Finance", "FY16-17")] == pytest.approx(finance["AMT"].sum(), abs=0.01)
    row = changes[(changes["breakdown"] == "department") & (changes["department"] == "Police")
                  & (changes["account_type"] == "expense")
                  & (changes["fiscal_year"] == "FY22-23")].iloc[0]
    assert row["previous_fiscal_year"] == "FY16-17" and row["years_between"] == 6
    assert row["change"] == pytest.approx(row["amount"] - row["previous_amount"], abs=0.01)


def test_the_spatial_join_agrees_with_the_citys_council(city_published, conn, requests_file):
    requests = published(conn, "la_service_requests")
    geocoded = requests_file["Latitude"].notna().sum()
    agree = (requests["council_id"] == requests["reported_council_id"]).sum()
    assert geocoded == 8_246
    assert agree / geocoded >= 0.97, f"{agree} of {geocoded} geocoded requests agree"


def test_addresses_and_exact_positions_are_not_published(city_published, conn):
    columns = set(published(conn, "la_service_requests").columns)
    assert not columns & {"address", "zip_code", "latitude", "longitude"}
    assert {"council_id", "council_name", "reported_council_id", "hours_to_close"} <= columns
    # the staged times are the source's US dates, parsed
    first = conn.execute("SELECT created_at, status, channel FROM published.la_service_requests"
                         " WHERE request_id = '1-870704831'").fetchone()
    assert first[0].isoformat() == "2017-12-31T23:59:58" and first[1:] == ("closed", "phone")


def test_councils_are_published_with_geojson_and_equal_area_sizes(city_published, conn):
    row = conn.execute("SELECT files FROM catalog.versions WHERE slug = 'neighbourhoods'"
                       " ORDER BY version DESC LIMIT 1").fetchone()
    path = Path(get_settings().published_root()) / row[0]["geojson"]["path"]
    collection = json.loads(path.read_text(encoding="utf-8"))
    assert len(collection["features"]) == 99
    arleta = next(f for f in collection["features"] if f["properties"]["council_id"] == 6)
    assert arleta["geometry"]["type"] in ("Polygon", "MultiPolygon")
    # the population file's own area of Arleta is 3.28 mi², 8.51 km²
    assert arleta["properties"]["area_km2"] == pytest.approx(3.2849 * 2.58999, rel=0.01)


def test_one_lineage_from_source_files_to_every_publication():
    from civic_assets.runner import load_definitions

    graph = load_definitions().resolve_asset_graph()

    def upstream(key: dg.AssetKey) -> set[dg.AssetKey]:
        return graph.get(key).parent_keys

    for slug in CITY_DATASETS:
        assert candidate_key(slug) in upstream(published_key(slug))
        assert mart_key(slug) in upstream(candidate_key(slug))
    seen, pending = set(), [published_key("la_service_performance")]
    while pending:
        key = pending.pop()
        if key not in seen:
            seen.add(key)
            pending += list(upstream(key))
    # an analytics dataset reaches back to the requests' file and the councils' shapefile
    assert {raw_key("la_service_requests"), raw_key("neighbourhoods"),
            dg.AssetKey(["la_service_requests", "geography"]),
            mart_key("la_service_requests")} <= seen
