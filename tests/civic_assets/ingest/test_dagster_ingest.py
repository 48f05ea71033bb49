"""Every format and source type through Dagster into PostgreSQL.

Each case builds `raw/<slug>` from a spec written here and materializes it for real
(`dg.materialize`, in process, one Dagster instance for the module): rows land in
raw.<slug>, the materialization carries row count, SHA-256 and a Markdown preview, and
catalog.ingest_log has the attempt. Then the hostile corpus: each bad file fails the run
with a `dg.Failure` naming the file and the problem, and raw.<slug> stays as it was.
"""

from __future__ import annotations

import csv
import json
import re
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import dagster as dg
import pytest
from cryptography.fernet import Fernet

from catalog.database import ConnectionParts
from civic_assets.ingest import store_credential
from civic_assets.ingest.asset import build_raw_asset
from civic_assets.keys import op_name, raw_key
from civic_assets.resources import CivicDatabase
from metadata.specs import DatasetSpec
from tests.civic_assets.ingest.ingest_helpers import (
    CORPUS,
    SHARED,
    JsonApiHandler,
    log_rows,
    raw_rows,
    raw_snapshot,
)
from tests.civic_assets.ingest.test_bad_input import CORPUS_CASES, _bomb

XLSX = SHARED / "oakland-budget/BudgetData_for_Public_Adopted_FY2016-17_Midcycle.xlsx"
LA_311_GLOB = SHARED / "la-311" / "MyLA311_Service_Request_Data_*.csv"
API_RECORDS = [{"id": i, "name": f"item {i}", "score": i * 1.5} for i in range(1, 26)]
API_TOKEN = "tok-" + "dagster-s3cret" * 2


def make_spec(slug: str, source: dict[str, Any]) -> DatasetSpec:
    return DatasetSpec.model_validate({"slug": slug, "title": {"en": f"Test {slug}"},
                                       "owners": ["team:open-data"], "source": source})


@pytest.fixture(scope="module")
def instance() -> Iterator[dg.DagsterInstance]:
    with dg.instance_for_test() as test_instance:
        yield test_instance


def run_raw(spec: DatasetSpec, *, database_url: str, instance: dg.DagsterInstance,
            config: dict[str, Any] | None = None,
            raise_on_error: bool = True) -> dg.ExecuteInProcessResult:
    run_config = ({"ops": {op_name(raw_key(spec.slug)): {"config": config}}} if config
                  else None)
    return dg.materialize([build_raw_asset(spec)],
                          resources={"civic_db": CivicDatabase(url=database_url)},
                          instance=instance, run_config=run_config,
                          raise_on_error=raise_on_error)


def materialization(result: dg.ExecuteInProcessResult, slug: str) -> dict[str, Any]:
    events = result.asset_materializations_for_node(op_name(raw_key(slug)))
    assert len(events) == 1
    return {key: value.value for key, value in events[0].metadata.items()}


def assert_loaded(result: dg.ExecuteInProcessResult, spec: DatasetSpec, database_url: str,
                  *, count: int, column: str, status: str = "loaded") -> dict[str, Any]:
    """Rows in raw.<slug>, materialization metadata and the ingest log all agree."""
    assert result.success
    metadata = materialization(result, spec.slug)
    assert metadata["dagster/row_count"] == count
    assert metadata["status"] == status
    assert re.fullmatch(r"[0-9a-f]{64}", metadata["sha256"])
    preview = metadata["preview"]
    assert preview.startswith("|") and f" {column} " in preview.splitlines()[0]
    assert len(preview.splitlines()) == 2 + min(count, 20)  # header, rule, up to 20 rows
    assert f"| {column} |" in metadata["columns"]
    assert len(raw_rows(database_url, spec.slug)) == count
    entry = log_rows(database_url, spec.slug)[-1]
    assert entry["status"] == status and entry["record_count"] == count
    assert entry["sha256"] == metadata["sha256"] and entry["error"] is None
    return metadata


def csv_record_count(path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


# ------------------------------------------------------------------ formats, file sources

FORMAT_CASES = [
    pytest.param("t_csv", {"type": "file", "format": "csv", "path": str(CORPUS / "good.csv")},
                 3, "zip_code", id="csv"),
    pytest.param("t_csv_glob", {"type": "file", "path": str(LA_311_GLOB)},
                 None, "sr_number", id="csv-glob"),
    pytest.param("t_xlsx", {"type": "file", "path": str(XLSX),
                            "options": {"sheet": "Budget Data FY16-17 Public"}},
                 11231, "amt", id="xlsx"),
    pytest.param("t_json", {"type": "file", "path": str(CORPUS / "records.json")},
                 2, "tags", id="json-array"),
    pytest.param("t_json_path", {"type": "file", "format": "json",
                                 "path": str(CORPUS / "nested.json"),
                                 "options": {"records_path": "data.items"}},
                 2, "v", id="json-records-path"),
    pytest.param("t_jsonl", {"type": "file", "path": str(CORPUS / "records.jsonl")},
                 2, "late", id="json-lines"),
    pytest.param("t_xml", {"type": "file", "path": str(CORPUS / "rows.xml"),
                           "options": {"record_element": "rows/row"}},
                 2, "address_city", id="xml"),
    pytest.param("t_geojson", {"type": "file", "path": str(
        SHARED / "la-311/la-city-council-districts-2012.geojson")},
                 15, "geometry", id="geojson"),
    pytest.param("t_shapefile", {"type": "file", "format": "shapefile", "path": str(
        SHARED / "la-311/Neighborhood_Councils_Certified_shp.zip")},
                 99, "nc_id", id="zipped-shapefile"),
]


@pytest.mark.parametrize(("slug", "source", "count", "column"), FORMAT_CASES)
def test_file_format_through_dagster(database_url, instance, slug, source, count, column):
    if count is None:  # the glob: count the newest matching file's records independently
        count = csv_record_count(max(LA_311_GLOB.parent.glob(LA_311_GLOB.name)))
    spec = make_spec(slug, source)
    result = run_raw(spec, database_url=database_url, instance=instance)
    assert_loaded(result, spec, database_url, count=count, column=column)
    if source.get("format") == "shapefile" or source["path"].endswith(".geojson"):
        assert raw_rows(database_url, slug)[0][-1].startswith(("POLYGON", "MULTIPOLYGON"))


def test_unchanged_file_is_reported_not_reloaded(database_url, instance):
    spec = make_spec("t_unchanged", {"type": "file", "path": str(CORPUS / "good.csv")})
    first = assert_loaded(run_raw(spec, database_url=database_url, instance=instance),
                          spec, database_url, count=3, column="name")
    again = assert_loaded(run_raw(spec, database_url=database_url, instance=instance),
                          spec, database_url, count=3, column="name", status="unchanged")
    assert again["sha256"] == first["sha256"]
    forced = run_raw(spec, database_url=database_url, instance=instance,
                     config={"force": True})
    assert materialization(forced, spec.slug)["status"] == "loaded"


def test_file_drop_source_and_sensor_path_through_dagster(database_url, instance, tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "older.csv").write_text("id,name\n1,a\n")
    (drop / "ignored.txt").write_text("not a csv")
    spec = make_spec("t_file_drop", {"type": "file_drop", "format": "csv", "path": str(drop),
                                     "options": {"pattern": "*.csv"}})
    # a hand-started or scheduled run takes the newest matching file in the folder
    assert_loaded(run_raw(spec, database_url=database_url, instance=instance),
                  spec, database_url, count=1, column="name")
    # the sensor hands one file over in run config
    handed = drop / "handed_over.csv"
    handed.write_text("id,name\n1,a\n2,b\n3,c\n")
    result = run_raw(spec, database_url=database_url, instance=instance,
                     config={"path": str(handed)})
    assert_loaded(result, spec, database_url, count=3, column="name")
    assert str(handed) in log_rows(database_url, spec.slug)[-1]["source"]


# ------------------------------------------------------------------ SQL and REST sources


@pytest.fixture(scope="module")
def secret_key() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CIVIC_SECRET_KEY", Fernet.generate_key().decode())
        yield


def test_sql_source_through_dagster(database_url, instance, conn, secret_key):
    conn.execute("DROP TABLE IF EXISTS public.t_sql_inspections")
    conn.execute("CREATE TABLE public.t_sql_inspections (id int, inspected date, score numeric)")
    conn.execute("INSERT INTO public.t_sql_inspections SELECT g, date '2024-01-01' + g, g / 4.0 "
                 "FROM generate_series(1, 1500) g")
    url = ConnectionParts.from_url(database_url).url(driver="postgresql+psycopg")
    store_credential(conn, "t_sql_inspections_db", url)
    stored = conn.execute("SELECT ciphertext FROM catalog.credentials WHERE name = %s",
                          ("t_sql_inspections_db",)).fetchone()[0]
    assert url.encode() not in bytes(stored)  # encrypted at rest
    spec = make_spec("t_sql", {
        "type": "sql", "query": "SELECT * FROM public.t_sql_inspections ORDER BY id",
        "credential": "t_sql_inspections_db", "options": {"chunk_rows": 400}})
    result = run_raw(spec, database_url=database_url, instance=instance)
    assert_loaded(result, spec, database_url, count=1500, column="inspected")
    assert min(raw_rows(database_url, "t_sql"), key=lambda r: int(r[0])) == (
        "1", "2024-01-02", "0.25000000000000000000")


class _PagedApi(JsonApiHandler):
    """A JSON API behind a bearer token: next-link pages and limit/offset pages."""

    def do_GET(self):
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if self.headers.get("Authorization") != f"Bearer {API_TOKEN}":
            return self._send({"error": "unauthorized"}, status=401)
        if parts.path == "/next":
            page = int(query.get("page", 1))
            more = page * 10 < len(API_RECORDS)
            return self._send({"data": API_RECORDS[(page - 1) * 10: page * 10],
                               "links": {"next": f"/next?page={page + 1}" if more else None}})
        if parts.path == "/offset":
            limit, offset = int(query["limit"]), int(query["offset"])
            return self._send({"results": API_RECORDS[offset: offset + limit]})
        return self._send({"error": "not found"}, status=404)


@pytest.fixture(scope="module")
def api_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _PagedApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("slug", "path", "pagination", "options"), [
    ("t_rest_next", "/next", {"style": "next", "next_field": "links.next"},
     {"records_path": "data"}),
    ("t_rest_offset", "/offset", {"style": "offset", "page_size": 10},
     {"records_path": "results"}),
], ids=["next-link", "offset"])
def test_rest_source_through_dagster(database_url, instance, conn, secret_key, api_url,
                                     slug, path, pagination, options):
    store_credential(conn, "t_api_token", API_TOKEN)
    spec = make_spec(slug, {"type": "rest", "url": api_url + path, "credential": "t_api_token",
                            "pagination": pagination, "options": options})
    result = run_raw(spec, database_url=database_url, instance=instance)
    metadata = assert_loaded(result, spec, database_url, count=25, column="score")
    assert max(raw_rows(database_url, slug), key=lambda r: int(r[0])) == (
        "25", "item 25", "37.5")
    entry = log_rows(database_url, slug)[-1]
    assert entry["details"]["pages"] == 3
    assert API_TOKEN not in json.dumps(entry, default=str) + json.dumps(metadata, default=str)


# ------------------------------------------------------------------ hostile input

VICTIM = "t_victim"


@pytest.fixture(scope="module")
def victim_snapshot(database_url, instance):
    spec = make_spec(VICTIM, {"type": "file", "path": str(CORPUS / "good.csv")})
    run_raw(spec, database_url=database_url, instance=instance, config={"force": True})
    snapshot = raw_snapshot(database_url, VICTIM)
    assert snapshot is not None and snapshot[1] == 3
    return snapshot


def step_failure(result: dg.ExecuteInProcessResult) -> dg.Failure:
    """The `dg.Failure` the raw asset raised, as the run recorded it."""
    failures = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert len(failures) == 1
    data = failures[0].event_specific_data
    assert data.error.cls_name == "Failure"  # a clear Failure, not a stray exception
    assert data.user_failure_data is not None
    return dg.Failure(description=data.user_failure_data.description,
                      metadata=data.user_failure_data.metadata)


def assert_run_refused(database_url, instance, snapshot, path: Path, pattern: str,
                       options: dict[str, Any] | None = None) -> None:
    spec = make_spec(VICTIM, {"type": "file", "path": str(path), "options": options or {}})
    failed_before = sum(r["status"] == "failed" for r in log_rows(database_url, VICTIM))
    result = run_raw(spec, database_url=database_url, instance=instance,
                     config={"force": True}, raise_on_error=False)
    assert not result.success
    failure = step_failure(result)
    assert str(path) in failure.description
    assert re.search(pattern, failure.description), failure.description
    assert failure.metadata["source"].value == str(path)
    assert raw_snapshot(database_url, VICTIM) == snapshot
    failed = [r for r in log_rows(database_url, VICTIM) if r["status"] == "failed"]
    assert len(failed) == failed_before + 1 and failed[-1]["error"] == failure.description


@pytest.mark.parametrize(("name", "options", "pattern"), CORPUS_CASES,
                         ids=[case[0] for case in CORPUS_CASES])
def test_hostile_corpus_fails_the_run_and_keeps_raw(database_url, instance, victim_snapshot,
                                                    name, options, pattern):
    assert_run_refused(database_url, instance, victim_snapshot, CORPUS / name, pattern,
                       options)


def test_zip_bomb_fails_the_run_and_keeps_raw(database_url, instance, victim_snapshot,
                                              tmp_path):
    bomb = tmp_path / "bomb.zip"
    _bomb(bomb)
    assert_run_refused(database_url, instance, victim_snapshot, bomb, r"possible zip bomb")


def test_unreachable_api_fails_the_run_with_the_page(database_url, instance, conn,
                                                     secret_key, api_url):
    store_credential(conn, "t_wrong_token", "not-the-token")
    spec = make_spec("t_rest_denied", {"type": "rest", "url": api_url + "/next",
                                       "credential": "t_wrong_token"})
    result = run_raw(spec, database_url=database_url, instance=instance, raise_on_error=False)
    failure = step_failure(result)
    assert "HTTP 401 from the API (page 1)" in failure.description
    assert "not-the-token" not in failure.description
    assert raw_snapshot(database_url, "t_rest_denied") is None
