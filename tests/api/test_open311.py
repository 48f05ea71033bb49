"""Open311 GeoReport v2 over the published Los Angeles 311 requests, in JSON and XML, read as
the API's read-only role, checked against the source file."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api.main import create_app

pytestmark = pytest.mark.slow

LA_CSV = "la-311/MyLA311_Service_Request_Data_2017_Subset.csv"


@pytest.fixture(scope="module")
def client(city_published):
    with TestClient(create_app()) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def source(shared_data) -> pd.DataFrame:
    frame = pd.read_csv(shared_data / LA_CSV, dtype=str)
    frame["created"] = pd.to_datetime(frame["CreatedDate"], format="%m/%d/%Y %I:%M:%S %p")
    return frame


def test_discovery_names_the_endpoint_and_formats(client):
    body = client.get("/open311/v2/discovery.json").json()
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert set(endpoint["formats"]) == {"application/json", "text/xml"}


def test_services_in_json_and_xml(client, source):
    services = client.get("/open311/v2/services.json").json()
    codes = {s["service_code"]: s for s in services}
    assert len(codes) == source["RequestType"].nunique() == 12
    assert codes["bulky_items"]["service_name"] == "Bulky Items"
    assert codes["bulky_items"]["group"] == "BOS" and codes["bulky_items"]["metadata"] is False
    response = client.get("/open311/v2/services.xml")
    assert response.headers["content-type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "services"
    assert {s.findtext("service_code") for s in root.findall("service")} == set(codes)


def test_requests_filtered_by_service_status_and_dates(client, source):
    requests, page = [], 1
    while True:  # every page of the day, 500 at a time
        batch = client.get("/open311/v2/requests.json", params={
            "service_code": "graffiti_removal,dead_animal_removal", "status": "closed",
            "start_date": "2017-12-28T00:00:00-08:00", "end_date": "2017-12-28T23:59:59-08:00",
            "page": page, "page_size": 500}).json()
        requests += batch
        if len(batch) < 500:
            break
        page += 1
    day = source[(source["created"] >= "2017-12-28") & (source["created"] < "2017-12-29")
                 & source["RequestType"].isin(["Graffiti Removal", "Dead Animal Removal"])]
    # Open311's "closed" is every request no longer open: closed, cancelled, referred out
    expected = day[day["Status"] != "Open"]
    assert len(requests) == len(expected) > 0
    assert {r["service_code"] for r in requests} == {"graffiti_removal", "dead_animal_removal"}
    assert all(r["status"] == "closed" for r in requests)
    assert all(r["requested_datetime"].startswith("2017-12-28T") for r in requests)
    assert all(r["requested_datetime"].endswith("-08:00") for r in requests)
    times = [r["requested_datetime"] for r in requests]
    assert times == sorted(times, reverse=True)  # newest first
    assert len({r["service_request_id"] for r in requests}) == len(requests)


def test_positions_are_only_as_precise_as_the_published_data(client):
    request = client.get("/open311/v2/requests/1-870704831.json").json()[0]
    assert request["lat"] is None and request["long"] is None
    # the boundaries name council 44 "ECHO PARK NC" (the request file: "GREATER ECHO PARK
    # ELYSIAN NC"); the published name is the boundaries'
    assert request["address"].startswith("ECHO PARK NC (area of the request")
    assert request["service_name"] == "Homeless Encampment"
    assert request["requested_datetime"] == "2017-12-31T23:59:58-08:00"
    assert request["agency_responsible"] == "BOS" and request["status"] == "closed"


def test_paging_and_xml_requests(client, source):
    first = client.get("/open311/v2/requests.json", params={"page_size": 100}).json()
    second = client.get("/open311/v2/requests.json", params={"page_size": 100, "page": 2}).json()
    assert len(first) == len(second) == 100
    assert not {r["service_request_id"] for r in first} & {r["service_request_id"]
                                                            for r in second}
    assert len(client.get("/open311/v2/requests.json").json()) == 1000  # GeoReport's cap
    response = client.get("/open311/v2/requests.xml", params={"status": "open"})
    root = ET.fromstring(response.content)
    assert root.tag == "service_requests"
    opened = root.findall("request")
    assert len(opened) == (source["Status"] == "Open").sum() == 5
    assert {r.findtext("status") for r in opened} == {"open"}
    one = ET.fromstring(client.get("/open311/v2/requests/1-870704831.xml").content)
    assert one.find("request").findtext("service_code") == "homeless_encampment"


def test_errors_are_georeport_error_documents(client):
    missing = client.get("/open311/v2/requests/no-such-request.json")
    assert missing.status_code == 404
    assert missing.json()[0]["code"] == 404
    bad = client.get("/open311/v2/requests.xml", params={"status": "pending"})
    assert bad.status_code == 400
    assert ET.fromstring(bad.content).find("error").findtext("code") == "400"
    bad_date = client.get("/open311/v2/requests.json", params={"start_date": "yesterday"})
    assert bad_date.status_code == 400 and "W3C" in bad_date.json()[0]["description"]
    assert client.get("/open311/v2/services.csv").status_code == 404
