"""The one recognizer set: detection, redaction and the residual scan all call it.

`find_pii` / `find_pii_many` return validated, scored spans; `redact_many` replaces the
spans at or above the confidence threshold; `kind_masks` says which values of a column
hold which kind, for detection and the scan. Because all three go through the same
recognizers and threshold, the scan can never be more lenient than the redaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from anonymization import patterns as pt
from anonymization.kinds import PiiKind
from anonymization.recognizers import contact, dates, names, numbers, places
from anonymization.recognizers.base import (
    DEFAULT_MIN_CONFIDENCE,
    PatternRecognizer,
    Span,
    luhn_valid,
    resolve_overlaps,
)

PATTERN_RECOGNIZERS: tuple[PatternRecognizer, ...] = (
    contact.RECOGNIZERS + numbers.RECOGNIZERS + places.RECOGNIZERS + dates.RECOGNIZERS
)
# Kinds that can be found inside a string (everything but the column-level FREE_TEXT).
TEXT_KINDS: tuple[PiiKind, ...] = tuple(k for k in PiiKind if k is not PiiKind.FREE_TEXT)
MAX_REDACTION_PASSES = 3

# Whole values that are certainly one kind, decided in pyarrow with no Python pass:
# each is a subset of what the recognizer itself accepts, so a column of a million
# phone numbers is scanned in C++. (pattern, needs a Luhn check)
_SIN_SEPARATED = r"[1-79][0-9]{2}(?:-[0-9]{3}-|[ ][0-9]{3}[ ])[0-9]{3}"
WHOLE_VALUE: dict[PiiKind, tuple[str, bool]] = {
    PiiKind.EMAIL: (rf"^{contact.EMAIL_PATTERN}$", False),
    PiiKind.PHONE: ((r"^(?:\+?1[ .-]?)?(?:\([2-9][0-9]{2}\)[ .-]?|[2-9][0-9]{2}[ .-])"
                    r"[2-9][0-9]{2}[ .-][0-9]{4}$"), False),
    PiiKind.CA_SIN: (rf"^{_SIN_SEPARATED}$", True),
    PiiKind.POSTAL_CODE: (rf"^{places.POSTAL_CA}$", False),
    PiiKind.STREET_ADDRESS: (
        (r"^[0-9]{1,5}[A-Za-z]?[ ]+(?:[A-Z][A-Za-z'.-]*[ ]+){1,3}"
        r"(?:Street|St|Avenue|Ave|Road|Rd|Drive|Dr|Boulevard|Blvd|Crescent|Cres|Court|Lane|"
        r"Way|Place)\.?$"), False),
}


def _text(values: pd.Series | Sequence[str]) -> pd.Series:
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype="str")
    if not (pd.api.types.is_string_dtype(series.dtype) and series.dtype != object):
        series = series.astype("str")
    return series.reset_index(drop=True)


def _contains(text: pd.Series, pattern: str) -> np.ndarray:
    return np.asarray(text.str.contains(pattern, regex=True, na=False), dtype=bool)


def _wanted(kinds: Iterable[PiiKind] | None) -> frozenset[PiiKind]:
    return frozenset(TEXT_KINDS if kinds is None else kinds)


def prefilter(kinds: Iterable[PiiKind] | None = None) -> str:
    """One RE2-safe pattern that matches every value any wanted recognizer could match."""
    wanted = _wanted(kinds)
    parts = [f"(?:{r.prefilter})" for r in PATTERN_RECOGNIZERS if r.kind in wanted]
    if PiiKind.PERSON_NAME in wanted:
        parts.append(f"(?:{names.PREFILTER})")
    return "|".join(parts) or "(?!)"


def find_pii_many(
    values: pd.Series | Sequence[str],
    kinds: Iterable[PiiKind] | None = None,
    *,
    hinted: frozenset[PiiKind] = frozenset(),
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
) -> dict[int, list[Span]]:
    """Spans at or above `min_confidence` in each value, by position; values without any
    are left out. `hinted`: kinds the column's name announces (they count as context)."""
    text = _text(values)
    wanted = _wanted(kinds)
    if text.empty or not wanted:
        return {}
    candidates = np.flatnonzero(_contains(text, prefilter(wanted)))
    if not len(candidates):
        return {}
    pool = text.iloc[candidates]
    found: dict[int, list[Span]] = {}
    for recognizer in PATTERN_RECOGNIZERS:
        if recognizer.kind not in wanted:
            continue
        flagged = _contains(pool, recognizer.prefilter)
        hint = recognizer.kind in hinted
        for position, value in zip(candidates[flagged], pool[flagged].tolist(), strict=True):
            spans = recognizer.find(value, hinted=hint)
            if spans:
                found.setdefault(int(position), []).extend(spans)
    if PiiKind.PERSON_NAME in wanted:
        flagged = _contains(pool, names.PREFILTER)
        positions = candidates[flagged]
        for position, spans in zip(positions, names.find_names_many(pool[flagged].tolist()),
                                   strict=True):
            if PiiKind.PERSON_NAME in hinted:
                spans = [_boosted(s) for s in spans]
            if spans:
                found.setdefault(int(position), []).extend(spans)
    result = {}
    for position, spans in found.items():
        kept = resolve_overlaps([s for s in spans if s.confidence >= min_confidence])
        if kept:
            result[position] = kept
    return result


def _boosted(span: Span) -> Span:
    return Span(span.kind, span.start, span.end, span.text,
                min(1.0, span.confidence + names.CONTEXT_BOOST), span.recognizer)


def find_pii(text: str, kinds: Iterable[PiiKind] | None = None, *,
             min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> list[Span]:
    """Validated, scored spans of personal information in one text."""
    return find_pii_many([text], kinds, min_confidence=min_confidence).get(0, [])


def _replace(text: str, spans: Sequence[Span]) -> str:
    for span in sorted(spans, key=lambda s: s.start, reverse=True):
        text = text[:span.start] + span.kind.token + text[span.end:]
    return text


def redact_many(
    values: pd.Series | Sequence[str],
    kinds: Iterable[PiiKind] | None = None,
    *,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
) -> tuple[list[str | None], dict[PiiKind, int]]:
    """Each value with its spans replaced by tokens such as <EMAIL>, and counts per kind.

    Text where a name was redacted is searched again: once a span becomes a token, the
    words around it can read differently to the name model, and what the scan would find
    in the output must already be gone.
    """
    text = _text(values)
    out: list[str | None] = text.tolist()
    counts: dict[PiiKind, int] = {}
    pending = np.arange(len(text))  # position in `out` of each value of `current`
    current = text
    for _ in range(MAX_REDACTION_PASSES):
        found = find_pii_many(current, kinds, min_confidence=min_confidence)
        if not found:
            break
        recheck = []
        for position, spans in found.items():
            original = int(pending[position])
            out[original] = _replace(str(out[original]), spans)
            for span in spans:
                counts[span.kind] = counts.get(span.kind, 0) + 1
            # patterns cannot match anew once a span is a token; the name model, which
            # reads the words around, can
            if any(span.kind is PiiKind.PERSON_NAME for span in spans):
                recheck.append(original)
        if not recheck:
            break
        pending = np.asarray(recheck, dtype=np.int64)
        current = pd.Series([out[p] for p in pending], dtype="str")
    return out, counts


def kind_masks(
    values: pd.Series,
    kinds: Iterable[PiiKind] | None = None,
    *,
    hinted: frozenset[PiiKind] = frozenset(),
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
) -> dict[PiiKind, np.ndarray]:
    """Which values hold which kind (boolean masks by position), for detection and scan."""
    text = _text(values)
    wanted = _wanted(kinds)
    masks: dict[PiiKind, np.ndarray] = {}
    if text.empty:
        return masks
    candidates = np.flatnonzero(_contains(text, prefilter(wanted)))
    if not len(candidates):
        return masks
    pool = text.iloc[candidates]
    undecided = np.ones(len(candidates), dtype=bool)
    for kind, (pattern, luhn) in _whole_value_rules(wanted):
        whole = _contains(pool, pattern) & undecided
        if luhn and whole.any():
            digits = pool[whole].str.replace("[^0-9]", "", regex=True).tolist()
            whole[whole] = [luhn_valid(d) for d in digits]
        if whole.any():
            mask = np.zeros(len(text), dtype=bool)
            mask[candidates[whole]] = True
            masks[kind] = mask
            undecided &= ~whole
    rest = candidates[undecided]
    found = find_pii_many(text.iloc[rest], wanted, hinted=hinted, min_confidence=min_confidence)
    for offset, spans in found.items():
        for kind in {s.kind for s in spans}:
            masks.setdefault(kind, np.zeros(len(text), dtype=bool))[rest[offset]] = True
    return masks


def _whole_value_rules(wanted: frozenset[PiiKind]):
    rules = [(k, rule) for k, rule in WHOLE_VALUE.items() if k in wanted]
    if PiiKind.PERSON_NAME in wanted:
        rules.append((PiiKind.PERSON_NAME, (pt.person_name_value(), False)))
    return rules


__all__ = [
    "DEFAULT_MIN_CONFIDENCE",
    "PATTERN_RECOGNIZERS",
    "TEXT_KINDS",
    "Span",
    "find_pii",
    "find_pii_many",
    "kind_masks",
    "prefilter",
    "redact_many",
]
