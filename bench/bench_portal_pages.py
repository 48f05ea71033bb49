"""Server-side time of the portal's pages on the demo (whatever the configured database
has published): the catalogue, the largest dataset's page and the dashboard, each the
median of repeated requests in process (database reads and template rendering, no
network), against the API's `/health` answered by the same app in the same run."""

from __future__ import annotations

import statistics
import time

from fastapi.testclient import TestClient

from api.main import create_app
from bench.common import BenchResult, result

REPEATS = 15


def _median_ms(client: TestClient, path: str) -> float:
    for _ in range(2):  # warm the pools and the schema caches
        assert client.get(path).status_code == 200, path
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, path
    return statistics.median(times)


def run() -> list[BenchResult]:
    with TestClient(create_app()) as client:
        datasets = client.get("/datasets").json()
        if not datasets:
            raise RuntimeError("nothing is published: run `civic demo` (or `make run`) first")
        largest = max(datasets, key=lambda d: d["row_count"])["slug"]
        health = _median_ms(client, "/health")
        pages = {"catalogue /": "/", f"dataset page ({largest})": f"/portal/datasets/{largest}",
                 "dashboard": "/dashboard"}
        return [result(f"portal {name} render, ms", _median_ms(client, path), "ms",
                       "GET /health, ms", health) for name, path in pages.items()]
