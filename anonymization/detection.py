"""Which columns hold personal information, of which kind, and how sure we are.

Column names and content are weighed together on a sample of rows, with the same
recognizers the redaction and the residual scan use: content decides for kinds that
have a shape (e-mail, phone, SIN, SSN, card, IBAN, IP, postal code, address, names);
the name is needed for kinds a value alone cannot prove (an integer is an age,
a float a latitude, a date a birth date, only if the column says so).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from anonymization import patterns as pt
from anonymization.detectors import column_values
from anonymization.kinds import PiiKind

DEFAULT_SAMPLE_SIZE = 20_000
STRUCTURED_MIN_SHARE = 0.5  # values holding PII for a column to *be* that PII
HINTED_MIN_SHARE = 0.2  # with a matching name, less content evidence is enough
CONTAINS_MIN_SHARE = 0.05


@dataclass(frozen=True)
class PiiDetection:
    column: str
    kind: PiiKind
    confidence: float
    share: float  # of sampled non-null values holding personal information
    evidence: str  # content or name+content
    contains: tuple[PiiKind, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        return {
            "column": self.column,
            "kind": str(self.kind),
            "confidence": round(self.confidence, 3),
            "share": round(self.share, 4),
            "evidence": self.evidence,
            "contains": [str(k) for k in self.contains],
        }


def sample_rows(df: pd.DataFrame, sample_size: int, seed: int) -> pd.DataFrame:
    """A seeded random sample: the same table gives the same detections."""
    if len(df) <= sample_size:
        return df
    return df.sample(n=sample_size, random_state=seed)


def detect_pii(
    df: pd.DataFrame,
    *,
    sample_size: int = DEFAULT_SAMPLE_SIZE,
    seed: int = 0,
    min_confidence: float = 0.5,
    kinds: Iterable[PiiKind] | None = None,
) -> list[PiiDetection]:
    """Detect personal information per column, from a sample of rows.

    `kinds` limits what is looked for (default: every kind); the quasi-identifier
    discovery of a published table needs only locations, ages and dates, not the name model.
    """
    sample = sample_rows(df, sample_size, seed)
    wanted = frozenset(kinds) if kinds is not None else None
    detections = []
    for column in sample.columns:
        found = classify_column(sample[column], str(column), kinds=wanted)
        if found is not None and found.confidence >= min_confidence:
            detections.append(found)
    return detections


def classify_column(series: pd.Series, column: str, *,
                    kinds: frozenset[PiiKind] | None = None) -> PiiDetection | None:
    values = column_values(series, column, kinds=kinds)
    n = values.n_values
    if n == 0:
        return None
    hints = pt.hinted_kinds(column)
    shares = {kind: float(mask.sum()) / n for kind, mask in values.masks.items()}
    any_share = float(values.any_mask(len(series)).sum()) / n
    contains = tuple(
        sorted((k for k, s in shares.items() if s >= CONTAINS_MIN_SHARE or values.free_text),
               key=lambda k: -shares[k])
    )

    if values.free_text and shares:
        # even a few values with an e-mail or phone make a free-text column personal
        confidence = 0.6 + 0.4 * min(1.0, any_share * 10)
        return PiiDetection(column, PiiKind.FREE_TEXT, confidence, any_share, "content", contains)

    if shares:
        kind = max(shares, key=lambda k: (shares[k], k in hints))
        share = shares[kind]
        if kind in hints and share >= HINTED_MIN_SHARE:
            return PiiDetection(column, kind, min(1.0, 0.6 + 0.4 * share), share,
                                "name+content", contains or (kind,))
        if any_share >= STRUCTURED_MIN_SHARE or share >= HINTED_MIN_SHARE:
            return PiiDetection(column, kind, 0.35 + 0.55 * share, share, "content",
                                contains or (kind,))
        return None

    return None
