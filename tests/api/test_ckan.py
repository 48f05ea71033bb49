"""The CKAN Action API driven by the PyPI client `ckanapi` against the running API, and
by plain HTTP for what ckanapi hides (envelopes, status codes, GET parameters)."""

from __future__ import annotations

import time

import ckanapi
import httpx
import pytest
from psycopg.rows import dict_row

from api.ckan.packages import organization_id, package_id, resource_id
from tests.api.published_data import SLUG, catalogued_files
from tests.helpers import running_api

FORMATS = ["CSV", "JSON", "XML", "XLSX", "Parquet"]  # version 2 has no coordinates


@pytest.fixture(scope="module")
def ckan(api):
    with ckanapi.RemoteCKAN(api, user_agent="civic-tests") as remote:
        yield remote


def _latest_rows(conn, where: str = "", params: tuple = ()) -> list[dict]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(f'SELECT * FROM published."{SLUG}__v2" {where} ORDER BY request_id',
                           params).fetchall()


def test_package_list_and_show(ckan, api, conn):
    assert SLUG in ckan.action.package_list()
    package = ckan.action.package_show(id=SLUG)
    assert package["id"] == package_id(SLUG)
    assert ckan.action.package_show(id=package["id"])["name"] == SLUG
    assert package["title"] == "311 Service Requests"
    assert package["notes"].startswith("Every request made to the city's 311 line")
    assert package["version"] == "2"
    assert package["organization"]["name"] == "city-of-riverton"
    assert package["owner_org"] == organization_id("city-of-riverton")
    assert package["license_id"] == "OGL-Canada-2.0"
    assert "311" in [tag["name"] for tag in package["tags"]]
    files = catalogued_files(conn, 2)
    resources = package["resources"]
    assert [r["format"] for r in resources] == FORMATS
    for resource in resources:
        fmt = resource["url"].rsplit(".", 1)[1]
        assert resource["id"] == resource_id(SLUG, fmt)
        assert resource["url"] == f"{api}/datasets/{SLUG}/latest/data.{fmt}"
        assert (resource["size"], resource["hash"]) == (files[fmt]["bytes"],
                                                         files[fmt]["sha256"])
        assert resource["datastore_active"] is (fmt == "csv")
        assert httpx.get(resource["url"]).status_code == 200


def test_unknown_dataset_raises_not_found(ckan):
    with pytest.raises(ckanapi.NotFound, match="no published dataset 'nope'"):
        ckan.action.package_show(id="nope")
    with pytest.raises(ckanapi.NotFound):
        ckan.action.resource_show(id="00000000-0000-0000-0000-000000000000")
    with pytest.raises(ckanapi.NotFound):
        ckan.action.datastore_search(resource_id="nope")


@pytest.mark.parametrize(("fq", "found"), [
    ("tags:311", True),
    ('tags:"city services"', True),
    ("organization:city-of-riverton", True),
    ("+organization:city-of-riverton +res_format:Parquet", True),
    ("tags:311 -organization:city-of-riverton", False),
    ("tags:no-such-tag", False),
    ("metadata_modified:[2000-01-01T00:00:00Z TO *]", True),
    ("metadata_modified:[* TO 2000-01-01T00:00:00Z]", False),
])
def test_package_search_with_fq(ckan, fq, found):
    result = ckan.action.package_search(fq=fq, rows=1000)
    assert (SLUG in [p["name"] for p in result["results"]]) is found
    assert result["count"] == len(result["results"])


def test_package_search_q_rows_sort_and_facets(ckan):
    result = ckan.action.package_search(q="service requests", rows=1, start=0,
                                        sort="name asc",
                                        **{"facet.field": ["tags", "organization"]})
    assert result["count"] >= 1 and len(result["results"]) == 1
    assert result["facets"]["organization"]["city-of-riverton"] >= 1
    assert result["facets"]["tags"]["311"] >= 1
    items = result["search_facets"]["organization"]["items"]
    assert {"name": "city-of-riverton", "display_name": "City of Riverton",
            "count": result["facets"]["organization"]["city-of-riverton"]} in items
    names = [p["name"] for p in ckan.action.package_search(rows=1000, sort="name desc")[
        "results"]]
    assert names == sorted(names, reverse=True)
    assert ckan.action.package_search(q="no such words anywhere")["count"] == 0
    with pytest.raises(ckanapi.SearchQueryError, match="unknown field 'colour'"):
        ckan.action.package_search(fq="colour:red")


def test_organizations_tags_resources_status(ckan, api):
    assert "city-of-riverton" in ckan.action.organization_list()
    listed = ckan.action.organization_list(all_fields=True)
    riverton = next(o for o in listed if o["name"] == "city-of-riverton")
    assert riverton["package_count"] >= 1 and riverton["title"] == "City of Riverton"
    shown = ckan.action.organization_show(id="city-of-riverton", include_datasets=True)
    assert SLUG in [p["name"] for p in shown["packages"]]
    assert "311" in ckan.action.tag_list()
    assert ckan.action.tag_list(query="zzz") == []
    csv_id = resource_id(SLUG, "csv")
    assert ckan.action.resource_show(id=csv_id)["package_id"] == package_id(SLUG)
    status = ckan.action.status_show()
    assert status["site_url"] == api and "datastore" in status["extensions"]


def test_datastore_search_with_filters(ckan, conn):
    result = ckan.action.datastore_search(resource_id=resource_id(SLUG, "csv"),
                                          filters={"status": "open"})
    expected = _latest_rows(conn, "WHERE status = 'open'")
    assert [r["request_id"] for r in result["records"]] == [r["request_id"] for r in expected]
    assert result["total"] == len(expected) and result["total_was_estimated"] is False
    assert all(r["status"] == "open" for r in result["records"])
    assert all(isinstance(r["_id"], int) for r in result["records"])

    either = ckan.action.datastore_search(resource_id=SLUG,
                                          filters={"status": ["open", "closed"],
                                                   "is_escalated": False})
    expected = _latest_rows(conn, "WHERE status IN ('open', 'closed') AND NOT is_escalated")
    assert [r["request_id"] for r in either["records"]] == [r["request_id"] for r in expected]


def test_datastore_search_q_fields_sort_paging(ckan, conn):
    csv_id = resource_id(SLUG, "csv")
    found = ckan.action.datastore_search(resource_id=csv_id, q="pothole",
                                         fields=["request_id", "request_type"])
    expected = _latest_rows(conn, "WHERE request_type = 'Pothole repair'")
    assert found["records"] == [{"request_id": r["request_id"],
                                 "request_type": r["request_type"]} for r in expected]
    assert [f["id"] for f in found["fields"]] == ["request_id", "request_type"]

    everything = ckan.action.datastore_search(resource_id=csv_id, limit=4, offset=2,
                                              sort="created_at desc")
    ordered = sorted(_latest_rows(conn), key=lambda r: r["created_at"], reverse=True)
    assert [r["request_id"] for r in everything["records"]] == [
        r["request_id"] for r in ordered[2:6]]
    assert everything["limit"] == 4 and everything["total"] == len(ordered)
    assert "offset=6" in everything["_links"]["next"]
    assert everything["_links"]["next"].startswith("/api/action/datastore_search?")

    by_id = ckan.action.datastore_search(resource_id=csv_id,
                                         filters={"_id": everything["records"][0]["_id"]})
    assert by_id["records"] == [everything["records"][0]]

    fields = {f["id"]: f for f in everything["fields"]}
    assert fields["_id"] == {"id": "_id", "type": "int"}
    assert fields["request_id"]["type"] == "text"
    assert fields["request_id"]["info"]["notes"].startswith(
        "Identifier the 311 system gave the request")
    assert fields["created_at"]["type"] == "timestamptz"
    assert fields["response_time_hours"]["type"] == "float8"
    assert ckan.action.datastore_search(resource_id=csv_id, include_total=False,
                                        limit=1).get("total") is None


@pytest.mark.parametrize(("params", "field"), [
    ({"filters": {"colour": "red"}}, "filters"),
    ({"filters": {"created_at": "not a date"}}, "filters"),
    ({"fields": ["nope"]}, "fields"),
    ({"sort": "nope asc"}, "sort"),
    ({"limit": 32001}, "limit"),
    ({"offset": -1}, "offset"),
    ({"records_format": "xml"}, "records_format"),
])
def test_datastore_search_refuses_bad_parameters(ckan, params, field):
    with pytest.raises(ckanapi.ValidationError) as raised:
        ckan.action.datastore_search(resource_id=SLUG, **params)
    assert field in raised.value.error_dict


def test_datastore_search_sql(ckan, conn):
    sql = (f'SELECT status, count(*) AS n FROM "{resource_id(SLUG, "csv")}"'
           " GROUP BY status ORDER BY status")
    result = ckan.action.datastore_search_sql(sql=sql)
    expected = conn.execute(f'SELECT status, count(*) FROM published."{SLUG}__v2"'
                            " GROUP BY status ORDER BY status").fetchall()
    assert [(r["status"], r["n"]) for r in result["records"]] == expected
    assert result["fields"] == [{"id": "status", "type": "text"}, {"id": "n", "type": "int8"}]
    versions = ckan.action.datastore_search_sql(
        sql=f"SELECT (SELECT count(*) FROM {SLUG}__v1) AS one,"
            f" (SELECT count(*) FROM published.{SLUG}) AS latest")
    assert versions["records"] == [{"one": 12, "latest": 9}]


@pytest.mark.parametrize(("sql", "error", "message"), [
    (f"DELETE FROM {SLUG}", ckanapi.ValidationError, "only SELECT"),
    (f"SELECT * FROM {SLUG}; SELECT 1", ckanapi.ValidationError, "exactly one"),
    (f"SELECT * INTO stolen FROM {SLUG}", ckanapi.ValidationError, "SELECT INTO"),
    ("SELECT * FROM pg_user", ckanapi.NotAuthorized, "not a published table"),
    ("SELECT * FROM catalog.versions", ckanapi.NotAuthorized, "not a published table"),
    ("SELECT * FROM review.anything", ckanapi.NotAuthorized, "not a published table"),
    ("WITH pg_user AS (SELECT * FROM pg_user) SELECT * FROM pg_user", ckanapi.NotAuthorized,
     "not a published table"),
    ("SELECT pg_read_file('/etc/passwd')", ckanapi.NotAuthorized, "pg_read_file"),
    (f"SELECT pg_sleep(60) FROM {SLUG}", ckanapi.NotAuthorized, "pg_sleep"),
    (f"SELECT no_such_column FROM {SLUG}", ckanapi.ValidationError, "no_such_column"),
    ("SELEC 1", ckanapi.ValidationError, "cannot be read"),
])
def test_datastore_search_sql_refuses(ckan, sql, error, message):
    with pytest.raises(error, match=message) if error is ckanapi.NotAuthorized else \
            pytest.raises(error) as raised:
        ckan.action.datastore_search_sql(sql=sql)
    if error is ckanapi.ValidationError:
        assert message in str(raised.value.error_dict)


def test_a_slow_query_is_stopped(publication):
    sql = f"SELECT count(*) FROM {SLUG} a, generate_series(1, 100000000) g"
    with running_api(env={"CIVIC_PUBLISHED_DIR": str(publication.published_dir),
                          "CIVIC_CKAN_SQL_TIMEOUT_MS": "300"}) as api, \
            ckanapi.RemoteCKAN(api) as remote:
        started = time.monotonic()
        with pytest.raises(ckanapi.ValidationError) as raised:
            remote.action.datastore_search_sql(sql=sql)
        # stopped, not run out: the join alone takes minutes (the margin is for a loaded CI)
        assert time.monotonic() - started < 20
        assert raised.value.error_dict["query"] == ["Query took too long"]
        # the connection went back to its pool in a usable state
        assert remote.action.datastore_search_sql(
            sql=f"SELECT count(*) AS n FROM {SLUG}")["records"] == [{"n": 9}]


@pytest.mark.parametrize("prefix", ["/api/3/action", "/api/action"])
def test_envelopes_and_status_codes_over_http(api, prefix):
    ok = httpx.get(f"{api}{prefix}/package_search", params={"fq": "tags:311", "rows": "5"})
    assert ok.status_code == 200
    body = ok.json()
    assert body["success"] is True and SLUG in [p["name"] for p in body["result"]["results"]]
    assert body["help"] == f"{api}/api/3/action/help_show?name=package_search"

    missing = httpx.post(f"{api}{prefix}/package_show", json={"id": "nope"})
    assert missing.status_code == 404
    assert missing.json()["success"] is False
    assert missing.json()["error"]["__type"] == "Not Found Error"

    invalid = httpx.get(f"{api}{prefix}/datastore_search",
                        params={"resource_id": SLUG, "limit": "lots"})
    assert invalid.status_code == 409
    assert invalid.json()["error"] == {"__type": "Validation Error",
                                       "limit": ["Invalid integer"],
                                       "message": "limit: Invalid integer"}

    refused = httpx.post(f"{api}{prefix}/datastore_search_sql",
                         json={"sql": "SELECT * FROM pg_user"})
    assert refused.status_code == 403
    assert refused.json()["error"]["__type"] == "Authorization Error"

    bad_json = httpx.post(f"{api}{prefix}/package_show", content=b"{not json",
                          headers={"Content-Type": "application/json"})
    assert bad_json.status_code == 400 and "JSON Error" in bad_json.json()["error"]["message"]
    not_object = httpx.post(f"{api}{prefix}/package_show", json=["id"])
    assert not_object.status_code == 400

    unknown = httpx.post(f"{api}{prefix}/package_create", json={})
    assert unknown.status_code == 400
    assert "Action name not known: package_create" in unknown.json()["error"]["message"]


def test_get_parameters_are_read_like_ckan(api):
    """JSON in query strings (filters), repeated keys as lists, forms on POST."""
    got = httpx.get(f"{api}/api/3/action/datastore_search",
                    params={"resource_id": SLUG, "filters": '{"status": "open"}',
                            "fields": "request_id,status", "limit": "2"}).json()["result"]
    assert [set(r) for r in got["records"]] == [{"request_id", "status"}] * len(got["records"])
    repeated = httpx.get(f"{api}/api/3/action/datastore_search",
                         params=[("resource_id", SLUG), ("fields", "request_id"),
                                 ("fields", "status")]).json()["result"]
    assert [f["id"] for f in repeated["fields"]] == ["request_id", "status"]
    form = httpx.post(f"{api}/api/3/action/package_show", data={"id": SLUG})
    assert form.json()["result"]["name"] == SLUG
    help_text = httpx.get(f"{api}/api/3/action/help_show",
                          params={"name": "datastore_search"}).json()["result"]
    assert "filters" in help_text
