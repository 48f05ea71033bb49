"""Where a person lives: street addresses in running text, postal codes, coordinates.

Street addresses are matched by their structure (a civic number, a street name, a
street type, in the English and French orders) rather than parsed with a
CRF model such as usaddress, which expects to be given an address, not to find one.
A unit, a city with its province or state, or a postal code raises the confidence.
"""

from __future__ import annotations

import re

from anonymization.kinds import PiiKind
from anonymization.letters import LETTER, UPPER
from anonymization.recognizers.base import L, PatternRecognizer, R, words

STREET_TYPES = (
    "Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Drive|Dr|Crescent|Cres|Court|Crt|Ct|"
    "Lane|Ln|Way|Place|Pl|Terrace|Terr|Parkway|Pkwy|Circle|Cir|Trail|Trl|Highway|Hwy|"
    "Square|Sq|Gate|Grove|Heights|Private|Row|Alley|Plaza|Point|Pike|Loop|Path|Close|Mews|"
    "Promenade|Esplanade|Line|Sideroad|Concession|Crossing|Landing|Bend|Ridge|View"
)
# The US Postal Service's standard street suffixes (Publication 28, appendix C1) beyond
# the ones above; used only after a civic number, since many are also surnames (Hill).
USPS_SUFFIXES = (
    "Alley|Annex|Arcade|Bayou|Beach|Bluffs?|Bottom|Branch|Bridge|Brooks?|Burgs?|Bypass|Camp|"
    "Canyon|Cape|Causeway|Centers?|Centre|Circles|Cliffs?|Club|Commons?|Corners?|Course|Courts|"
    "Coves?|Creek|Crest|Crossroads?|Curve|Dale|Dam|Divide|Drives|Estates?|Expressway|"
    "Extensions?|Falls?|Ferry|Fields?|Flats?|Fords?|Forest|Forges?|Forks?|Fort|Freeway|"
    "Gardens?|Gateway|Glens?|Greens?|Groves|Harbou?rs?|Haven|Hills?|Hollow|Inlet|Islands?|"
    "Isle|Junctions?|Keys?|Knolls?|Lakes?|Land|Lights?|Loaf|Locks?|Lodge|Mall|Manors?|"
    "Meadows?|Mills?|Mission|Motorway|Mount|Mountains?|Neck|Orchard|Oval|Overpass|Parks?|"
    "Parkways|Pass|Passage|Pines?|Plains?|Points|Ports?|Prairie|Radial|Ramp|Ranch|Rapids?|"
    "Rest|Ridges|River|Roads|Route|Run|Shoals?|Shores?|Skyway|Springs?|Spurs?|Squares|Station|"
    "Stravenue|Stream|Streets|Summit|Throughway|Trace|Track|Trafficway|Trailer|Tunnel|"
    "Turnpike|Underpass|Unions?|Valleys?|Viaduct|Views|Villages?|Ville|Vista|Walks?|Wall|"
    "Ways|Wells?"
)
RUE_TYPES = (
    "rue|avenue|av|boulevard|boul|bd|chemin|ch|place|route|rang|montée|impasse|allée|"
    "promenade|côte|croissant|carré|voie|quai|rond-point|square|terrasse|ruelle|autoroute"
)
_NAME_WORD = rf"[0-9{UPPER}][{LETTER}'’.-]*"
_FR_NAME = rf"[0-9{UPPER}][{LETTER}'’-]*"
_DIRECTION = r"(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West|Nord|Sud|Est|Ouest|O)\.?"
_UNIT = (r"(?:,?[ ]+(?:(?i:apt|apartment|unit|suite|ste|app|appartement|bureau|logement)\.?"
         r"[ ]*#?[ ]*[0-9A-Za-z-]{1,6}|#[ ]?[0-9A-Za-z-]{1,6}))")
_REGION_CODES = ("AB|BC|MB|NB|NL|NS|NT|NU|ON|PE|QC|SK|YT|AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|"
              "IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|"
              "RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY")
_PROVINCES = f"{_REGION_CODES}|Québec|Quebec|Ontario|Ont|Qué"
POSTAL_CA = r"[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z][ -]?[0-9][ABCEGHJ-NPRSTV-Z][0-9]"
_PLACE_WORD = rf"[{UPPER}][{LETTER}'’.-]*"
_LOCALITY = (rf"(?:,[ ]*{_PLACE_WORD}(?:[ -]{_PLACE_WORD}){{0,2}}"
             rf"(?:,?[ ]*\(?(?:{_PROVINCES})\)?)?"
             rf"(?:,?[ ]+(?:{POSTAL_CA}|[0-9]{{5}}(?:-[0-9]{{4}})?))?)")
_NUMBER = r"[0-9]{1,6}[A-Za-z]?(?:-[0-9]{1,5})?(?:[ ]?1/2)?"


def _score_address(match: re.Match[str], text: str) -> float | None:
    extra = match.group("unit") or match.group("locality")
    return 0.9 if extra else 0.75


STREET_ADDRESS = PatternRecognizer(
    name="street_address", kind=PiiKind.STREET_ADDRESS,
    prefilter=(rf"[0-9]{{1,6}}[A-Za-z]?[ ,-].*(?:(?i:{STREET_TYPES}|{RUE_TYPES})|{USPS_SUFFIXES})"
               r"|(?i:p\.? ?o\.? box|c\.? ?p\.? [0-9]|case postale)"),
    finder=re.compile(
        rf"{L}(?:{_NUMBER},?[ ]+(?:{_DIRECTION}[ ]+)?(?:{_NAME_WORD}[ ]+){{1,4}}"
        rf"(?:(?i:{STREET_TYPES})|{USPS_SUFFIXES})\.?(?:[ ]+{_DIRECTION})?{R}"
        rf"|{_NUMBER},?[ ]+(?i:{RUE_TYPES})\.?[ ]+"
        rf"(?:(?:de|du|des|la|le|l'|d'|Saint|Sainte|St|Ste)[ -]+)*{_FR_NAME}"
        rf"(?:[ -](?:{_FR_NAME}|de|du|des|la|le))*?(?:[ ]+{_DIRECTION})?{R}"
        r"|(?i:p\.?[ ]?o\.?[ ]?box|c\.?[ ]?p\.?|case[ ]postale)[ ]*[0-9]{1,6}{R})"
        rf"(?P<unit>{_UNIT})?(?P<locality>{_LOCALITY})?"),
    score=_score_address,
    context=words("address", "adresse", "lives", "habite", "domicile", "résidence", "residence",
                  "in front of", "devant", "at"),
    context_boost=0.1,
)


# --- Canadian postal code: the letters D, F, I, O, Q, U never appear, W and Z never lead.
POSTAL_CODE = PatternRecognizer(
    name="postal_code", kind=PiiKind.POSTAL_CODE,
    prefilter=POSTAL_CA,
    finder=re.compile(rf"{L}{POSTAL_CA}{R}"),
    score=lambda match, text: 0.7,
    context=words("postal", "code postal", "postal code", "cp"),
    context_boost=0.2,
)

# --- US ZIP code: five digits are everywhere, so only after "ZIP" or a state code.
US_ZIP = PatternRecognizer(
    name="us_zip", kind=PiiKind.POSTAL_CODE,
    prefilter="[0-9]{5}",
    finder=re.compile(r"(?<![0-9-])[0-9]{5}(?:-[0-9]{4})?(?![0-9]|-[0-9])"),
    score=lambda match, text: 0.1,
    context=re.compile(rf"{L}(?i:zip|zip code|zipcode)|[ ,](?:{_REGION_CODES})[ ]+$"),
    context_boost=0.6,
)

# --- Coordinates precise enough to point at a building (three decimals ~ 100 m).
COORDINATE_PAIR = r"-?[0-9]{1,2}\.[0-9]{3,}[ ]*,[ ]*-?[0-9]{1,3}\.[0-9]{3,}"
WKT_POINT = (r"(?i:point)[ ]*\([ ]*-?[0-9]{1,3}(?:\.[0-9]+)?[ ]+-?[0-9]{1,3}(?:\.[0-9]+)?"
             r"[ ]*\)")

COORDINATES = PatternRecognizer(
    name="coordinates", kind=PiiKind.COORDINATES,
    prefilter=f"{COORDINATE_PAIR}|{WKT_POINT}",
    finder=re.compile(rf"(?<![0-9.])(?:{COORDINATE_PAIR})(?![0-9])|{WKT_POINT}"),
    score=lambda match, text: 0.7,
    context=words("lat", "latitude", "lon", "longitude", "gps", "coordinates", "coordonnées"),
    context_boost=0.2,
)

RECOGNIZERS = (STREET_ADDRESS, POSTAL_CODE, US_ZIP, COORDINATES)
