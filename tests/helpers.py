"""Test helpers: a real uvicorn server on a free port, and demo files."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_api(env: dict[str, str] | None = None) -> Iterator[str]:
    """Start `uvicorn api.main:app` as a real process; yield its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process_env = {**os.environ, **(env or {}), "CIVIC_PUBLIC_BASE_URL": base}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        cwd=PROJECT_ROOT, env=process_env)
    try:
        deadline = time.time() + 30
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"the API did not start (exit code {process.poll()})")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
