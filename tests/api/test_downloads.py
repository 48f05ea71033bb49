"""Published files over HTTP: every format, byte for byte what the catalogue records;
Data Packages that frictionless validates on disk and over HTTP; and publications that
fail leaving nothing behind."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import time
from datetime import UTC, datetime
from xml.etree import ElementTree

import frictionless
import httpx
import openpyxl
import psycopg
import pytest

from api.portal.usage import FLUSH_SECONDS
from catalog.approvals import ApprovalError
from civic_assets.publish import files as exports
from civic_assets.publish import publication as publishing
from civic_assets.publish.files import write_version_files
from civic_assets.publish.publication import publish_candidate
from tests.api.published_data import (
    DEMO_BBOX,
    SLUG,
    approved_candidate,
    catalogued_files,
    request_id,
    requests_frame,
)

V1_FORMATS = ["csv", "json", "xml", "geojson", "xlsx", "parquet"]
V2_FORMATS = ["csv", "json", "xml", "xlsx", "parquet"]


def _latest_version(conn: psycopg.Connection) -> int:
    return conn.execute("SELECT max(version) FROM catalog.versions WHERE slug = %s",
                        (SLUG,)).fetchone()[0]


def _folder_listing(publication) -> list[str]:
    return sorted(str(p.relative_to(publication.published_dir))
                  for p in publication.published_dir.rglob("*"))


@pytest.mark.parametrize(("version", "fmt"), [(1, f) for f in V1_FORMATS]
                         + [(2, f) for f in V2_FORMATS])
def test_every_format_downloads_as_catalogued(api, publication, conn, version, fmt):
    record = catalogued_files(conn, version)[fmt]
    assert record["path"] == f"{SLUG}/v{version}/data.{fmt}"
    on_disk = (publication.published_dir / record["path"]).read_bytes()

    response = httpx.get(f"{api}/datasets/{SLUG}/versions/{version}/data.{fmt}")
    assert response.status_code == 200, response.text
    assert response.content == on_disk
    assert len(response.content) == record["bytes"]
    assert hashlib.sha256(response.content).hexdigest() == record["sha256"]
    assert response.headers["etag"] == f'"{record["sha256"]}"'
    assert response.headers["content-type"].split(";")[0] == record["media_type"]
    assert response.headers["content-disposition"] == (
        f'attachment; filename="{SLUG}-v{version}.{fmt}"')
    assert "immutable" in response.headers["cache-control"]


@pytest.mark.parametrize("fmt", V2_FORMATS)
def test_latest_serves_the_newest_version(api, conn, fmt):
    record = catalogued_files(conn, 2)[fmt]
    response = httpx.get(f"{api}/datasets/{SLUG}/latest/data.{fmt}")
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == record["sha256"]
    assert response.headers["content-disposition"].endswith(f'filename="{SLUG}-v2.{fmt}"')
    assert response.headers["cache-control"] == "no-cache"


def test_if_none_match_revalidates_without_a_body(api, conn):
    etag = f'"{catalogued_files(conn, 1)["csv"]["sha256"]}"'
    response = httpx.get(f"{api}/datasets/{SLUG}/versions/1/data.csv",
                         headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.content == b""


def test_file_contents_hold_every_record(api, publication):
    frame = publication.frames[0]
    base = f"{api}/datasets/{SLUG}/versions/1"

    rows = list(csv.DictReader(io.StringIO(httpx.get(f"{base}/data.csv").text)))
    assert [r["request_id"] for r in rows] == list(frame["request_id"])
    assert rows[0]["details"] == 'two lines\nof text, é, 漢字'
    assert rows[0]["created_at"] == "2026-03-01T08:00:00+00:00"
    assert {r["is_escalated"] for r in rows} == {"true", "false"}

    records = httpx.get(f"{base}/data.json").json()
    assert len(records) == len(frame) and records[0]["request_id"] == request_id(1)
    assert records[0]["is_escalated"] is False and records[3]["is_escalated"] is True
    assert records[4]["response_time_hours"] is None

    root = ElementTree.fromstring(httpx.get(f"{base}/data.xml").content)
    assert root.tag == "records" and len(root) == len(frame)
    assert root[2].findtext("details") == 'Pole "A-12", near <Main> & Elm'
    assert root[4].find("response_time_hours") is None  # a null is an absent element
    # XML 1.0 cannot carry a bell at all; a carriage return survives as &#13;
    assert root[4].findtext("details") == "tab\there, bell and\r\nCRLF"

    collection = httpx.get(f"{base}/data.geojson").json()
    assert collection["type"] == "FeatureCollection"
    first = collection["features"][0]
    assert first["geometry"] == {"type": "Point", "coordinates": [
        frame["longitude"][0], frame["latitude"][0]]}
    assert "latitude" not in first["properties"]
    assert first["properties"]["request_id"] == request_id(1)

    sheet = openpyxl.load_workbook(io.BytesIO(httpx.get(f"{base}/data.xlsx").content)).active
    table = list(sheet.values)
    assert list(table[0]) == list(frame.columns) and len(table) == len(frame) + 1
    header = list(table[0])
    first_row = dict(zip(header, table[1], strict=True))
    assert first_row["request_id"] == request_id(1)
    # real spreadsheet types: dates are dates (UTC wall time), numbers are numbers
    assert first_row["created_at"] == frame["created_at"][0].tz_convert(None).to_pydatetime()
    fifth = dict(zip(header, table[5], strict=True))
    assert fifth["response_time_hours"] is None  # a null is an empty cell
    assert isinstance(dict(zip(header, table[2], strict=True))["response_time_hours"], float)


def _downloads_counted(conn: psycopg.Connection, fmt: str) -> int:
    """Downloads of the dataset's `fmt` file in the usage log, once the API's usage
    recorder wrote what it had queued (it writes every FLUSH_SECONDS)."""
    time.sleep(2 * FLUSH_SECONDS + 0.5)
    return conn.execute("SELECT count(*) FROM catalog.usage_log WHERE kind = 'download'"
                        " AND slug = %s AND format = %s AND endpoint = %s",
                        (SLUG, fmt, f"data.{fmt}")).fetchone()[0]


def test_downloads_are_counted_with_their_format(api, conn):
    before = _downloads_counted(conn, "xml")
    httpx.get(f"{api}/datasets/{SLUG}/latest/data.xml").raise_for_status()
    assert _downloads_counted(conn, "xml") == before + 1


@pytest.mark.parametrize(("path", "message"), [
    ("/datasets/nope/latest/data.csv", "no published dataset named 'nope'"),
    (f"/datasets/{SLUG}/versions/9/data.csv", "has no published version 9"),
    (f"/datasets/{SLUG}/latest/data.pdf", "no download format 'pdf'"),
    (f"/datasets/{SLUG}/versions/2/data.geojson", ("geojson is not published for dataset "
                                                   f"'{SLUG}' version 2: the data has no "
                                                   "coordinates")),
    (f"/datasets/{SLUG}/versions/9/datapackage.json", "has no published version 9"),
    ("/datasets/nope/latest/datapackage.json", "no published dataset named 'nope'"),
])
def test_unknown_things_are_404_with_a_reason(api, path, message):
    response = httpx.get(f"{api}{path}")
    assert response.status_code == 404
    assert message in response.json()["detail"]


def test_only_files_inside_the_published_dir_are_served(api, conn, tmp_path):
    outside = tmp_path / "secret.csv"
    outside.write_text("not published\n")
    files = catalogued_files(conn, 1)
    tampered = {**files, "csv": {**files["csv"], "path": f"../../{outside}"},
                "xml": {**files["xml"], "path": str(outside)}}
    conn.execute("UPDATE catalog.versions SET files = %s WHERE slug = %s AND version = 1",
                 (json.dumps(tampered), SLUG))
    try:
        for fmt in ("csv", "xml"):
            response = httpx.get(f"{api}/datasets/{SLUG}/versions/1/data.{fmt}")
            assert response.status_code == 404
            assert "not available" in response.json()["detail"]
    finally:
        conn.execute("UPDATE catalog.versions SET files = %s WHERE slug = %s AND version = 1",
                     (json.dumps(files), SLUG))


@pytest.mark.parametrize("version", [1, 2])
def test_datapackage_on_disk_validates(publication, version):
    folder = publication.published_dir / SLUG / f"v{version}"
    package = json.loads((folder / "datapackage.json").read_text())
    assert package["resources"][0]["path"] == "data.csv"
    # frictionless refuses absolute paths as unsafe: the folder is the basepath
    report = frictionless.validate("datapackage.json", basepath=str(folder))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "message"])


@pytest.mark.parametrize("where", ["versions/1", "latest"])
def test_datapackage_over_http_validates(api, conn, where):
    url = f"{api}/datasets/{SLUG}/{where}/datapackage.json"
    package = httpx.get(url).json()
    version = 1 if where == "versions/1" else 2
    resource = package["resources"][0]
    assert resource["path"] == f"{api}/datasets/{SLUG}/versions/{version}/data.csv"
    assert resource["hash"] == f"sha256:{catalogued_files(conn, version)['csv']['sha256']}"
    report = frictionless.validate(url)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "message"])


def test_bbox_from_coordinates_else_from_the_boundaries(publication, conn):
    v1, v2 = publication.versions
    frame = publication.frames[0]
    assert v1.bbox == [frame["longitude"].min(), frame["latitude"].min(),
                       frame["longitude"].max(), frame["latitude"].max()]
    assert v2.bbox == pytest.approx(DEMO_BBOX)
    stored = dict(conn.execute("SELECT version, dcat FROM catalog.versions WHERE slug = %s",
                               (SLUG,)).fetchall())
    assert stored[1]["bbox"] == v1.bbox and stored[2]["bbox"] == v2.bbox
    assert "geojson" in stored[2]["skipped_formats"]


def test_no_staging_folder_is_left(publication):
    assert _folder_listing(publication) == sorted(
        [SLUG] + [f"{SLUG}/v{n}" for n in (1, 2)]
        + [f"{SLUG}/v1/data.{f}" for f in V1_FORMATS]
        + [f"{SLUG}/v2/data.{f}" for f in V2_FORMATS]
        + [f"{SLUG}/v{n}/datapackage.json" for n in (1, 2)])


def test_xlsx_is_skipped_beyond_excel_rows(publication, conn, monkeypatch, tmp_path):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 5)
    with conn.transaction():
        written = write_version_files(
            conn, publication.spec, table=f"{SLUG}__v1", version=1, row_count=12,
            columns=[{"name": c, "type": "text"} for c in publication.frames[0].columns],
            dictionary=None, published_at=datetime(2026, 1, 1, tzinfo=UTC),
            folder=tmp_path / "out")
    assert "xlsx" not in written.files and not (tmp_path / "out" / "data.xlsx").exists()
    assert "more than an Excel sheet holds" in written.skipped["xlsx"]


def test_unapproved_candidate_publishes_nothing(api, publication, conn):
    before = _folder_listing(publication)
    candidate_id = approved_candidate(conn, publication.spec,
                                      requests_frame(201, 6, coordinates=True),
                                      table="api_test_unapproved", approve=False)
    with pytest.raises(ApprovalError, match="not approved"):
        publish_candidate(conn, publication.spec, candidate_id,
                          published_dir=publication.published_dir)
    assert _folder_listing(publication) == before
    assert _latest_version(conn) == 2


def test_failure_after_the_files_were_written_leaves_nothing(api, publication, conn,
                                                             monkeypatch):
    before = _folder_listing(publication)
    candidate_id = approved_candidate(conn, publication.spec,
                                      requests_frame(301, 6, coordinates=True),
                                      table="api_test_failing")

    def failing_record_version(*args, **kwargs):
        raise RuntimeError("catalogue unavailable")

    monkeypatch.setattr(publishing, "record_version", failing_record_version)
    with pytest.raises(RuntimeError, match="catalogue unavailable"):
        publish_candidate(conn, publication.spec, candidate_id,
                          published_dir=publication.published_dir)
    assert _folder_listing(publication) == before
    assert _latest_version(conn) == 2
    assert conn.execute("SELECT to_regclass(%s)", (f"published.{SLUG}__v3",)).fetchone()[0] \
        is None
    response = httpx.get(f"{api}/datasets/{SLUG}/latest/data.csv")
    assert response.headers["content-disposition"].endswith(f'filename="{SLUG}-v2.csv"')


def _csv_v1(publication) -> bytes:
    return (publication.published_dir / SLUG / "v1" / "data.csv").read_bytes()


@pytest.mark.parametrize(("header", "first", "last"), [
    ("bytes=0-99", 0, 99),
    ("bytes=100-", 100, None),
    ("bytes=-50", -50, None),
    ("bytes=10-10", 10, 10),
    ("bytes=0-999999999", 0, None),  # a last byte past the end means the end
])
def test_one_byte_range_is_206_with_its_content_range(api, publication, header, first, last):
    whole = _csv_v1(publication)
    start = first if first >= 0 else len(whole) + first
    end = len(whole) - 1 if last is None else last
    response = httpx.get(f"{api}/datasets/{SLUG}/versions/1/data.csv", headers={"Range": header})
    assert response.status_code == 206
    assert response.content == whole[start:end + 1]
    assert response.headers["content-range"] == f"bytes {start}-{end}/{len(whole)}"
    assert response.headers["accept-ranges"] == "bytes"
    assert response.headers["etag"].strip('"') == hashlib.sha256(whole).hexdigest()


def test_a_range_past_the_end_is_416(api, publication):
    size = len(_csv_v1(publication))
    response = httpx.get(f"{api}/datasets/{SLUG}/versions/1/data.csv",
                         headers={"Range": f"bytes={size}-"})
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{size}"


@pytest.mark.parametrize("header", [
    "bytes=0-9,20-29",  # several ranges: we may, and do, send the whole file
    "bytes=9-0",  # last before first: not a range at all
    "lines=0-9",
    "bytes=abc",
    "bytes=-",
])
def test_other_range_headers_get_the_whole_file(api, publication, header):
    response = httpx.get(f"{api}/datasets/{SLUG}/versions/1/data.csv", headers={"Range": header})
    assert response.status_code == 200
    assert response.content == _csv_v1(publication)
    assert "content-range" not in response.headers


def test_if_range_with_another_etag_gets_the_whole_file(api, publication):
    url = f"{api}/datasets/{SLUG}/versions/1/data.csv"
    resumed = httpx.get(url, headers={"Range": "bytes=5-", "If-Range": '"other"'})
    assert resumed.status_code == 200 and resumed.content == _csv_v1(publication)
    etag = resumed.headers["etag"]
    same = httpx.get(url, headers={"Range": "bytes=5-", "If-Range": etag})
    assert same.status_code == 206 and same.content == _csv_v1(publication)[5:]


@pytest.mark.parametrize("tag", ['W/"{sha}"', '"nope", "{sha}"', "*"])
def test_if_none_match_by_weak_comparison_and_lists(api, conn, tag):
    sha = catalogued_files(conn, 1)["parquet"]["sha256"]
    response = httpx.get(f"{api}/datasets/{SLUG}/versions/1/data.parquet",
                         headers={"If-None-Match": tag.format(sha=sha), "Range": "bytes=0-1"})
    assert response.status_code == 304 and response.content == b""
    assert response.headers["etag"] == f'"{sha}"'


def test_head_answers_the_headers_without_the_body(api, publication):
    response = httpx.head(f"{api}/datasets/{SLUG}/versions/1/data.csv")
    assert response.status_code == 200 and response.content == b""
    assert int(response.headers["content-length"]) == len(_csv_v1(publication))
    assert response.headers["accept-ranges"] == "bytes"


def test_a_resumed_download_is_counted_once(api, conn):
    before = _downloads_counted(conn, "json")
    url = f"{api}/datasets/{SLUG}/versions/1/data.json"
    for header in ("bytes=0-99", "bytes=100-199", "bytes=200-"):
        assert httpx.get(url, headers={"Range": header}).status_code == 206
    # nor are a HEAD and a revalidation of the copy the client has (304)
    etag = httpx.head(url).headers["etag"]
    assert httpx.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert _downloads_counted(conn, "json") == before + 1
