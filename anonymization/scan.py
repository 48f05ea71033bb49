"""Residual-PII scan: every value of an output table, before anyone approves it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from anonymization.detectors import column_values
from anonymization.kinds import PiiKind


@dataclass(frozen=True)
class Finding:
    column: str
    kind: PiiKind
    count: int  # values holding this kind
    example_index: object  # index label of the first such row
    example: str  # that value, masked: never shown in clear

    def to_dict(self) -> dict:
        index = self.example_index
        if isinstance(index, np.generic):
            index = index.item()
        return {"column": self.column, "kind": str(self.kind), "count": self.count,
                "example_index": index if isinstance(index, int | str) else str(index),
                "example": self.example}


def scan_residual_pii(df: pd.DataFrame, *, columns: Iterable[str] | None = None,
                      kinds: Iterable[PiiKind] | None = None) -> list[Finding]:
    """Run the detectors over every value (no sampling) and list what was found.

    Free text is reported by the kinds inside it (an e-mail in `description` is an
    e-mail finding). Column names count as evidence as they do in detection, so an
    integer column named `age` is an exact age while `response_time_hours` is not.
    `kinds` limits the scan (the default, every kind, is what a release must pass).
    """
    wanted = frozenset(kinds) if kinds is not None else None
    findings = []
    for column in (df.columns if columns is None else columns):
        series = df[column]
        values = column_values(series, str(column), kinds=wanted)
        for kind, mask in values.masks.items():
            count = int(mask.sum())
            if not count:
                continue
            position = int(np.argmax(mask))
            findings.append(Finding(
                column=str(column),
                kind=PiiKind(kind),
                count=count,
                example_index=series.index[position],
                example=mask_example(series.iloc[position]),
            ))
    return findings


def mask_example(value: object, *, keep: int = 2) -> str:
    """A value safe to show in a report: all but its last `keep` characters masked."""
    text = str(value)
    hidden = max(len(text) - keep, min(len(text), 1))
    return "*" * hidden + text[hidden:]
