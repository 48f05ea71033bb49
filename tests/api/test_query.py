"""The query API on a published dataset, over HTTP against a real uvicorn: each feature
checked against the same question asked of the published frame with pandas."""

from __future__ import annotations

import csv
import io
import json
import math

import httpx
import pandas as pd
import pytest

from tests.api.query_data import SLUG, TYPES, publish_query_dataset, query_frame


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return query_frame()


@pytest.fixture(scope="module")
def data_url(api: str, database_url: str, frame: pd.DataFrame, tmp_path_factory) -> str:
    published = publish_query_dataset(database_url, tmp_path_factory.mktemp("query"), frame)
    return f"{api}/datasets/{SLUG}/versions/{published.version}/data"


def _get(url: str, params: dict | list | None = None, **kwargs) -> httpx.Response:
    return httpx.get(url, params=params, timeout=30, **kwargs)


def _ids(url: str, params: dict | list) -> list[str]:
    """Every request_id a query returns, following `next` to the end."""
    response = _get(url, params)
    assert response.status_code == 200, response.text
    ids = []
    while True:
        page = response.json()
        ids += [row["request_id"] for row in page["rows"]]
        if not page["next"]:
            return ids
        response = _get(page["next"])
        assert response.status_code == 200, response.text


def _expected(frame: pd.DataFrame, mask: pd.Series) -> list[str]:
    return sorted(frame.loc[mask.fillna(False).astype(bool), "request_id"])


def _bad(url: str, params: dict | list) -> str:
    response = _get(url, params)
    assert response.status_code == 400, response.text
    return response.json()["detail"]


# ---------------------------------------------------------------------------- filters


def test_equality_keeps_the_plain_column_filter(data_url, frame):
    assert sorted(_ids(data_url, {"status": "closed"})) == _expected(
        frame, frame.status == "closed")


@pytest.mark.parametrize(("params", "mask"), [
    ({"status__in": "open,in_progress"}, lambda f: f.status.isin(["open", "in_progress"])),
    ([("request_type", "Pothole repair"), ("request_type", "Snow removal")],
     lambda f: f.request_type.isin(["Pothole repair", "Snow removal"])),
    ({"status__ne": "open"}, lambda f: f.status != "open"),
    ({"response_time_hours__gt": "40"}, lambda f: f.response_time_hours > 40),
    ({"response_time_hours__gte": "40.5", "response_time_hours__lt": "60"},
     lambda f: (f.response_time_hours >= 40.5) & (f.response_time_hours < 60)),
    ({"priority__lte": "2"}, lambda f: f.priority <= 2),
    ({"priority": "3"}, lambda f: f.priority == 3),
    ({"created_at__gte": "2026-02-01", "created_at__lt": "2026-02-08T12:00:00Z"},
     lambda f: (f.created_at >= pd.Timestamp("2026-02-01", tz="UTC"))
     & (f.created_at < pd.Timestamp("2026-02-08T12:00:00", tz="UTC"))),
    ({"due_date__gt": "2026-02-15"}, lambda f: f.due_date > pd.Timestamp("2026-02-15")),
    ({"closed_at__null": "true"}, lambda f: f.closed_at.isna()),
    ({"closed_at__null": "false", "neighbourhood": "Beauséjour"},
     lambda f: f.closed_at.notna() & (f.neighbourhood == "Beauséjour")),
    ({"description__prefix": "Noise"}, lambda f: f.description.str.startswith("Noise")),
    ({"is_escalated": "true"}, lambda f: f.is_escalated),
])
def test_typed_filters(data_url, frame, params, mask):
    assert sorted(_ids(data_url, params)) == _expected(frame, mask(frame))


@pytest.mark.parametrize(("params", "message"), [
    ({"colour": "red"}, "no field named 'colour'"),
    ({"colour__gte": "1"}, "no field named 'colour'"),
    ({"priority": "high"}, "'high' is not an integer"),
    ({"priority__gt": "99999999999999999999999"}, "is not an integer"),
    ({"response_time_hours__lt": "ten"}, "is not a number"),
    ({"response_time_hours__lt": "1e999"}, "is not a number"),
    ({"created_at__gte": "yesterday"}, "field 'created_at' is datetime"),
    ({"due_date": "2026-02-30"}, "is not a date"),
    ({"status__gt": "open"}, "range filters apply to numbers, dates and times"),
    ({"priority__prefix": "1"}, "prefix applies to text"),
    ({"closed_at__null": "maybe"}, "expected true"),
    ({"is_escalated": "perhaps"}, "true or false"),
])
def test_bad_filters_are_400_naming_the_field_and_the_type(data_url, params, message):
    detail = _bad(data_url, params)
    assert next(iter(params)) in detail and message in detail


# ---------------------------------------------------------------------------- sort, fields


def _sorted_ids(frame: pd.DataFrame, keys: list[tuple[str, bool]]) -> list[str]:
    """PostgreSQL's order: empty values last ascending, first descending; then the key
    in the direction of the last field."""
    ordered = frame.copy()
    columns = [name for name, _ in keys] + ["request_id"]
    ascending = [not desc for _, desc in keys] + [not keys[-1][1]]
    # pandas puts NaN at one end for all keys; sort stably key by key, last key first
    for name, up in reversed(list(zip(columns, ascending, strict=True))):
        ordered = ordered.sort_values(name, ascending=up, kind="stable",
                                      na_position="last" if up else "first")
    return list(ordered.request_id)


@pytest.mark.parametrize("sort", ["-created_at", "created_at", "status,-response_time_hours",
                                  "-priority,created_at", "neighbourhood,-closed_at"])
def test_sort_on_several_fields_pages_in_order(data_url, frame, sort):
    keys = [(part.lstrip("-"), part.startswith("-")) for part in sort.split(",")]
    got = _ids(data_url, {"sort": sort, "limit": 37})
    assert got == _sorted_ids(frame, keys)


def test_fields_selects_columns_in_the_order_asked(data_url):
    page = _get(data_url, {"fields": "status,request_id", "sort": "-created_at",
                           "limit": 5}).json()
    assert page["columns"] == ["status", "request_id"]
    assert all(list(row) == ["status", "request_id"] for row in page["rows"])


@pytest.mark.parametrize(("params", "message"), [
    ({"sort": "colour"}, "no field named 'colour'"),
    ({"fields": "request_id,colour"}, "no field named 'colour'"),
    ({"sort": "request_id", "group_by": "status"}, "groups are sorted by their columns"),
])
def test_bad_sort_and_fields(data_url, params, message):
    assert message in _bad(data_url, params)


# ---------------------------------------------------------------------------- search


def _document(frame: pd.DataFrame) -> pd.Series:
    """The text the search looks in: every text field of a row but its identifier,
    lower-cased."""
    text = ["status", "request_type", "neighbourhood", "description"]
    return frame[text].fillna("").agg(" ".join, axis=1).str.lower()


@pytest.mark.parametrize(("q", "mask"), [
    ("streetlight", lambda d: d.str.contains("streetlight")),
    ("graffiti bank", lambda d: d.str.contains("graffiti") & d.str.contains("bank")),
    ('"bank street" -pothole', lambda d: d.str.contains("bank street")
     & ~d.str.contains("pothole")),
    ("old town", lambda d: d.str.contains("old") & d.str.contains("town")),
])
def test_full_text_search_over_the_text_fields(data_url, frame, q, mask):
    assert sorted(_ids(data_url, {"q": q})) == _expected(frame, mask(_document(frame)))


# ---------------------------------------------------------------------------- spatial


def _inside(frame, west, south, east, north):
    return frame.longitude.between(west, east) & frame.latitude.between(south, north)


def test_bbox(data_url, frame):
    box = (-75.7, 45.35, -75.6, 45.42)
    assert sorted(_ids(data_url, {"bbox": ",".join(map(str, box))})) == _expected(
        frame, _inside(frame, *box))


def test_within_a_polygon_with_a_hole(data_url, frame):
    from shapely.geometry import Point, shape

    polygon = {"type": "Polygon", "coordinates": [
        [[-75.78, 45.31], [-75.57, 45.31], [-75.57, 45.45], [-75.78, 45.31]],
        [[-75.65, 45.33], [-75.6, 45.33], [-75.6, 45.38], [-75.65, 45.33]]]}
    region = shape(polygon)
    mask = frame.apply(lambda r: not math.isnan(r.longitude)
                       and region.contains(Point(r.longitude, r.latitude)), axis=1)
    feature = {"type": "Feature", "properties": {}, "geometry": polygon}
    assert sorted(_ids(data_url, {"within": json.dumps(feature)})) == _expected(frame, mask)


def test_near_a_point(data_url, frame):
    longitude, latitude, metres = -75.68, 45.38, 3000

    def haversine(row):
        if math.isnan(row.latitude):
            return math.inf
        p1, p2 = math.radians(latitude), math.radians(row.latitude)
        dp, dl = p2 - p1, math.radians(row.longitude - longitude)
        a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        return 2 * 6_371_008.8 * math.asin(math.sqrt(a))

    mask = frame.apply(haversine, axis=1) <= metres
    got = _ids(data_url, {"near": f"{longitude},{latitude},{metres}"})
    assert mask.sum() > 5 and sorted(got) == _expected(frame, mask)


@pytest.mark.parametrize(("params", "message"), [
    ({"bbox": "1,2,3"}, "expected west,south,east,north"),
    ({"bbox": "-75,45,-76,46"}, "west must not exceed east"),
    ({"bbox": "-200,45,-76,46"}, "is not a longitude"),
    ({"within": "{not json"}, "not valid GeoJSON"),
    ({"within": '{"type": "Point", "coordinates": [1, 2]}'}, "expected a GeoJSON Polygon"),
    ({"within": '{"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]}'},
     "at least 4 positions"),
    ({"within": '{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}'},
     "must end where it starts"),
    ({"within": '{"type": "Polygon", "coordinates": [[[0, 0], [1, "a"], [1, 1], [0, 0]]]}'},
     "a position is [longitude, latitude]"),
    ({"near": "-75.7,45.4"}, "expected longitude,latitude,metres"),
    ({"near": "-75.7,45.4,0"}, "between 0 and"),
])
def test_malformed_spatial_filters(data_url, params, message):
    assert message in _bad(data_url, params)


def test_spatial_filters_need_coordinates(api, publication):
    # version 2 of the API tests' dataset was published without coordinates
    url = f"{api}/datasets/{publication.spec.slug}/data"
    assert "has no latitude and longitude" in _bad(url, {"bbox": "-76,45,-75,46"})
    assert "has no coordinates or geometry" in _bad(url, {"format": "geojson"})


# ---------------------------------------------------------------------------- aggregation


def test_group_by_with_count_and_averages(data_url, frame):
    page = _get(data_url, {"group_by": "neighbourhood", "status": "closed",
                           "agg": "count,avg(response_time_hours),max(created_at)",
                           "sort": "-count"}).json()
    closed = frame[frame.status == "closed"]
    expected = closed.groupby("neighbourhood").agg(
        count=("request_id", "size"), avg=("response_time_hours", "mean"))
    assert page["columns"] == ["neighbourhood", "count", "avg_response_time_hours",
                               "max_created_at"]
    assert page["total"] == len(expected) and not page["total_is_estimate"]
    counts = [row["count"] for row in page["rows"]]
    assert counts == sorted(counts, reverse=True)
    for row in page["rows"]:
        assert row["count"] == expected.loc[row["neighbourhood"], "count"]
        assert row["avg_response_time_hours"] == pytest.approx(
            expected.loc[row["neighbourhood"], "avg"])


def test_group_by_month_and_two_fields(data_url, frame):
    page = _get(data_url, {"group_by": "created_at:month,status",
                           "agg": "count,sum(priority),min(due_date)", "limit": 100}).json()
    months = frame.created_at.dt.tz_localize(None).dt.to_period("M").dt.start_time
    expected = frame.assign(month=months).groupby(["month", "status"]).agg(
        count=("request_id", "size"), total=("priority", "sum"))
    assert page["total"] == len(expected) == len(page["rows"])
    for row in page["rows"]:
        month = pd.Timestamp(row["created_at_month"]).tz_localize(None)
        assert row["count"] == expected.loc[(month, row["status"]), "count"]
        assert row["sum_priority"] == expected.loc[(month, row["status"]), "total"]


def test_aggregates_without_groups_and_groups_by_offset(data_url, frame):
    totals = _get(data_url, {"agg": "count,count(closed_at),max(response_time_hours)",
                             "q": "pothole"}).json()
    potholes = frame[_document(frame).str.contains("pothole")]
    assert totals["rows"] == [{"count": len(potholes),
                               "count_closed_at": int(potholes.closed_at.notna().sum()),
                               "max_response_time_hours": potholes.response_time_hours.max()}]
    first = _get(data_url, {"group_by": "request_type", "limit": 2}).json()
    assert first["next"] and "offset=2" in first["next"]
    second = _get(first["next"]).json()
    assert [r["request_type"] for r in first["rows"] + second["rows"]] == sorted(TYPES)[:4]


@pytest.mark.parametrize(("params", "message"), [
    ({"group_by": "colour"}, "no field named 'colour'"),
    ({"group_by": "status:month"}, "a period (month) applies to dates and times"),
    ({"group_by": "created_at:fortnight"}, "unknown period 'fortnight'"),
    ({"group_by": "status", "agg": "avg(status)"}, "avg applies to numbers"),
    ({"group_by": "status", "agg": "median(priority)"}, "is not one of count"),
    ({"group_by": "status", "agg": "sum"}, "sum needs a field"),
    ({"group_by": "status", "fields": "status"}, "leave out fields"),
    ({"group_by": "status", "format": "geojson"}, "groups have no geometry"),
])
def test_bad_aggregations(data_url, params, message):
    assert message in _bad(data_url, params)


# ---------------------------------------------------------------------------- paging


def test_offset_paging_and_exact_totals(data_url, frame):
    every = _ids(data_url, {"limit": 5000})
    pages = [_get(data_url, {"limit": 50, "offset": offset}).json()
             for offset in range(0, len(frame), 50)]
    assert [r["request_id"] for p in pages for r in p["rows"]] == every
    assert all(p["total"] == len(frame) and not p["total_is_estimate"] for p in pages)
    filtered = _get(data_url, {"status": "open", "limit": 10}).json()
    assert filtered["total"] == int((frame.status == "open").sum())
    assert not filtered["total_is_estimate"]


def test_cursor_pages_cover_every_row_once(data_url, frame):
    got = _ids(data_url, {"sort": "-closed_at", "limit": 23, "status__ne": "open"})
    expected = _sorted_ids(frame[frame.status != "open"], [("closed_at", True)])
    assert got == expected and len(set(got)) == len(got)


def test_next_is_a_cursor_link_and_the_last_page_has_none(data_url, frame):
    page = _get(data_url, {"limit": 399}).json()
    assert "cursor=" in page["next"] and "offset" not in page["next"]
    last = _get(page["next"]).json()
    assert len(last["rows"]) == 1 and last["next"] is None and last["offset"] is None


def _tamper(token: str) -> str:
    body, signature = token.split(".")
    return body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1] + "." + signature


def test_cursor_tampered_or_reused_elsewhere_is_refused(data_url):
    page = _get(data_url, {"sort": "-created_at", "limit": 10}).json()
    token = httpx.URL(page["next"]).params["cursor"]
    assert "altered" in _bad(data_url, {"sort": "-created_at", "cursor": _tamper(token)})
    assert "altered" in _bad(data_url, {"sort": "-created_at", "cursor": token[:-3]})
    assert "altered" in _bad(data_url, {"sort": "-created_at", "cursor": "bm90IGEgY3Vyc29y"})
    assert "belongs to another query" in _bad(
        data_url, {"sort": "created_at", "cursor": token})
    assert "belongs to another query" in _bad(
        data_url, {"sort": "-created_at", "status": "open", "cursor": token})
    assert "either by offset or by cursor" in _bad(
        data_url, {"sort": "-created_at", "cursor": token, "offset": 10})


def test_a_cursor_keeps_reading_the_version_it_started_on(api, publication):
    slug = publication.spec.slug
    first = _get(f"{api}/datasets/{slug}/versions/1/data", {"limit": 5}).json()
    token = httpx.URL(first["next"]).params["cursor"]
    # the same cursor on the `latest` URL (version 2) still reads version 1
    more = _get(f"{api}/datasets/{slug}/data", {"limit": 5, "cursor": token}).json()
    assert more["version"] == 1
    assert more["rows"][0]["request_id"] == "SR-2026-000006"
    assert "pages through version 1" in _bad(f"{api}/datasets/{slug}/versions/2/data",
                                            {"limit": 5, "cursor": token})


@pytest.mark.parametrize(("params", "message"), [
    ({"offset": "10000000000000000001"}, "offset"),
    ({"offset": "-1"}, "offset"),
    ({"offset": "1000001"}, "offset"),
    ({"limit": "0"}, "limit"),
    ({"limit": "5001"}, "limit"),
    ({"limit": "ten"}, "limit"),
    ({"format": "xml"}, "format"),
])
def test_absurd_paging_is_400(data_url, params, message):
    assert message in _bad(data_url, params)


def test_unknown_dataset_and_version_are_404(api, data_url):
    assert _get(f"{api}/datasets/nope/data").status_code == 404
    assert _get(data_url.replace("/versions/1/", "/versions/99/")).status_code == 404


# ---------------------------------------------------------------------------- formats


def test_csv_by_parameter_or_accept(data_url, frame):
    params = {"sort": "request_id", "fields": "request_id,priority,is_escalated", "limit": 7}
    by_parameter = _get(data_url, {**params, "format": "csv"})
    by_accept = _get(data_url, params, headers={"Accept": "text/csv"})
    assert by_parameter.headers["content-type"].startswith("text/csv")
    assert by_parameter.text == by_accept.text
    rows = list(csv.DictReader(io.StringIO(by_parameter.text)))
    head = frame.sort_values("request_id").head(7)
    assert [r["request_id"] for r in rows] == list(head.request_id)
    assert [r["priority"] for r in rows] == ["" if pd.isna(p) else str(p) for p in head.priority]
    assert {r["is_escalated"] for r in rows} <= {"true", "false"}
    assert by_parameter.headers["X-Total-Count"] == str(len(frame))
    assert 'rel="next"' in by_parameter.headers["Link"]


def test_geojson_features_carry_the_points(data_url, frame):
    response = _get(data_url, {"bbox": "-75.7,45.35,-75.6,45.42", "limit": 500},
                    headers={"Accept": "application/geo+json"})
    assert response.headers["content-type"] == "application/geo+json"
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    assert collection["numberMatched"] == collection["numberReturned"] > 0
    by_id = frame.set_index("request_id")
    for feature in collection["features"]:
        longitude, latitude = feature["geometry"]["coordinates"]
        row = by_id.loc[feature["properties"]["request_id"]]
        assert (longitude, latitude) == pytest.approx((row.longitude, row.latitude))


def test_openapi_documents_the_query_parameters(api):
    spec = _get(f"{api}/openapi.json").json()
    operation = spec["paths"]["/datasets/{slug}/data"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"limit", "offset", "cursor", "sort", "fields", "q", "bbox", "within", "near",
            "group_by", "agg", "format"} <= names
    assert "__gte" in operation["description"] and "400" in operation["responses"]


# ---------------------------------------------------------------------------- WKT geometry


@pytest.fixture(scope="module")
def wkt_urls(api: str, database_url: str, tmp_path_factory) -> dict[str, str]:
    """Two datasets whose geometry is a WKT column: points, and polygons."""
    import psycopg

    from catalog.database import libpq_url
    from civic_assets.publish.publication import publish_candidate
    from tests.api.published_data import approved_candidate, service_requests_spec

    points = query_frame(80, seed=11)[["request_id", "status", "longitude", "latitude"]]
    points["geometry"] = [None if math.isnan(x) else f"POINT ({x} {y})"
                          for x, y in zip(points.longitude, points.latitude, strict=True)]
    polygons = points.dropna(subset=["longitude"]).head(6).copy()
    polygons["geometry"] = [f"POLYGON (({x} {y}, {x + 0.01} {y}, {x} {y + 0.01}, {x} {y}))"
                            for x, y in zip(polygons.longitude, polygons.latitude, strict=True)]
    urls = {}
    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        for slug, frame in (("query_wkt_points", points), ("query_wkt_polygons", polygons)):
            spec = service_requests_spec().model_copy(update={"slug": slug})
            candidate = approved_candidate(conn, spec, frame.drop(columns=["longitude",
                                                                           "latitude"]),
                                           table=f"{slug}_candidate")
            publish_candidate(conn, spec, candidate,
                              published_dir=tmp_path_factory.mktemp(slug))
            urls[slug] = f"{api}/datasets/{slug}/data"
        indexes = conn.execute("SELECT indexdef FROM pg_indexes WHERE schemaname = 'published'"
                               " AND tablename = 'query_wkt_points__v1'").fetchall()
    assert any("USING gist" in row[0] and "regexp_match" in row[0] for row in indexes)
    return urls | {"frame": points}


def test_wkt_points_take_the_spatial_filters(wkt_urls):
    from shapely.geometry import Point, box

    frame, url = wkt_urls["frame"], wkt_urls["query_wkt_points"]
    area = (-75.72, 45.33, -75.6, 45.43)
    inside = frame.apply(lambda r: not math.isnan(r.longitude)
                         and box(*area).contains(Point(r.longitude, r.latitude)), axis=1)
    assert sorted(_ids(url, {"bbox": ",".join(map(str, area))})) == _expected(frame, inside)
    polygon = {"type": "Polygon", "coordinates": [[[area[0], area[1]], [area[2], area[1]],
                                                   [area[2], area[3]], [area[0], area[3]],
                                                   [area[0], area[1]]]]}
    assert sorted(_ids(url, {"within": json.dumps(polygon)})) == _expected(frame, inside)
    near = _ids(url, {"near": "-75.68,45.38,4000"})
    assert near and set(near) <= set(frame.request_id)


def test_wkt_geojson_and_polygons_refuse_point_filters(wkt_urls):
    collection = _get(wkt_urls["query_wkt_polygons"], {"format": "geojson"}).json()
    assert {f["geometry"]["type"] for f in collection["features"]} == {"Polygon"}
    points = _get(wkt_urls["query_wkt_points"], {"format": "geojson", "limit": 3}).json()
    assert points["features"][0]["geometry"]["type"] == "Point"
    assert "geometries other than points" in _bad(wkt_urls["query_wkt_polygons"],
                                                  {"bbox": "-76,45,-75,46"})


def test_a_dataset_without_a_key_pages_by_row_position(api, database_url, frame,
                                                       tmp_path_factory):
    """No primary key: the order is made total by each row's place in its (immutable)
    table, and cursors carry that place."""
    import psycopg

    from catalog.database import libpq_url
    from civic_assets.publish.publication import publish_candidate
    from tests.api.published_data import approved_candidate, service_requests_spec

    slug = "query_no_key"
    spec = service_requests_spec().model_copy(update={"slug": slug, "primary_key": None})
    keyless = frame[["request_id", "status", "neighbourhood", "priority"]]
    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        candidate = approved_candidate(conn, spec, keyless, table="query_no_key_candidate")
        publish_candidate(conn, spec, candidate, published_dir=tmp_path_factory.mktemp(slug))
    url = f"{api}/datasets/{slug}/data"
    for params in ({"limit": 33}, {"sort": "-neighbourhood,priority", "limit": 29},
                   {"status": "open", "fields": "request_id", "limit": 7}):
        got = _ids(url, params)
        assert len(got) == len(set(got))
        assert sorted(got) == _expected(
            keyless, keyless.status == "open" if "status" in params else keyless.status.notna())
    ordered = _ids(url, {"sort": "-neighbourhood,priority", "limit": 29})
    names = keyless.set_index("request_id").loc[ordered, "neighbourhood"].tolist()
    assert names == sorted(names, reverse=True)
