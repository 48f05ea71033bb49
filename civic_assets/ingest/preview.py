"""`preview`: read the first rows of a file without touching the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import pandas as pd

from civic_assets.ingest.errors import IngestError
from civic_assets.ingest.markdown import markdown_table
from civic_assets.ingest.naming import ColumnNamer, DuplicateColumnError
from civic_assets.ingest.readers import detect_format, open_stream
from civic_assets.ingest.readers.base import to_text
from civic_assets.ingest.type_detection import TypeDetector


@dataclass
class Preview:
    path: str
    format: str
    rows: pd.DataFrame  # normalized column names, text values
    types: dict[str, str]  # column -> detected type (from the previewed rows)
    column_mapping: dict[str, str] = field(default_factory=dict)  # original -> normalized
    problems: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    # column -> how it writes numbers or dates, when not plain (see type_detection)
    notations: dict[str, str] = field(default_factory=dict)

    def _typed(self, name: str, kind: str) -> str:
        notation = self.notations.get(name)
        return f"{kind} ({notation})" if notation else kind

    def layout_lines(self) -> list[str]:
        """Where the table was found: header row, title lines skipped, notes left out."""
        lines = []
        if self.details.get("header_row", 1) != 1 or self.details.get("title_lines"):
            lines.append(f"header: row {self.details.get('header_row')}")
        for title in self.details.get("title_lines", []):
            lines.append(f"title line skipped: {title!r}")
        for note in self.details.get("notes_below_table", []):
            lines.append(f"note below the table left out: {note!r}")
        return lines

    def to_markdown(self) -> str:
        table = markdown_table(list(self.rows.columns),
                               self.rows.astype(object).where(self.rows.notna(), None)
                               .values.tolist())
        types = ", ".join(f"{name}: {self._typed(name, kind)}"
                          for name, kind in self.types.items())
        parts = [f"**{self.path}** ({self.format}, {len(self.rows)} rows previewed)", "",
                 table, "", f"Types: {types}"]
        if self.layout_lines():
            parts += ["", "Layout:"] + [f"- {line}" for line in self.layout_lines()]
        if self.problems:
            parts += ["", "Problems:"] + [f"- {problem}" for problem in self.problems]
        return "\n".join(parts)

    def to_text(self) -> str:
        with pd.option_context("display.max_columns", None, "display.width", 200,
                               "display.max_colwidth", 40):
            body = self.rows.to_string(index=False) if len(self.rows.columns) else "(no columns)"
        lines = [f"{self.path} ({self.format}, {len(self.rows)} rows previewed)", body, "",
                 "types:"] + [f"  {name}: {self._typed(name, kind)}"
                              for name, kind in self.types.items()]
        if self.layout_lines():
            lines += ["layout:"] + [f"  {line}" for line in self.layout_lines()]
        renamed = {o: n for o, n in self.column_mapping.items() if o != n}
        if renamed:
            lines += ["renamed columns:"] + [f"  {o!r} -> {n}" for o, n in renamed.items()]
        if self.problems:
            lines += ["problems:"] + [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


def preview(path: str | Path, *, format: str | None = None,
            options: dict[str, Any] | None = None, rows: int = 100) -> Preview:
    """The first `rows` records of a file as ingest would read them, with detected types.

    Problems found while reading (a ragged row, a duplicate header, bad encoding...) are
    listed in `.problems` instead of raised, so the preview still shows what it could read.
    """
    path = Path(path)
    options = dict(options or {})
    problems: list[str] = []
    try:
        fmt = format or detect_format(path)
    except IngestError as exc:
        return Preview(str(path), "unknown", pd.DataFrame(), {}, problems=[str(exc)])
    namer, detector = ColumnNamer(), TypeDetector()
    table: list[list[str | None]] = []
    details: dict[str, Any] = {}
    try:
        if path.stat().st_size == 0:
            raise IngestError(str(path), "the file is empty (0 bytes): no header, no records")
        stream = open_stream(path, fmt, options)
        details = stream.details  # the reader adds the notes below the table once read
        try:
            if stream.rows is not None:
                namer.add_all(stream.columns)
                for row in islice(stream.rows, rows):
                    table.append(list(row))
                # one more read past a short table lets the reader see its end (its notes)
                extra = next(stream.rows, None)
                if extra is not None and len(table) < rows:
                    table.append(list(extra))
            else:
                index: dict[str, int] = {}
                for record in islice(stream.records or iter(()), rows):
                    for key in record:
                        if key not in index:
                            namer.add(key)
                            index[key] = len(index)
                    cells: list[str | None] = [None] * len(index)
                    for key, value in record.items():
                        cells[index[key]] = to_text(value)
                    table.append(cells)
        finally:
            stream.close()
    except (IngestError, DuplicateColumnError, OSError) as exc:
        problems.append(str(exc))
    width = len(namer.names)
    table = [row + [None] * (width - len(row)) for row in table]
    detector.widen(width)
    for row in table:
        detector.add(row)
    if table == [] and not problems:
        problems.append(f"{path}: no records")
    frame = pd.DataFrame(table, columns=namer.names, dtype=object)
    notations = {name: notation for name, notation in zip(namer.names, detector.notations(),
                                                          strict=True) if notation}
    return Preview(str(path), fmt, frame, dict(zip(namer.names, detector.types(), strict=True)),
                   column_mapping=dict(zip(namer.originals, namer.names, strict=True)),
                   problems=problems, details=dict(details), notations=notations)
