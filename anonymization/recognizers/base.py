"""A recognizer finds one kind of identifier in text, validates each match and scores it.

Every recognizer carries two patterns: `prefilter`, written in the common subset of
Python `re` and RE2 (no `\\b`, `\\d`, `\\s`, lookarounds or backreferences) so that pandas
runs it over a whole column in pyarrow's C++ kernels, and `finder`, a Python pattern
with lookarounds run only on the few values the prefilter flags. The prefilter must
match wherever the finder does: it decides which values are looked at at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from anonymization.kinds import PiiKind
from anonymization.letters import LETTER

# A finding at or above this confidence is redacted, and is reported by the residual scan.
DEFAULT_MIN_CONFIDENCE = 0.5
CONTEXT_BEFORE = 48  # characters searched for context words before a match
CONTEXT_AFTER = 24

# Word edges for Python patterns.
L = rf"(?<![0-9{LETTER}_])"
R = rf"(?![0-9{LETTER}_])"


@dataclass(frozen=True)
class Span:
    """One identifier found in a text: where, what, and how sure."""

    kind: PiiKind
    start: int
    end: int
    text: str
    confidence: float
    recognizer: str

    def to_dict(self) -> dict:
        return {"kind": str(self.kind), "start": self.start, "end": self.end,
                "confidence": round(self.confidence, 3), "recognizer": self.recognizer}


# Validates one match: the base confidence, or None when the match is not this kind.
Scorer = Callable[[re.Match[str], str], float | None]


def words(*items: str) -> re.Pattern[str]:
    """Case-insensitive context words, matched as whole words."""
    alternation = "|".join(sorted(items, key=len, reverse=True))
    return re.compile(rf"{L}(?:{alternation}){R}", re.IGNORECASE)


@dataclass(frozen=True)
class PatternRecognizer:
    name: str
    kind: PiiKind
    prefilter: str
    finder: re.Pattern[str]
    score: Scorer
    context: re.Pattern[str] | None = None
    context_boost: float = 0.25

    def find(self, text: str, *, hinted: bool = False) -> list[Span]:
        spans = []
        for match in self.finder.finditer(text):
            base = self.score(match, text)
            if base is None:
                continue
            start, end = value_span(match)
            boosted = hinted or has_context(self.context, text, start, end)
            confidence = min(1.0, base + (self.context_boost if boosted else 0.0))
            spans.append(Span(self.kind, start, end, text[start:end], confidence, self.name))
        return spans


def value_span(match: re.Match[str]) -> tuple[int, int]:
    """The part of a match to redact: its first set group named `value...`, else all of it
    (context words inside a pattern stay readable)."""
    for name in match.re.groupindex:
        if name.startswith("value") and match.group(name) is not None:
            return match.span(name)
    return match.span()


def has_context(context: re.Pattern[str] | None, text: str, start: int, end: int) -> bool:
    if context is None:
        return False
    return bool(context.search(text, max(0, start - CONTEXT_BEFORE), start)
                or context.search(text, end, min(len(text), end + CONTEXT_AFTER)))


def resolve_overlaps(spans: Sequence[Span]) -> list[Span]:
    """Keep non-overlapping spans, longer first (an e-mail beats the name inside it),
    then more confident; returned in text order."""
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), -s.confidence, s.start)):
        if all(span.end <= k.start or span.start >= k.end for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)


def digits_of(text: str) -> str:
    return "".join(c for c in text if "0" <= c <= "9")


def luhn_valid(digits: str) -> bool:
    """Luhn checksum, the check digit of SINs and payment cards."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0
