"""`civic scan`: personal information in any file, before it enters the platform.

The file is read as ingest reads it; each column then goes through the detection the
anonymization uses (a kind and a confidence, from the column's name and a sample of its
values) and the residual scan that gates every candidate (every value, the same
recognizers), and is classified as a direct identifier, a quasi-identifier or neither.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from anonymization import (
    ColumnRole,
    Finding,
    PiiDetection,
    classify_columns,
    compute_risk,
    detect_pii,
    scan_residual_pii,
)
from civic_assets.ingest.errors import IngestError
from civic_assets.ingest.preview import preview

# the ingest type detector's names for columns worth reading as numbers (ages, coordinates)
_NUMERIC_TYPES = {"integer", "number"}


@dataclass
class ColumnScan:
    column: str  # as the file names it
    role: str  # direct_identifier, quasi_identifier, sensitive, other
    quasi_kind: str | None
    reason: str
    detected: PiiDetection | None
    residual: list[Finding] = field(default_factory=list)

    @property
    def personal(self) -> bool:
        return self.detected is not None or bool(self.residual)

    def to_dict(self) -> dict[str, Any]:
        return {"column": self.column, "role": self.role, "quasi_kind": self.quasi_kind,
                "reason": self.reason,
                "detected": self.detected.to_dict() if self.detected else None,
                "residual": [{"kind": str(f.kind), "count": f.count, "example": f.example}
                             for f in self.residual]}


@dataclass
class FileScan:
    path: str
    format: str
    records: int
    columns: list[ColumnScan]
    k_over_quasi_identifiers: int | None  # None when no column looks like one

    @property
    def personal_information_found(self) -> bool:
        return any(c.personal for c in self.columns)

    def quasi_identifiers(self) -> list[str]:
        return [c.column for c in self.columns if c.role == ColumnRole.QUASI_IDENTIFIER]

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "format": self.format, "records": self.records,
                "personal_information_found": self.personal_information_found,
                "quasi_identifiers": self.quasi_identifiers(),
                "k_over_quasi_identifiers": self.k_over_quasi_identifiers,
                "columns": [c.to_dict() for c in self.columns]}

    def to_text(self) -> str:
        found = [c for c in self.columns if c.personal]
        lines = [f"{self.path} ({self.format}, {self.records:,} records, "
                 f"{len(self.columns)} columns): "
                 + (f"personal information in {len(found)} column(s)" if found
                    else "no personal information found")]
        for item in found:
            lines += ["", f"{item.column}"]
            if item.detected is not None:
                detected = item.detected
                kinds = ", ".join(str(k) for k in detected.contains if k != detected.kind)
                lines.append(
                    f"  detected: {detected.kind} (confidence {detected.confidence:.2f}, "
                    f"{detected.share:.0%} of sampled values, from {detected.evidence})"
                    + (f", holding {kinds}" if kinds else ""))
            for finding in item.residual:
                lines.append(f"  residual scan: {finding.kind} in {finding.count:,} value(s), "
                             f"e.g. {finding.example}")
            lines.append(f"  role: {_role_text(item)}")
        quasi = [c for c in self.columns if c.role == ColumnRole.QUASI_IDENTIFIER]
        if quasi:
            lines += ["", "quasi-identifiers (could single a person out together):"]
            lines += [f"  {c.column}: {c.quasi_kind} ({c.reason})" for c in quasi]
            lines.append(f"  k over all of them: {self.k_over_quasi_identifiers:,}")
        clean = [c.column for c in self.columns
                 if not c.personal and c.role != ColumnRole.QUASI_IDENTIFIER]
        if clean:
            lines += ["", "nothing found in: " + ", ".join(clean)]
        return "\n".join(lines)


def _role_text(item: ColumnScan) -> str:
    if item.role == ColumnRole.QUASI_IDENTIFIER:
        return f"quasi-identifier, {item.quasi_kind} ({item.reason})"
    return f"{item.role.replace('_', ' ')} ({item.reason})"


def _typed(frame: pd.DataFrame, types: dict[str, str]) -> pd.DataFrame:
    """Numbers as numbers, where every value reads as one: an integer column named `age`
    is an age, a float column named `latitude` a coordinate."""
    out = frame.copy()
    for column, kind in types.items():
        if kind not in _NUMERIC_TYPES or column not in out.columns:
            continue
        numbers = pd.to_numeric(out[column], errors="coerce")
        if numbers.notna().sum() == out[column].notna().sum():
            out[column] = numbers
    return out


def read_for_scan(path: str | Path, *, format: str | None = None,
                  options: dict[str, Any] | None = None,
                  rows: int | None = None) -> tuple[pd.DataFrame, str, dict[str, str]]:
    """(the records, the format, normalized → original column names); IngestError when
    the file cannot be read: a scan of half a file would miss what the rest holds."""
    result = preview(path, format=format, options=options, rows=rows or sys.maxsize)
    if result.problems:
        raise IngestError(str(path), "; ".join(p.removeprefix(f"{path}: ")
                                               for p in result.problems))
    originals = {normalized: original for original, normalized in result.column_mapping.items()}
    return _typed(result.rows, result.types), result.format, originals


def scan_file(path: str | Path, *, format: str | None = None,
              options: dict[str, Any] | None = None, rows: int | None = None,
              min_confidence: float = 0.5) -> FileScan:
    frame, fmt, originals = read_for_scan(path, format=format, options=options, rows=rows)
    detections = detect_pii(frame, min_confidence=min_confidence)
    detected = {d.column: d for d in detections}
    residual: dict[str, list[Finding]] = {}
    for finding in scan_residual_pii(frame):
        residual.setdefault(finding.column, []).append(finding)
    classes = classify_columns(frame, detections=detections)
    quasi = [c.column for c in classes if c.role is ColumnRole.QUASI_IDENTIFIER]
    columns = [
        ColumnScan(column=originals.get(c.column, c.column), role=str(c.role),
                   quasi_kind=str(c.quasi_kind) if c.quasi_kind else None, reason=c.reason,
                   detected=detected.get(c.column), residual=residual.get(c.column, []))
        for c in classes
    ]
    k = compute_risk(frame, quasi).k if quasi and len(frame) else None
    return FileScan(str(path), fmt, len(frame), columns, k)
