"""Column-name hints, whole-value patterns and the name lists.

The patterns that find identifiers inside text live in `anonymization.recognizers`;
these are about a column as a whole. Every pattern is written in the common subset of
Python `re` and RE2 so that pandas runs it in pyarrow's C++ kernels.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

from anonymization.kinds import PiiKind
from anonymization.letters import LETTER, UPPER

# Word boundaries spelled as character classes, since `\b` forces the Python path.
_WORD = rf"[{UPPER}][{LETTER}'’-]+"

PHONE_BARE = r"^(?:\+?1)?[2-9][0-9]{2}[2-9][0-9]{6}$"
SIN_PLAIN = r"[1-79][0-9]{8}"
ZIP_US = r"^[0-9]{5}(?:-[0-9]{4})?$"
PLATE_VALUE = r"^[A-Za-z0-9]{1,4}[ -]?[A-Za-z0-9]{2,4}$"
LICENCE_VALUE = r"^[A-Za-z0-9][A-Za-z0-9 -]{4,18}[0-9]$"

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
    PiiKind.CA_SIN: frozenset({"sin", "nas", "insurance"}),
    PiiKind.US_SSN: frozenset({"ssn", "socialsecurity", "socsec"}),
    PiiKind.PAYMENT_CARD: frozenset({"card", "cardnumber", "creditcard", "cc", "pan", "carte"}),
    PiiKind.IBAN: frozenset({"iban", "bankaccount", "account"}),
    PiiKind.IP_ADDRESS: frozenset({"ip", "ipaddress", "ipv4", "ipv6", "clientip", "remoteaddr"}),
    PiiKind.LICENCE_PLATE: frozenset({"plate", "licenceplate", "licenseplate", "plaque",
                                      "immatriculation"}),
    PiiKind.DRIVERS_LICENCE: frozenset({"driverslicence", "driverslicense", "driverlicence",
                                        "driverlicense", "dl", "permis", "permisconduire"}),
    PiiKind.POSTAL_CODE: frozenset({"postal", "postcode", "postalcode", "zip", "zipcode", "cp"}),
    PiiKind.DATE_OF_BIRTH: frozenset(
        {"dob", "birth", "birthdate", "birthday", "naissance", "born"}
    ),
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
# A structured column named for places holds places, however many are named after people
# ("Carleton Green", "Laurier Avenue"), unless its name also says a person is in it.
PLACE_COLUMN = frozenset(
    {"street", "streetname", "rue", "road", "avenue", "neighbourhood", "neighborhood",
     "quartier", "ward", "district", "borough", "arrondissement", "city", "ville", "town",
     "municipality", "park", "parc", "place", "area", "zone", "region", "community", "nc",
     "ncname", "council", "precinct", "facility", "building", "intersection"}
)
PERSON_IN_COLUMN = frozenset(
    {"requester", "applicant", "complainant", "resident", "contact", "person", "owner",
     "firstname", "lastname", "surname", "givenname", "fullname", "prenom", "caller",
     "customer", "citizen", "employee", "inspector", "author", "user"}
)


def names_places(column: object) -> bool:
    """Whether a column's name says its values are places, not people."""
    tokens = column_tokens(column)
    return bool(tokens & PLACE_COLUMN) and not tokens & PERSON_IN_COLUMN


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
