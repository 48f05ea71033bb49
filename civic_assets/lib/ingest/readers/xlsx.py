"""Excel .xlsx, streamed with openpyxl's read-only mode (one row in memory at a time).

Option `sheet`: a sheet name or a 0-based index (default: the first sheet). The first
non-empty row is the header; empty rows are skipped; a value to the right of the last
header is an error naming its cell.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from civic_assets.lib.ingest.errors import IngestError
from civic_assets.lib.ingest.limits import human_bytes, max_field_bytes, max_source_bytes
from civic_assets.lib.ingest.readers.base import RecordStream, to_text
from civic_assets.lib.ingest.zip_safety import open_checked_zip


def open_xlsx(path: Path, options: dict[str, Any]) -> RecordStream:
    # a workbook is a zip: check it for bombs before openpyxl inflates anything
    open_checked_zip(path, max_uncompressed=4 * max_source_bytes(options.get("max_bytes")),
                     what="Excel .xlsx workbook").close()
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise IngestError(str(path), f"not a readable Excel .xlsx workbook ({exc})") from exc
    try:
        sheet = _pick_sheet(path, workbook, options.get("sheet"))
        position = {"row": 0}
        rows = sheet.iter_rows(values_only=True)
        header = _read_header(path, rows, position, sheet.title)
    except BaseException:
        workbook.close()
        raise
    limit = max_field_bytes(options)

    def where() -> str:
        return f"sheet {sheet.title!r}, row {position['row']}"

    return RecordStream(columns=header, rows=_rows(path, rows, len(header), position, limit,
                                                   where),
                        where=where, close=workbook.close,
                        details={"format": "xlsx", "sheet": sheet.title})


def _pick_sheet(path: Path, workbook: Any, wanted: Any) -> Any:
    names = workbook.sheetnames
    if wanted is None:
        return workbook[names[0]]
    if isinstance(wanted, int) or (isinstance(wanted, str) and wanted.isdigit()
                                   and wanted not in names):
        index = int(wanted)
        if not 0 <= index < len(names):
            raise IngestError(str(path), f"no sheet number {index} (0-based); the workbook "
                              f"has {len(names)}: {', '.join(names)}")
        return workbook[names[index]]
    if wanted not in names:
        raise IngestError(str(path), f"no sheet named {wanted!r}; sheets: {', '.join(names)}")
    return workbook[wanted]


def _read_header(path: Path, rows: Iterator[tuple[Any, ...]], position: dict[str, int],
                 title: str) -> list[str]:
    for row in rows:
        position["row"] += 1
        if any(value is not None and str(value).strip() != "" for value in row):
            values = [to_text(value) or "" for value in row]
            while values and values[-1] == "":
                values.pop()
            return values
    raise IngestError(str(path), "the sheet is empty (no header, no records)",
                      f"sheet {title!r}")


def _rows(path: Path, rows: Iterator[tuple[Any, ...]], width: int, position: dict[str, int],
          limit: int, where: Any) -> Iterator[list[str | None]]:
    for raw in rows:
        position["row"] += 1
        values = [to_text(value) for value in raw]
        if len(values) > width:
            extra = next((i for i in range(width, len(values)) if values[i] is not None), None)
            if extra is not None:
                raise IngestError(str(path), "a value lies right of the last header column",
                                  f"{where()}, cell {get_column_letter(extra + 1)}"
                                  f"{position['row']}")
            values = values[:width]
        if all(value is None for value in values):
            continue
        values += [None] * (width - len(values))
        for value in values:
            if value is not None and len(value) > limit // 4 and len(value.encode()) > limit:
                raise IngestError(str(path), f"a value is longer than the limit of "
                                  f"{human_bytes(limit)}", where())
        yield values
