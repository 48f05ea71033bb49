"""Fixtures for ingest tests (helpers live in tests/ingest/ingest_helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = (Path(__file__).resolve().parents[2] / ".." / "shared" / "data").resolve()


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.exists():
        pytest.fail(f"shared data folder missing: {SHARED}")
    return SHARED
