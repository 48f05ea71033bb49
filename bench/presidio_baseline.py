"""Presidio's pattern recognizers, offline, as the baseline our recognizers are measured on."""

from __future__ import annotations

from functools import lru_cache

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import NoOpNlpEngine
from presidio_analyzer.predefined_recognizers import (
    CaPostalCodeRecognizer,
    CaSinRecognizer,
    CreditCardRecognizer,
    EmailRecognizer,
    IbanRecognizer,
    IpRecognizer,
    PhoneRecognizer,
    UsSsnRecognizer,
)

from anonymization.kinds import PiiKind


class _OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's e-mail recognizer with tldextract limited to its bundled suffix list
    (the default asks the network for the public-suffix list)."""

    def __init__(self) -> None:
        super().__init__()
        import tldextract

        self._extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    def validate_result(self, pattern_text: str) -> bool:
        return self._extract(pattern_text).fqdn != ""


ENTITY_KINDS = {
    "EMAIL_ADDRESS": PiiKind.EMAIL, "PHONE_NUMBER": PiiKind.PHONE, "CA_SIN": PiiKind.CA_SIN,
    "CA_POSTAL_CODE": PiiKind.POSTAL_CODE, "US_SSN": PiiKind.US_SSN,
    "CREDIT_CARD": PiiKind.PAYMENT_CARD, "IBAN_CODE": PiiKind.IBAN,
    "IP_ADDRESS": PiiKind.IP_ADDRESS,
}
# presidio's own default threshold keeps every validated pattern match
SCORE_THRESHOLD = 0.0


@lru_cache(maxsize=1)
def presidio_analyzer() -> AnalyzerEngine:
    nlp_engine = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}])
    nlp_engine.load()
    registry = RecognizerRegistry(supported_languages=["en"])
    for recognizer in (
        _OfflineEmailRecognizer(),
        PhoneRecognizer(supported_regions=("CA", "US", "FR", "GB", "DE")),
        CaSinRecognizer(), CaPostalCodeRecognizer(), UsSsnRecognizer(), CreditCardRecognizer(),
        IbanRecognizer(), IpRecognizer(),
    ):
        registry.add_recognizer(recognizer)
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])


def presidio_spans(text: str) -> list[tuple[PiiKind, int, int]]:
    results = presidio_analyzer().analyze(text=text, language="en",
                                          score_threshold=SCORE_THRESHOLD)
    return [(ENTITY_KINDS[r.entity_type], r.start, r.end) for r in results
            if r.entity_type in ENTITY_KINDS]
