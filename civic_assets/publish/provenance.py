"""What only the publishing process knows about a version's provenance: the code that
built it and its Dagster run. Handed to the catalogue as session settings of the
publishing connection, which `catalog.version_provenance` (migration 0007) stores with
the version row in the publishing transaction."""

from __future__ import annotations

import subprocess
from functools import lru_cache

import psycopg

from catalog.database import PROJECT_ROOT


@lru_cache(maxsize=1)
def code_version() -> str | None:
    """The git commit of the checkout, with `+dirty` when files differ from it; None
    outside a git checkout (an installed package)."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT,
                                capture_output=True, text=True, timeout=10, check=True)
        dirty = subprocess.run(["git", "diff", "--quiet", "HEAD", "--"], cwd=PROJECT_ROOT,
                               capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return commit.stdout.strip() + ("+dirty" if dirty.returncode == 1 else "")


def announce_publication(conn: psycopg.Connection, *, run_id: str | None) -> None:
    """Set the code version and the run on the (idle) publishing connection; the
    connection is left idle again, as publish_candidate requires."""
    conn.execute("SELECT set_config('civic.code_version', %s, false),"
                 " set_config('civic.publish_run_id', %s, false)",
                 (code_version() or "", run_id or ""))
    conn.commit()
