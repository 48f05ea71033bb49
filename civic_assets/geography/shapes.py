"""Areas and point-in-polygon on WGS 84 shapes, with geopandas (no database).

Areas are measured in a Lambert azimuthal equal-area projection centred on the layer:
equal-area everywhere, and with little distortion of shape over a city, whatever city
(a fixed national projection would suit one country only).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

WGS84 = "EPSG:4326"
SQUARE_METRES_PER_KM2 = 1_000_000


def equal_area_crs(shapes: gpd.GeoSeries) -> str:
    """A Lambert azimuthal equal-area projection centred on the shapes' extent."""
    west, south, east, north = shapes.total_bounds
    return (f"+proj=laea +lat_0={(south + north) / 2:.6f} +lon_0={(west + east) / 2:.6f} "
            "+x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs")


def shapes_from_wkt(wkt: pd.Series) -> gpd.GeoSeries:
    """WKT text (as extracts hold it, WGS 84) as shapes; unreadable text is no shape."""
    geometries = shapely.from_wkt(wkt.where(wkt.notna(), None).to_numpy(dtype=object),
                                  on_invalid="ignore")
    return gpd.GeoSeries(geometries, index=wkt.index, crs=WGS84)


def areas_km2(shapes: gpd.GeoSeries) -> pd.Series:
    """Each shape's area in km², measured in an equal-area projection."""
    if shapes.crs is None:
        raise ValueError("shapes without a coordinate reference system cannot be measured")
    projected = shapes.to_crs(equal_area_crs(shapes.to_crs(WGS84)))
    return projected.area / SQUARE_METRES_PER_KM2


def points_within(latitude: pd.Series, longitude: pd.Series, areas: gpd.GeoSeries,
                  area_keys: pd.Series) -> pd.Series:
    """The key of the area each point falls in (None outside every area or without a
    usable position). A point on a shared border, or in overlapping areas, gets the
    smallest area: the most specific answer."""
    lat = pd.to_numeric(latitude, errors="coerce")
    lon = pd.to_numeric(longitude, errors="coerce")
    # 0/0 and out-of-range values are how exports write "not geocoded"
    usable = lat.between(-90, 90) & lon.between(-180, 180) & ~((lat == 0) & (lon == 0))
    result = pd.Series([None] * len(latitude), index=latitude.index, dtype=object)
    if not usable.any():
        return result
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon[usable], lat[usable]),
                              index=lat[usable].index, crs=WGS84)
    polygons = gpd.GeoDataFrame({"area_key": area_keys.to_numpy(),
                                 "size": areas_km2(areas).to_numpy()},
                                geometry=areas.to_crs(WGS84).to_numpy(), crs=WGS84)
    polygons = polygons[polygons.geometry.notna() & ~polygons.geometry.is_empty]
    joined = gpd.sjoin(points, polygons, how="inner", predicate="intersects")
    joined = joined.sort_values("size", kind="stable")
    first = joined[~joined.index.duplicated(keep="first")]
    result.loc[first.index] = first["area_key"].to_numpy()
    return result

