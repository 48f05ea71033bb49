"""Presidio, configured to run offline: pattern recognizers only, no spaCy model.

The default `AnalyzerEngine()` downloads a spaCy model, and presidio's e-mail recognizer
asks tldextract for the public-suffix list over the network; neither is possible on our
machines. Presidio analyzes one string at a time, so it is used where a few values are
enough: a second opinion on a column sample and masking the examples we show.
"""

from __future__ import annotations

from functools import lru_cache

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import NoOpNlpEngine
from presidio_analyzer.predefined_recognizers import (
    CaPostalCodeRecognizer,
    CaSinRecognizer,
    EmailRecognizer,
    PhoneRecognizer,
)
from presidio_anonymizer.operators import Mask

from anonymization.kinds import PiiKind

PRESIDIO_KINDS: dict[str, PiiKind] = {
    "EMAIL_ADDRESS": PiiKind.EMAIL,
    "PHONE_NUMBER": PiiKind.PHONE,
    "CA_SIN": PiiKind.CA_SIN,
    "CA_POSTAL_CODE": PiiKind.POSTAL_CODE,
}
# Presidio's own scores for these patterns are low by design (it expects context words
# from an NLP model we do not run); this floor keeps the ones that validated.
MIN_SCORE = 0.3


class _OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's e-mail recognizer with tldextract limited to its bundled suffix list."""

    def __init__(self) -> None:
        super().__init__()
        import tldextract

        self._extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    def validate_result(self, pattern_text: str) -> bool:
        return self._extract(pattern_text).fqdn != ""


@lru_cache(maxsize=1)
def offline_analyzer() -> AnalyzerEngine:
    """An AnalyzerEngine that never touches the network or a language model."""
    nlp_engine = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}])
    nlp_engine.load()
    registry = RecognizerRegistry(supported_languages=["en"])
    for recognizer in (
        _OfflineEmailRecognizer(),
        PhoneRecognizer(supported_regions=("CA", "US", "FR", "GB")),
        CaSinRecognizer(),
        CaPostalCodeRecognizer(),
    ):
        registry.add_recognizer(recognizer)
    return AnalyzerEngine(
        registry=registry, nlp_engine=nlp_engine, supported_languages=["en"]
    )


def presidio_kinds(text: str) -> set[PiiKind]:
    """Kinds presidio's pattern recognizers find in one string."""
    results = offline_analyzer().analyze(text=text, language="en", score_threshold=MIN_SCORE)
    return {PRESIDIO_KINDS[r.entity_type] for r in results if r.entity_type in PRESIDIO_KINDS}


def mask_example(value: object, *, keep: int = 2) -> str:
    """A value safe to show in a report: all but its last `keep` characters masked."""
    text = str(value)
    hidden = max(len(text) - keep, min(len(text), 1))
    return Mask().operate(
        text, {"masking_char": "*", "chars_to_mask": hidden, "from_end": False}
    )
