"""Government and financial numbers: SIN, SSN, payment cards, IBAN, driver's licences, plates.

Each match is validated (checksum, issuing ranges, scheme lengths) before it counts;
numbers without a checksum (SSN, plates) need their distinctive layout or context words.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from stdnum import iban as stdnum_iban

from anonymization.kinds import PiiKind
from anonymization.recognizers.base import PatternRecognizer, digits_of, luhn_valid, words

# No digit or digit group may continue the number on either side.
_NO_DIGITS_BEFORE = r"(?<![0-9A-Za-z])(?<![0-9][ -])"
_NO_DIGITS_AFTER = r"(?![0-9A-Za-z])(?![ -][0-9])"


# --- Canadian Social Insurance Number: 9 digits, Luhn; 0 and 8 are not issued as first digit.
def _score_sin(match: re.Match[str], text: str) -> float | None:
    digits = digits_of(match.group(0))
    if not luhn_valid(digits):
        return None
    # a bare 9-digit number passes Luhn one time in ten: it needs words around it
    return 0.75 if match.group("sep") else 0.4


CA_SIN = PatternRecognizer(
    name="ca_sin", kind=PiiKind.CA_SIN,
    prefilter="[1-79][0-9]{2}[ -]?[0-9]{3}[ -]?[0-9]{3}",
    finder=re.compile(
        rf"{_NO_DIGITS_BEFORE}[1-79][0-9]{{2}}(?P<sep>[ -]?)[0-9]{{3}}(?P=sep)[0-9]{{3}}"
        rf"{_NO_DIGITS_AFTER}"),
    score=_score_sin,
    context=words("sin", "nas", "social insurance", "assurance sociale", "assurance-sociale"),
    context_boost=0.3,
)


# --- US Social Security Number: AAA-GG-SSSS; area 000, 666 and 900-999, group 00 and
# serial 0000 are never issued.
def _score_ssn(match: re.Match[str], text: str) -> float | None:
    area, group, serial = match.group("area", "group", "serial")
    if area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000":
        return None
    separator = match.group("sep")
    return {"-": 0.7, " ": 0.5}.get(separator, 0.25)


US_SSN = PatternRecognizer(
    name="us_ssn", kind=PiiKind.US_SSN,
    prefilter="[0-9]{3}[ -]?[0-9]{2}[ -]?[0-9]{4}",
    finder=re.compile(
        rf"{_NO_DIGITS_BEFORE}(?P<area>[0-9]{{3}})(?P<sep>[ -]?)(?P<group>[0-9]{{2}})(?P=sep)"
        rf"(?P<serial>[0-9]{{4}}){_NO_DIGITS_AFTER}"),
    score=_score_ssn,
    context=words("ssn", "ss#", "social security", "soc sec", "social sec"),
    context_boost=0.35,
)


# --- Payment cards: Luhn plus the scheme's issuer ranges and lengths.
def _in(prefix: str, low: int, high: int) -> bool:
    width = len(str(low))
    return low <= int(prefix[:width]) <= high


CARD_SCHEMES: tuple[tuple[str, Callable[[str], bool], frozenset[int]], ...] = (
    ("amex", lambda d: d[:2] in ("34", "37"), frozenset({15})),
    ("visa", lambda d: d[0] == "4", frozenset({13, 16, 19})),
    ("mastercard", lambda d: _in(d, 51, 55) or _in(d, 2221, 2720), frozenset({16})),
    ("discover", lambda d: d[:4] == "6011" or _in(d, 644, 649) or d[:2] == "65"
     or _in(d, 622126, 622925), frozenset(range(16, 20))),
    ("jcb", lambda d: _in(d, 3528, 3589), frozenset(range(16, 20))),
    ("jcb15", lambda d: d[:4] in ("1800", "2131"), frozenset({15})),
    ("diners", lambda d: _in(d, 300, 305) or d[:4] == "3095" or d[:2] in ("36", "38", "39"),
     frozenset(range(14, 20))),
    ("unionpay", lambda d: d[:2] in ("62", "81"), frozenset(range(16, 20))),
    ("maestro", lambda d: d[:4] in ("5018", "5020", "5038", "5893", "6304", "6759", "6761",
                                    "6762", "6763"), frozenset(range(12, 20))),
)
_CARD_GROUPINGS = frozenset({(4, 4, 4, 4), (4, 4, 4, 4, 3), (4, 6, 5), (4, 6, 4), (4, 4, 4, 2),
                             (4, 4, 4, 1), (4, 4, 4, 4, 2), (4, 4, 4, 4, 1), (4, 4, 4, 3)})


def card_scheme(digits: str) -> str | None:
    """The card scheme of a number whose prefix, length and Luhn digit all fit, else None."""
    if not 12 <= len(digits) <= 19 or not luhn_valid(digits):
        return None
    for name, prefix_ok, lengths in CARD_SCHEMES:
        if len(digits) in lengths and prefix_ok(digits):
            return name
    return None


def _score_card(match: re.Match[str], text: str) -> float | None:
    raw = match.group(0)
    if card_scheme(digits_of(raw)) is None:
        return None
    groups = tuple(len(g) for g in re.split("[ -]", raw))
    if len(groups) == 1:
        # a bare run of digits: one in ~30 random 16-digit numbers has a scheme prefix and
        # passes Luhn. Inside a sentence that is still most likely a card; a value that is
        # nothing but the number (a hex hash can be all digits) needs words around it or a
        # column of them (`detectors`)
        return 0.45 if match.group(0) == text.strip() else 0.6
    return 0.8 if groups in _CARD_GROUPINGS else 0.5


PAYMENT_CARD = PatternRecognizer(
    name="payment_card", kind=PiiKind.PAYMENT_CARD,
    prefilter="[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{2}",
    finder=re.compile(rf"{_NO_DIGITS_BEFORE}[0-9](?:[ -]?[0-9]){{11,18}}{_NO_DIGITS_AFTER}"),
    score=_score_card,
    context=words("card", "carte", "credit", "crédit", "debit", "débit", "visa", "mastercard",
                  "amex", "american express", "discover", "jcb", "unionpay", "cc", "cvv"),
    context_boost=0.2,
)


# --- IBAN: country, two check digits, mod-97 (python-stdnum knows each country's length).
def _score_iban(match: re.Match[str], text: str) -> float | None:
    return 0.85 if stdnum_iban.is_valid(match.group(0)) else None


IBAN = PatternRecognizer(
    name="iban", kind=PiiKind.IBAN,
    prefilter="[A-Z]{2}[0-9]{2}[ ]?[A-Z0-9]{4}[ ]?[A-Z0-9]{4}",
    finder=re.compile(
        r"(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?"
        r"(?![A-Za-z0-9])"),
    score=_score_iban,
    context=words("iban", "bank account", "compte", "virement", "account"),
    context_boost=0.15,
)


# --- Driver's licences. Reliable layouts alone: Ontario (a letter and 14 digits,
# A1234-56789-01234) and Quebec (a letter and 12 digits, A1234-123456-12). Any other
# jurisdiction only after the words "driver's licence" / "permis de conduire".
_DL_WORDS = (r"(?i:driver'?s?[ ]+licen[cs]e|driving[ ]+licen[cs]e|permis[ ]+de[ ]+conduire"
             r"|licen[cs]e[ ]+(?:number|no\.?|#)|dl[ ]*#?)")


def _score_dl(match: re.Match[str], text: str) -> float | None:
    if match.group("value_on") or match.group("value_qc"):
        return 0.8
    value = match.group("value_other")
    if value is None or sum(c.isdigit() for c in value) < 5:
        return None
    return 0.8


DRIVERS_LICENCE = PatternRecognizer(
    name="drivers_licence", kind=PiiKind.DRIVERS_LICENCE,
    prefilter=(r"[A-Z][0-9]{4}-?[0-9]{5,6}-?[0-9]{2}|(?i:licen[cs]e|permis de conduire|dl)"),
    finder=re.compile(
        r"(?<![A-Za-z0-9])(?:(?P<value_on>[A-Z][0-9]{4}-?[0-9]{5}-?[0-9]{5})"
        r"|(?P<value_qc>[A-Z][0-9]{4}-?[0-9]{6}-?[0-9]{2}))(?![A-Za-z0-9-])"
        rf"|{_DL_WORDS}[ ]*(?:(?i:is|was|number|no\.?|num[ée]ro)[ ]*)*[:#]?[ ]*"
        r"(?P<value_other>[A-Z0-9][A-Z0-9-]{4,17}[A-Z0-9])(?![A-Za-z0-9-])"),
    score=_score_dl,
    context=words("driver", "licence", "license", "permis"),
    context_boost=0.1,
)


# --- Licence plates: no layout is reliable alone (ABCD 123 is also a product code), so
# a plate is a plate only right after the words that say so.
def _score_plate(match: re.Match[str], text: str) -> float | None:
    value = match.group("value")
    has_digit = any(c.isdigit() for c in value)
    has_letter = any(c.isalpha() for c in value)
    return 0.8 if has_digit and has_letter else None


LICENCE_PLATE = PatternRecognizer(
    name="licence_plate", kind=PiiKind.LICENCE_PLATE,
    prefilter=r"(?i:plate|plaque|immatriculation|tag)",
    finder=re.compile(
        r"(?i:licen[cs]e[ ]+plate|plate|plaque(?:[ ]+d'immatriculation)?|immatriculation"
        r"|tag)[ ]*(?:(?i:number|no\.?|num[ée]ro|is|was|est|#)[ ]*)*[:#]?[ ]*"
        r"(?P<value>[A-Z0-9]{1,4}[ -]?[A-Z0-9]{2,4})(?![A-Za-z0-9])"),
    score=_score_plate,
)

RECOGNIZERS = (CA_SIN, US_SSN, PAYMENT_CARD, IBAN, DRIVERS_LICENCE, LICENCE_PLATE)
