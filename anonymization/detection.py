"""Which columns hold personal information, of which kind, and how sure we are.

Column names and content are weighed together on a sample of rows: content decides
for kinds that have a shape (e-mail, phone, SIN, postal code, address, names from our
lists); the name is needed for kinds a value alone cannot prove (an integer is an age,
a float a latitude, a date a birth date, only if the column says so).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from anonymization import patterns as pt
from anonymization.detectors import column_values
from anonymization.kinds import PiiKind
from anonymization.presidio_support import presidio_kinds

DEFAULT_SAMPLE_SIZE = 20_000
STRUCTURED_MIN_SHARE = 0.5  # values holding PII for a column to *be* that PII
HINTED_MIN_SHARE = 0.2  # with a matching name, less content evidence is enough
CONTAINS_MIN_SHARE = 0.05
PRESIDIO_VALUES = 30  # presidio reads one string at a time: a few values, not the column


@dataclass(frozen=True)
class PiiDetection:
    column: str
    kind: PiiKind
    confidence: float
    share: float  # of sampled non-null values holding personal information
    evidence: str  # name, content, name+content or presidio
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
    use_presidio: bool = True,
) -> list[PiiDetection]:
    """Detect personal information per column, from a sample of rows."""
    sample = sample_rows(df, sample_size, seed)
    detections = []
    for column in sample.columns:
        found = classify_column(sample[column], str(column), use_presidio=use_presidio)
        if found is not None and found.confidence >= min_confidence:
            detections.append(found)
    return detections


def classify_column(
    series: pd.Series, column: str, *, use_presidio: bool = True
) -> PiiDetection | None:
    values = column_values(series, column)
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

    if use_presidio:
        return _presidio_opinion(series, column, free_text=values.free_text)
    return None


def _presidio_opinion(series: pd.Series, column: str, *, free_text: bool) -> PiiDetection | None:
    """Ask presidio about a few distinct values our patterns found nothing in.

    Presidio's phone recognizer (libphonenumber) knows international formats our
    patterns do not; it only looks at high-cardinality text, where such values live.
    """
    if not (pd.api.types.is_string_dtype(series.dtype) or series.dtype == object):
        return None
    distinct = pd.unique(series.dropna())
    if len(distinct) < 0.5 * series.notna().sum() and not free_text:
        return None
    rng = np.random.default_rng(0)
    picked = rng.permutation(len(distinct))[:PRESIDIO_VALUES]
    found: dict[PiiKind, int] = {}
    hit_values = 0
    for value in (str(distinct[i]) for i in picked):
        kinds = presidio_kinds(value)
        hit_values += bool(kinds)
        for kind in kinds:
            found[kind] = found.get(kind, 0) + 1
    if not found:
        return None
    share = hit_values / len(picked)
    contains = tuple(sorted(found, key=lambda k: -found[k]))
    if free_text:
        return PiiDetection(column, PiiKind.FREE_TEXT, 0.6 + 0.4 * min(1.0, share * 10), share,
                            "presidio", contains)
    if share < HINTED_MIN_SHARE:
        return None
    return PiiDetection(column, contains[0], 0.35 + 0.55 * share, share, "presidio", contains)
