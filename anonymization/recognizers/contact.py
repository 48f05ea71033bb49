"""Phone numbers (libphonenumber), e-mail and IP addresses."""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

import phonenumbers

from anonymization.kinds import PiiKind
from anonymization.recognizers.base import PatternRecognizer, digits_of, words

# --- Phones. North American layouts are judged by libphonenumber's "possible" test
# (length), not "valid" (assigned area code and exchange): 613-155-0199 has no valid
# exchange, yet a resident typing it meant a phone number. National layouts of other
# countries (a leading trunk 0) must be valid in one of the regions residents come from.
NATIONAL_REGIONS = ("FR", "GB", "BE", "CH", "DE", "IT", "ES", "NL", "PT", "IE", "AU", "IN")
_PHONE_CONTEXT = words(
    "phone", "tel", "tél", "telephone", "téléphone", "call", "called", "calling", "cell",
    "cellulaire", "mobile", "portable", "fax", "reach", "text", "appeler", "rappeler",
    "joindre", "numéro", "number", "contact")


_EXTENSION = re.compile(r"[ ]?(?:x|ext\.?|poste)[ ]?[0-9]{1,6}$")


@lru_cache(maxsize=65_536)
def _nanp_valid(area_and_exchange: str) -> bool:
    # libphonenumber's North American validity depends on area code and exchange only
    number = phonenumbers.parse(f"+1{area_and_exchange}0100", None)
    return phonenumbers.is_valid_number(number)


def _phone_score(raw: str) -> float | None:
    raw = _EXTENSION.sub("", raw).strip()
    if raw.startswith("011"):
        raw = "+" + raw[3:].lstrip(" .-")
    elif raw.startswith("00"):
        raw = "+" + raw[2:].lstrip(" .-")
    digits = digits_of(raw)
    nanp = digits[1:] if len(digits) == 11 and digits[0] == "1" else digits
    if len(nanp) == 10 and not raw.lstrip().startswith("+") and digits[0] != "0":
        # every ten-digit North American number is "possible"; parsing a million of them
        # costs seconds, so only the area code and exchange are looked up (cached)
        if not any(not c.isdigit() for c in raw):
            return 0.3
        return 0.75 if _nanp_valid(nanp[:6]) else 0.55
    try:
        if raw.lstrip().startswith("+"):
            number = phonenumbers.parse(raw, None)
            if phonenumbers.is_valid_number(number):
                return 0.85
            return 0.6 if phonenumbers.is_possible_number(number) else None
        if digits[0] == "0":
            separated = any(not c.isdigit() for c in raw)
            for region in NATIONAL_REGIONS:
                if phonenumbers.is_valid_number(phonenumbers.parse(raw, region)):
                    return 0.55 if separated else 0.3
            return None
        number = phonenumbers.parse(raw, "CA")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    separated = any(not c.isdigit() for c in raw)
    if not separated:
        # a bare run of ten digits is more often an order or account number
        return 0.3
    return 0.75 if phonenumbers.is_valid_number(number) else 0.55


def _score_phone(match: re.Match[str], text: str) -> float | None:
    return _phone_score(match.group(0))


PHONE = PatternRecognizer(
    name="phone", kind=PiiKind.PHONE,
    prefilter=(r"(?:\+|00|011)[ .-]?[1-9][0-9 .()-]{6,}|[0-9]{3}\)?[ .-]?[0-9]{3}[ .-][0-9]{4}"
               r"|\(?0[0-9]{1,4}\)?[ .-]?[0-9]{2,4}[ .-]?[0-9]{2,4}|[0-9]{10}"),
    finder=re.compile(
        r"(?<![0-9A-Za-z+])(?<![0-9][ .-])(?:"
        r"(?:\+|00|011[ .-]?)[1-9][0-9]{0,2}(?:[ .-]?\(?[0-9]{1,4}\)?){2,6}"
        r"|(?:1[ .-]?)?(?:\([0-9]{3}\)[ .-]?|[0-9]{3}[ .-])[0-9]{3}[ .-][0-9]{4}"
        r"|\(0[0-9]{1,4}\)[ ]?[0-9]{2,4}(?:[ .-]?[0-9]{2,4}){0,2}"
        r"|0[0-9]{1,4}(?:[ .-][0-9]{2,4}){1,4}"
        r"|[01]?[0-9]{10}"
        r")(?:[ ]?(?:x|ext\.?|poste)[ ]?[0-9]{1,6})?(?![0-9A-Za-z])(?![ .-][0-9])"),
    score=_score_phone,
    context=_PHONE_CONTEXT,
    context_boost=0.25,
)


# --- E-mail: the pattern is the validation (a dotted domain ending in letters).
EMAIL_PATTERN = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"

EMAIL = PatternRecognizer(
    name="email", kind=PiiKind.EMAIL,
    prefilter=EMAIL_PATTERN,
    finder=re.compile(rf"(?<![A-Za-z0-9._%+-]){EMAIL_PATTERN}(?![A-Za-z0-9-])"),
    score=lambda match, text: 0.9,
    context=words("email", "e-mail", "courriel", "mail"),
    context_boost=0.1,
)


# --- IP addresses: four octets of at most 255, or a valid IPv6 address.
_VERSION_BEFORE = re.compile(r"(?<![A-Za-z])(?i:version|ver\.?|v|release|section|§)[ ]*$")


def _score_ip(match: re.Match[str], text: str) -> float | None:
    raw = match.group(0)
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return None
    if address.version == 6:
        return 0.7 if ":" in raw and sum(c.isalnum() for c in raw) >= 6 else None
    # 1.2.3.4 after "version" or "section" is a number, not a host
    if _VERSION_BEFORE.search(text, max(0, match.start() - 12), match.start()):
        return 0.15
    return 0.6


IP_ADDRESS = PatternRecognizer(
    name="ip_address", kind=PiiKind.IP_ADDRESS,
    prefilter=(r"[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}"
               r"|[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}"),
    finder=re.compile(
        r"(?<![0-9.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![0-9]|\.[0-9])"
        r"|(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![0-9A-Fa-f:])"),
    score=_score_ip,
    context=words("ip", "adresse ip", "ip address", "host", "ipv4", "ipv6"),
    context_boost=0.3,
)

RECOGNIZERS = (EMAIL, PHONE, IP_ADDRESS)
