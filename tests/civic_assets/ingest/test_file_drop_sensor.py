"""The file-drop sensor: each new file is requested once, the cursor survives a restart, and
the requested run loads the file. The slow test drops files into a folder watched by a
real `dagster dev` (webserver + daemon): a good file is loaded, a broken one fails its run
while the daemon and webserver stay up and raw.<slug> stays as it was."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import httpx
import psycopg
import pytest
import yaml

from catalog.database import PROJECT_ROOT, ConnectionParts, ensure_database, libpq_url
from civic_assets.ingest import IngestError
from civic_assets.ingest.asset import build_raw_asset
from civic_assets.ingest.sensor import build_file_drop_sensor
from civic_assets.keys import op_name, raw_key
from civic_assets.resources import CivicDatabase
from civic_assets.settings import dbt_environment
from metadata.specs import DatasetSpec
from tests.civic_assets.ingest.ingest_helpers import CORPUS, log_rows, raw_snapshot
from tests.helpers import free_port

AN_HOUR_AGO = time.time() - 3600  # the sensor leaves files younger than 2 s for later


def drop_spec(slug: str, folder: Path) -> dict[str, Any]:
    return {"slug": slug, "title": {"en": f"Test {slug}"}, "owners": ["team:open-data"],
            "source": {"type": "file_drop", "format": "csv", "path": str(folder),
                       "options": {"pattern": "*.csv"}},
            "dbt": None, "anonymization": {}}


def write_file(path: Path, text: str, *, mtime: float = AN_HOUR_AGO) -> Path:
    path.write_text(text)
    os.utime(path, (mtime, mtime))
    return path


def tick(sensor: dg.SensorDefinition, instance: dg.DagsterInstance,
         cursor: str | None) -> tuple[list[dg.RunRequest], str | None]:
    """One sensor evaluation in a fresh context (as after a daemon restart)."""
    context = dg.build_sensor_context(
        instance=instance, cursor=cursor,
        resources={"civic_db": CivicDatabase(url=os.environ["CIVIC_DATABASE_URL"])})
    data = sensor.evaluate_tick(context)
    return list(data.run_requests or []), data.cursor


def requested_paths(requests: list[dg.RunRequest], slug: str = "t_drop") -> list[str]:
    return [r.run_config["ops"][op_name(raw_key(slug))]["config"]["path"] for r in requests]


def test_each_new_file_is_requested_once_across_restarts(database_url, tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    spec = DatasetSpec.model_validate(drop_spec("t_drop", drop))
    sensor = build_file_drop_sensor(spec)
    with dg.instance_for_test() as instance:
        requests, cursor = tick(sensor, instance, None)
        assert requests == [] and cursor is not None

        first = write_file(drop / "2024-01-01.csv", "id,name\n1,a\n2,b\n")
        write_file(drop / "notes.txt", "not matching the pattern")
        requests, cursor = tick(sensor, instance, cursor)
        assert requested_paths(requests) == [str(first)]
        assert requests[0].tags["civic/file"] == "2024-01-01.csv"
        run_request = requests[0]

        requests, cursor = tick(sensor, instance, cursor)  # the same file, next tick
        assert requests == []
        restarted_cursor = str(cursor)  # what Dagster's storage keeps across a restart
        requests, cursor = tick(sensor, instance, restarted_cursor)
        assert requests == []

        still_writing = write_file(drop / "partial.csv", "id,name\n", mtime=time.time())
        second = write_file(drop / "2024-01-02.csv", "id,name\n3,c\n")
        requests, cursor = tick(sensor, instance, cursor)
        assert requested_paths(requests) == [str(second)]  # partial.csv is too young yet

        os.utime(still_writing, (AN_HOUR_AGO + 10, AN_HOUR_AGO + 10))
        requests, cursor = tick(sensor, instance, cursor)
        assert requested_paths(requests) == [str(still_writing)]

        write_file(first, "id,name\n1,a\n2,b\n9,replaced\n", mtime=AN_HOUR_AGO + 20)
        requests, cursor = tick(sensor, instance, cursor)
        assert requested_paths(requests) == [str(first)]
        assert requests[0].run_key != run_request.run_key  # a new run, not deduplicated

        # the first request's run config is exactly what the raw asset takes
        result = dg.materialize([build_raw_asset(spec)],
                                resources={"civic_db": CivicDatabase(url=database_url)},
                                instance=instance, run_config=requests[0].run_config,
                                tags=requests[0].tags)
        assert result.success
    snapshot = raw_snapshot(database_url, "t_drop")
    assert snapshot is not None and snapshot[1] == 3
    entry = log_rows(database_url, "t_drop")[-1]
    assert entry["status"] == "loaded" and str(first) in entry["source"]


def test_a_file_raw_already_holds_is_not_requested_again(database_url, tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    spec = DatasetSpec.model_validate(drop_spec("t_drop_same", drop))
    sensor = build_file_drop_sensor(spec)
    with dg.instance_for_test() as instance:
        first = write_file(drop / "export.csv", "id,name\n1,a\n")
        requests, cursor = tick(sensor, instance, None)
        result = dg.materialize([build_raw_asset(spec)],
                                resources={"civic_db": CivicDatabase(url=database_url)},
                                instance=instance, run_config=requests[0].run_config)
        assert result.success
        # the same bytes under a new name (a re-sent export): nothing new to ingest
        write_file(drop / "export-resent.csv", first.read_text())
        requests, cursor = tick(sensor, instance, cursor)
        assert requests == []
        # new bytes are
        changed = write_file(drop / "export-2.csv", "id,name\n1,a\n2,b\n")
        requests, cursor = tick(sensor, instance, cursor)
        assert requested_paths(requests, "t_drop_same") == [str(changed)]


def test_missing_drop_folder_is_a_clear_sensor_error(database_url, tmp_path):
    spec = DatasetSpec.model_validate(drop_spec("t_drop_missing", tmp_path / "nowhere"))
    with dg.instance_for_test() as instance, pytest.raises(IngestError,
                                                          match="file-drop folder not found"):
        tick(build_file_drop_sensor(spec), instance, None)


# ------------------------------------------------------------------ a real dagster dev

LIVE_SLUG = "t_drop_live"
WAIT_SECONDS = 180  # a sensor tick every 30 s, then a run that loads the code location


def wait_for(what: str, check: Callable[[], Any], process: subprocess.Popen,
             timeout: float = WAIT_SECONDS) -> Any:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"dagster dev exited ({process.returncode}) waiting for {what}")
        with contextlib.suppress(httpx.HTTPError):
            value = check()
            if value:
                return value
        time.sleep(1)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def graphql(base: str, query: str, **variables: Any) -> dict[str, Any]:
    response = httpx.post(f"{base}/graphql", json={"query": query, "variables": variables},
                          timeout=10)
    response.raise_for_status()
    return response.json()["data"]


DAEMONS = "{ instance { daemonHealth { allDaemonStatuses { daemonType healthy } } } }"


def daemon_health(base: str) -> dict[str, bool]:
    statuses = graphql(base, DAEMONS)["instance"]["daemonHealth"]["allDaemonStatuses"]
    return {s["daemonType"]: s["healthy"] for s in statuses}


RUNS_OF_FILE = """query RunsOfFile($file: String!) {
  runsOrError(filter: {tags: [{key: "civic/file", value: $file}]}) {
    ... on Runs { results { status } } } }"""


def run_statuses(base: str, file_name: str) -> list[str]:
    runs = graphql(base, RUNS_OF_FILE, file=file_name)["runsOrError"]["results"]
    return [run["status"] for run in runs]


def processes_with_env(marker: str) -> list[int]:
    """Our processes: those whose environment holds this test's own DAGSTER_HOME."""
    needle = f"DAGSTER_HOME={marker}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            with contextlib.suppress(OSError):
                if needle in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
    return found


@contextlib.contextmanager
def dagster_dev(env: dict[str, str], home: Path,
                workspace: Path = PROJECT_ROOT / "workspace.yaml",
                ) -> Iterator[tuple[str, subprocess.Popen]]:
    port = free_port()
    bin_dir = Path(sys.executable).parent
    previous = signal.signal(signal.SIGINT, signal.SIG_DFL)  # see STACK-NOTES
    try:
        process = subprocess.Popen(
            [str(bin_dir / "dagster"), "dev", "-w", str(workspace),
             "-h", "127.0.0.1", "-p", str(port)],
            env=env, cwd=home, start_new_session=True,
            stdout=(home / "dagster-dev.log").open("wb"), stderr=subprocess.STDOUT)
    finally:
        signal.signal(signal.SIGINT, previous)
    try:
        yield f"http://127.0.0.1:{port}", process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        # stragglers (code server, a run worker) in our group or elsewhere with our home
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        for pid in processes_with_env(str(home)):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.slow
def test_dagster_dev_sensor_loads_good_file_and_survives_a_broken_one(database_url, tmp_path):
    drop, specs, home = tmp_path / "drop", tmp_path / "specs", tmp_path / "dagster_home"
    for folder in (drop, specs, home):
        folder.mkdir()
    # the code location builds this folder's datasets instead of the shipped ones
    (specs / LIVE_SLUG).mkdir()
    (specs / LIVE_SLUG / "defs.yaml").write_text(yaml.safe_dump(
        {"type": "civic_assets.components.dataset.DatasetComponent",
         "attributes": drop_spec(LIVE_SLUG, drop)}))
    shutil.copyfile(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    storage = ConnectionParts.from_url(database_url).url(
        driver="postgresql+psycopg2",
        dbname=f"{ConnectionParts.from_url(database_url).dbname}_dagster")
    ensure_database(storage)
    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        conn.execute("DELETE FROM catalog.ingest_log WHERE slug = %s", (LIVE_SLUG,))
        conn.execute(f'DROP TABLE IF EXISTS raw."{LIVE_SLUG}"')
    env = {**os.environ, **dbt_environment(database_url),
           "CIVIC_DATABASE_URL": database_url, "CIVIC_DATASETS_DIR": str(specs),
           "CIVIC_DAGSTER_STORAGE_URL": storage, "DAGSTER_HOME": str(home),
           "DBT_PROFILES_DIR": str(PROJECT_ROOT / "dbt_project"),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("CIVIC_API_DATABASE_URL", None)

    write_file(drop / "good.csv", (CORPUS / "good.csv").read_text())
    with dagster_dev(env, home) as (base, process):
        wait_for("the webserver", lambda: httpx.get(f"{base}/server_info",
                                                    timeout=2).status_code == 200, process)

        def ingested(status: str) -> list[dict]:
            return [r for r in log_rows(database_url, LIVE_SLUG) if r["status"] == status]

        loaded = wait_for("the sensor's run to load good.csv", lambda: ingested("loaded"),
                          process)
        assert loaded[0]["record_count"] == 3 and "good.csv" in loaded[0]["source"]
        snapshot = raw_snapshot(database_url, LIVE_SLUG)
        assert snapshot is not None and snapshot[1] == 3

        broken = write_file(drop / "broken.csv",
                            (CORPUS / "unterminated_quote.csv").read_text())
        failed = wait_for("the broken file's run to fail", lambda: ingested("failed"), process)
        assert str(broken) in failed[0]["error"] and "unterminated quoted value" in (
            failed[0]["error"])
        wait_for("the run of broken.csv to be marked failed",
                 lambda: run_statuses(base, "broken.csv") == ["FAILURE"], process)
        assert len(run_statuses(base, "good.csv")) == 1  # one run per file

        # everything is still up, and the raw table is the good file's
        assert httpx.get(f"{base}/server_info", timeout=5).status_code == 200
        assert wait_for("a healthy sensor daemon",
                        lambda: daemon_health(base).get("SENSOR"), process, timeout=60)
        assert process.poll() is None
        assert raw_snapshot(database_url, LIVE_SLUG) == snapshot
        assert len(ingested("loaded")) == 1  # good.csv was not loaded a second time
