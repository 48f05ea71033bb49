"""A whole file as a DataFrame, read exactly as ingest reads it (for `civic risk`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pandas as pd

from civic_assets.ingest.errors import IngestError
from civic_assets.ingest.preview import preview


def read_frame(path: str | Path, *, format: str | None = None,
               options: dict[str, Any] | None = None) -> tuple[pd.DataFrame, dict[str, str]]:
    """(every record with normalized column names, original → normalized names).

    Raises IngestError when the file cannot be read whole: an assessment of half a file
    would understate the risk.
    """
    result = preview(path, format=format, options=options, rows=sys.maxsize)
    if result.problems:
        raise IngestError(str(path), "; ".join(result.problems))
    return result.rows, result.column_mapping
