"""Regular expressions, name lists and column-name hints shared by detection, redaction and scan.

Every pattern is written in the common subset of Python `re` and RE2 (no `\\s`, `\\d`,
`\\w`, `\\b`, lookarounds or backreferences): pandas then runs `.str.contains` on
pyarrow-backed strings in C++ instead of falling back to a Python loop, which is what
keeps a full scan of a million rows in seconds.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from importlib import resources

from anonymization.kinds import PiiKind

# Word boundaries spelled as character classes, since `\b` forces the Python path.
_LEFT = r"(?:^|[^0-9A-Za-zÀ-ÿ_])"
_RIGHT = r"(?:[^0-9A-Za-zÀ-ÿ_]|$)"
_WORD = r"[A-ZÀ-Ý][A-Za-zÀ-ÿ'’-]+"

EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"

# North American numbers need a separator or brackets: a bare run of ten digits is far
# more often an order or account number than a phone number.
PHONE = (
    r"(?:(?:\+?1[ .-]?)?(?:\([2-9][0-9]{2}\)[ .-]?|[2-9][0-9]{2}[ .-])[2-9][0-9]{2}[ .-][0-9]{4}"
    r"|\+[2-9][0-9]{0,2}(?:[ .-]?[0-9]{1,4}){3,6})"
)
PHONE_BARE = r"^(?:\+?1)?[2-9][0-9]{2}[2-9][0-9]{6}$"

SIN_SEPARATED = r"[1-79][0-9]{2}(?:-[0-9]{3}-|[ ][0-9]{3}[ ])[0-9]{3}"
SIN_PLAIN = r"[1-79][0-9]{8}"
SIN_CONTEXT = r"(?i:sin|nas|social insurance|assurance sociale)"

# Letters D, F, I, O, Q, U never appear in Canadian postal codes; W and Z never lead.
POSTAL_CA = r"[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z][ -]?[0-9][ABCEGHJ-NPRSTV-Z][0-9]"
ZIP_US = r"^[0-9]{5}(?:-[0-9]{4})?$"

_STREET_TYPES = (
    "Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Drive|Dr|Crescent|Cres|Court|Crt|Ct|"
    "Lane|Ln|Way|Place|Pl|Terrace|Terr|Parkway|Pkwy|Circle|Cir|Trail|Highway|Hwy|"
    "Square|Sq|Gate|Grove|Heights|Private|Row"
)
_RUE_TYPES = (
    "rue|Rue|avenue|boulevard|boul\\.?|chemin|Chemin|ch\\.|place|route|Route|rang|Rang|"
    "montée|Montée|impasse|Impasse|allée|Allée|promenade|Promenade"
)
STREET_ADDRESS = (
    r"(?:[0-9]{1,5}[A-Za-z]?(?:-[0-9]{1,5})?,?[ ]+(?:[A-Z0-9][A-Za-zÀ-ÿ'.-]*[ ]+){1,4}"
    rf"(?i:{_STREET_TYPES})\.?"
    rf"|[0-9]{{1,5}}[A-Za-z]?,?[ ]+(?:{_RUE_TYPES})[ ]+"
    rf"(?:(?:de|du|des|la|le|l'|d'|Saint|Sainte|St|Ste)[ -]+)*{_WORD})"
)

_MONTHS = (
    "Jan|January|Feb|February|Mar|March|Apr|April|May|Jun|June|Jul|July|Aug|August|"
    "Sep|Sept|September|Oct|October|Nov|November|Dec|December|"
    "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
)
DATE = (
    r"(?:[12][0-9]{3}-[01][0-9]-[0-3][0-9]|[0-3]?[0-9]/[01]?[0-9]/[12][0-9]{3}"
    rf"|(?:{_MONTHS})\.? [0-3]?[0-9],? [12][0-9]{{3}}|[0-3]?[0-9] (?:{_MONTHS}) [12][0-9]{{3}})"
)
# A date only says "birth" when the words around it do; event dates are everywhere.
DATE_OF_BIRTH = (
    r"(?i:born|dob|d\.o\.b\.?|date of birth|birth ?date|birthday|née?|date de naissance)"
    rf"[ :,-]*(?:on[ ]+|le[ ]+)?{DATE}"
)
AGE = (
    r"(?:[0-9]{1,3}[ -](?i:years?|yrs?)[ -](?i:old)|(?i:aged?)[ :]+[0-9]{1,3}"
    r"|(?i:âgée?) de [0-9]{1,3} ans)"
)
COORDINATE_PAIR = r"-?[0-9]{1,2}\.[0-9]{3,}[ ]*,[ ]*-?[0-9]{1,3}\.[0-9]{3,}"
WKT_POINT = r"(?i:point)[ ]*\([ ]*-?[0-9]{1,3}(?:\.[0-9]+)?[ ]+-?[0-9]{1,3}(?:\.[0-9]+)?[ ]*\)"
COORDINATES = rf"(?:{COORDINATE_PAIR}|{WKT_POINT})"

TITLES = r"(?:Mr|Mrs|Ms|Miss|Dr|Mme|Mlle|M\.)\.?"


def _read_names(filename: str) -> tuple[str, ...]:
    text = resources.files("anonymization").joinpath("data", filename).read_text("utf-8")
    names = (line.strip() for line in text.splitlines())
    return tuple(sorted({n for n in names if n and not n.startswith("#")}, key=str.lower))


@lru_cache(maxsize=1)
def first_names() -> tuple[str, ...]:
    return _read_names("first_names.txt")


@lru_cache(maxsize=1)
def surnames() -> tuple[str, ...]:
    return _read_names("surnames.txt")


def _alternation(words: tuple[str, ...]) -> str:
    # Longest first so that "Marie" does not stop the match of "Marie-Claire" early.
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def person_name_in_text() -> str:
    """A listed given name followed by a capitalized word, or a title and a surname."""
    return (
        rf"(?:(?:{_alternation(first_names())})(?:-{_WORD})?[ ]+{_WORD}(?:[ -]{_WORD})?"
        rf"|{TITLES}[ ]+{_WORD})"
    )


@lru_cache(maxsize=1)
def person_name_value() -> str:
    """A whole value shaped like a name whose surname is listed ("Xavi Gagnon", "Gagnon, Xavi")."""
    last = _alternation(surnames())
    return rf"^(?:{_WORD}(?:[ ]+{_WORD})?[ ]+(?:{last})|(?:{last}),[ ]*{_WORD}(?:[ ]+{_WORD})?)$"


# Kinds found inside any string, with the pattern that finds them. Order matters for
# redaction: e-mails before names (a local part can hold a name) and addresses before
# postal codes and numbers.
TEXT_KINDS: tuple[PiiKind, ...] = (
    PiiKind.EMAIL,
    PiiKind.STREET_ADDRESS,
    PiiKind.CA_SIN,
    PiiKind.PHONE,
    PiiKind.POSTAL_CODE,
    PiiKind.COORDINATES,
    PiiKind.DATE_OF_BIRTH,
    PiiKind.AGE,
    PiiKind.PERSON_NAME,
)


def text_pattern(kind: PiiKind) -> str:
    """The unanchored core pattern of a kind (no boundaries)."""
    return {
        PiiKind.EMAIL: EMAIL,
        PiiKind.STREET_ADDRESS: STREET_ADDRESS,
        PiiKind.CA_SIN: f"(?:{SIN_SEPARATED}|{SIN_PLAIN})",
        PiiKind.PHONE: PHONE,
        PiiKind.POSTAL_CODE: POSTAL_CA,
        PiiKind.COORDINATES: COORDINATES,
        PiiKind.DATE_OF_BIRTH: DATE_OF_BIRTH,
        PiiKind.AGE: AGE,
        PiiKind.PERSON_NAME: person_name_in_text(),
    }[kind]


def bounded(core: str) -> str:
    """Core pattern between word boundaries, for vectorized `.str.contains`."""
    return f"{_LEFT}(?:{core}){_RIGHT}"


@cache
def replace_regex(kind: PiiKind) -> re.Pattern[str]:
    """Compiled Python pattern for redaction, where lookarounds are allowed."""
    edge = r"0-9A-Za-zÀ-ÿ_"
    if kind is PiiKind.EMAIL:
        edge = r"0-9A-Za-z._%+-"
    return re.compile(rf"(?<![{edge}])(?:{text_pattern(kind)})(?![{edge}])")


SIN_CANDIDATE = re.compile(rf"(?<![0-9])(?:{SIN_SEPARATED}|{SIN_PLAIN})(?![0-9])")
SIN_CONTEXT_RE = re.compile(rf"(?<![A-Za-z]){SIN_CONTEXT}(?![A-Za-z])")


def luhn_valid(digits: str) -> bool:
    """Luhn checksum, the check digit every SIN carries."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def sin_candidates(text: str) -> list[tuple[str, bool]]:
    """Every SIN-shaped number in text as (digits, separated?), Luhn-valid ones only."""
    found = []
    for match in SIN_CANDIDATE.finditer(text):
        raw = match.group(0)
        digits = raw.replace(" ", "").replace("-", "")
        if luhn_valid(digits):
            found.append((digits, len(raw) != len(digits)))
    return found


# Column-name hints: tokens of a normalized column name that suggest a kind.
NAME_HINTS: dict[PiiKind, frozenset[str]] = {
    PiiKind.PERSON_NAME: frozenset(
        {"name", "fullname", "firstname", "lastname", "surname", "givenname", "nom", "prenom",
         "requester", "applicant", "complainant", "resident", "contact", "person", "owner"}
    ),
    PiiKind.STREET_ADDRESS: frozenset({"address", "addr", "adresse", "civic", "streetaddress"}),
    PiiKind.PHONE: frozenset(
        {"phone", "tel", "telephone", "mobile", "cell", "cellphone", "fax", "phonenumber"}
    ),
    PiiKind.EMAIL: frozenset({"email", "mail", "courriel", "emailaddress"}),
    PiiKind.CA_SIN: frozenset({"sin", "nas", "ssn", "insurance"}),
    PiiKind.POSTAL_CODE: frozenset({"postal", "postcode", "postalcode", "zip", "zipcode", "cp"}),
    PiiKind.DATE_OF_BIRTH: frozenset({"dob", "birth", "birthdate", "birthday", "naissance", "born"}),
    PiiKind.AGE: frozenset({"age", "ages", "agee"}),
    PiiKind.COORDINATES: frozenset(
        {"lat", "latitude", "lon", "lng", "long", "longitude", "coord", "coords", "coordinates",
         "geom", "geometry", "point", "wkt", "location", "xcoord", "ycoord"}
    ),
}
# A "name" column about one of these is not a person's name.
NOT_A_PERSON = frozenset(
    {"street", "neighbourhood", "neighborhood", "ward", "product", "file", "dataset", "company",
     "business", "park", "place", "city", "road", "area", "district", "department", "type",
     "category", "facility", "building", "program", "service", "layer", "field", "column"}
)
ZIP_HINTS = frozenset({"zip", "zipcode"})


def column_tokens(column: object) -> frozenset[str]:
    """Lower-case ASCII tokens of a column name: 'requesterEmail' -> {requester, email}."""
    text = str(column)
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    tokens = {t for t in re.split(r"[^a-z0-9]+", text) if t}
    # "first_name" also as "firstname", so one hint word covers both spellings
    return frozenset(tokens | {re.sub(r"[^a-z0-9]", "", text)})


def hinted_kinds(column: object) -> frozenset[PiiKind]:
    tokens = column_tokens(column)
    kinds = {kind for kind, words in NAME_HINTS.items() if tokens & words}
    if PiiKind.PERSON_NAME in kinds and tokens & NOT_A_PERSON:
        kinds.discard(PiiKind.PERSON_NAME)
    return frozenset(kinds)
