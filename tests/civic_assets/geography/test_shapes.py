"""The spatial step on the real LA files: areas in an equal-area projection checked against
geodesic areas on the ellipsoid, and the point-in-council join against the city's own
council of each request."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from pyproj import Geod

from civic_assets.geography.shapes import areas_km2, points_within, shapes_from_wkt

BOUNDARIES = "la-311/Neighborhood_Councils_Certified_shp.zip"
REQUESTS = "la-311/MyLA311_Service_Request_Data_2017_Subset.csv"


@pytest.fixture(scope="module")
def councils(shared_data):
    return gpd.read_file(shared_data / BOUNDARIES)


def test_equal_area_matches_the_geodesic_area(councils):
    measured = areas_km2(councils.geometry)
    geod = Geod(ellps="WGS84")
    geodesic = councils.geometry.map(lambda shape: abs(geod.geometry_area_perimeter(shape)[0])
                                     ) / 1e6
    relative = ((measured - geodesic) / geodesic).abs()
    assert relative.max() < 0.001, relative.max()
    # the whole city: 99 councils cover about 1,200 km² of Los Angeles' 1,300
    assert 1_100 < measured.sum() < 1_300


def test_areas_from_wkt_text_as_extracts_hold_them(councils):
    wkt = pd.Series(councils.geometry.to_wkt())
    from_text, from_shapes = areas_km2(shapes_from_wkt(wkt)), areas_km2(councils.geometry)
    # WKT keeps six decimals (about 10 cm): the areas agree to a few parts in 100,000
    assert ((from_text - from_shapes).abs() / from_shapes).max() < 1e-4


def test_points_join_the_council_the_city_recorded(councils, shared_data):
    requests = pd.read_csv(shared_data / REQUESTS, dtype=str)
    placed = points_within(requests["Latitude"], requests["Longitude"], councils.geometry,
                           councils["NC_ID"])
    geocoded = requests["Latitude"].notna()
    assert placed[~geocoded].isna().all()
    agree = (placed[geocoded].astype("Int64") == pd.to_numeric(requests["NC"][geocoded])
             ).fillna(False)
    assert agree.sum() / geocoded.sum() >= 0.97


def test_unusable_positions_fall_in_no_area(councils):
    latitude = pd.Series(["0", "abc", None, "91", "34.0736"])
    longitude = pd.Series(["0", "-118.2", "-118.2", "-118.2", "-118.2666"])
    placed = points_within(latitude, longitude, councils.geometry, councils["NC_ID"])
    assert placed.iloc[:4].isna().all() and placed.iloc[4] is not None
