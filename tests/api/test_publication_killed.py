"""A publication killed with SIGKILL in the middle of writing its files: a real process,
killed while its staging folder shows it writing. Nothing of the new version may be
visible — catalogue row, version table, version folder — the API goes on serving the
previous version, and publishing again succeeds and sweeps up what the kill left."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from civic_assets.publish.files import remove_interrupted_publications
from civic_assets.publish.publication import publish_candidate
from tests.api.published_data import approved_candidate, requests_frame, service_requests_spec
from tests.helpers import PROJECT_ROOT, running_api

pytestmark = pytest.mark.slow

SLUG = "service_requests_killed"
# enough rows that writing the files takes a few hundred milliseconds: the test watches
# the staging folder and kills once the CSV is complete and the JSON is being written
BIG_ROWS = 60_000

PUBLISH_IN_A_CHILD = """
import sys
from pathlib import Path

import psycopg
from catalog.database import libpq_url
from civic_assets.publish.publication import publish_candidate
from metadata.specs import DatasetSpec

spec = DatasetSpec.model_validate_json(open(sys.argv[1]).read())
with psycopg.connect(libpq_url(sys.argv[2]), autocommit=True) as conn:
    publish_candidate(conn, spec, int(sys.argv[3]), published_dir=Path(sys.argv[4]))
print("published", flush=True)
"""


def _staging_writing_json(dataset_folder: Path) -> Path | None:
    for staging in dataset_folder.glob(".v*.staging"):
        if (staging / "data.json").exists():
            return staging
    return None


def _kill_while_writing(command: list[str], dataset_folder: Path) -> Path:
    child = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while (staging := _staging_writing_json(dataset_folder)) is None:
            if child.poll() is not None:
                pytest.fail(f"the publication ended (exit {child.returncode}) before the kill: "
                            "make BIG_ROWS larger")
            if time.monotonic() > deadline:
                pytest.fail("the publication never started writing its files")
            time.sleep(0.002)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    return staging


def _rows(csv_text: str) -> int:
    return len(list(csv.reader(io.StringIO(csv_text, newline="")))) - 1


def _versions(conn) -> list[int]:
    return [v for (v,) in conn.execute(
        "SELECT version FROM catalog.versions WHERE slug = %s ORDER BY version", (SLUG,))]


def _table_exists(conn, name: str) -> bool:
    return conn.execute("SELECT to_regclass(%s)", (f"published.{name}",)).fetchone()[0] \
        is not None


def test_killed_publication_leaves_the_previous_version_served(database_url, conn, tmp_path):
    published_dir = tmp_path / "published"
    spec = service_requests_spec().model_copy(update={"slug": SLUG})
    first = approved_candidate(conn, spec, requests_frame(1, 9, coordinates=True),
                               table="killed_candidate_1")
    publish_candidate(conn, spec, first, published_dir=published_dir)
    big = approved_candidate(conn, spec, requests_frame(1, BIG_ROWS, coordinates=True),
                             table="killed_candidate_2")
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(spec.model_dump_json())

    dataset_folder = published_dir / SLUG
    staging = _kill_while_writing(
        [sys.executable, "-c", PUBLISH_IN_A_CHILD, str(spec_file), database_url, str(big),
         str(published_dir)], dataset_folder)

    # PostgreSQL rolled the dead publisher's transaction back: nothing of version 2
    assert _versions(conn) == [1]
    assert not _table_exists(conn, f"{SLUG}__v2")
    assert conn.execute(f'SELECT count(*) FROM published."{SLUG}"').fetchone()[0] == 9
    # the version folder never appeared; only the hidden, half-written staging folder
    assert sorted(p.name for p in dataset_folder.iterdir()
                  if not p.name.startswith(".")) == ["v1"]
    assert staging.exists() and not (staging / "datapackage.json").exists()

    with running_api(env={"CIVIC_PUBLISHED_DIR": str(published_dir)}) as api:
        first_csv = httpx.get(f"{api}/datasets/{SLUG}/latest/data.csv")
        assert first_csv.status_code == 200
        assert first_csv.headers["content-disposition"].endswith(f'filename="{SLUG}-v1.csv"')
        assert _rows(first_csv.text) == 9
        assert httpx.get(f"{api}/datasets/{SLUG}/versions/2/data.csv").status_code == 404
        assert httpx.get(f"{api}/datasets/{SLUG}").json()["latest_version"] == 1

        # the approved candidate is still there to publish, and now it goes through
        version = publish_candidate(conn, spec, big, published_dir=published_dir)
        assert version.version == 2
        assert _versions(conn) == [1, 2]
        assert sorted(p.name for p in dataset_folder.iterdir()) == ["v1", "v2"]
        latest = httpx.get(f"{api}/datasets/{SLUG}/latest/data.csv")
        assert latest.headers["content-disposition"].endswith(f'filename="{SLUG}-v2.csv"')
        assert _rows(latest.text) == BIG_ROWS


def test_folders_no_catalogued_version_owns_are_removed(tmp_path):
    """What a publication killed after putting its folder in place (but before its
    commit) leaves: a version folder the catalogue does not know. Catalogued ones stay."""
    for name in ("v1", "v2", "v3", ".v3-abc.staging", ".v2.orphan-77"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "data.csv").write_text("x\n")
    removed = remove_interrupted_publications(tmp_path, next_version=3)
    assert sorted(p.name for p in removed) == [".v2.orphan-77", ".v3-abc.staging", "v3"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v1", "v2"]
