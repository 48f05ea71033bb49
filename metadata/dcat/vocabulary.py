"""Namespaces and the controlled vocabularies DCAT-AP draws on (EU authority tables,
IANA media types, the default licence), and the errors of this package."""


from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, RDFS, SKOS, XSD

# rdflib's DCAT namespace is DCAT 2 and warns on DCAT 3 terms (hasVersion, version…)
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
# W3C Data Quality Vocabulary, and the dimensions it publishes (Zaveri et al.'s survey)
DQV = Namespace("http://www.w3.org/ns/dqv#")
LDQD = Namespace("http://www.w3.org/2016/05/ldqd#")

EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
EU_FREQUENCY = Namespace(EU_AUTHORITY + "frequency/")
EU_FILE_TYPE = Namespace(EU_AUTHORITY + "file-type/")
EU_LANGUAGE = Namespace(EU_AUTHORITY + "language/")
EU_DATA_THEME = Namespace(EU_AUTHORITY + "data-theme/")
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"

OGL_CANADA_URI = "https://open.canada.ca/en/open-government-licence-canada"
OGL_CANADA_TITLE = {
    "en": "Open Government Licence - Canada",
    "fr": "Licence du gouvernement ouvert - Canada",
}

PREFIXES = {
    "dcat": DCAT,
    "dct": DCTERMS,
    "foaf": FOAF,
    "vcard": VCARD,
    "spdx": SPDX,
    "gsp": GSP,
    "locn": LOCN,
    "adms": ADMS,
    "dqv": DQV,
    "ldqd": LDQD,
    "skos": SKOS,
    "xsd": XSD,
    "rdfs": RDFS,
}

# update_frequency in a spec (lower case, spaces/dashes as underscores) → EU frequency
FREQUENCIES = {
    "continuous": "UPDATE_CONT",
    "cont": "UPDATE_CONT",
    "realtime": "UPDATE_CONT",
    "real_time": "UPDATE_CONT",
    "hourly": "HOURLY",
    "daily": "DAILY",
    "weekdays": "DAILY",
    "weekly": "WEEKLY",
    "biweekly": "BIWEEKLY",
    "fortnightly": "BIWEEKLY",
    "monthly": "MONTHLY",
    "bimonthly": "BIMONTHLY",
    "quarterly": "QUARTERLY",
    "semiannual": "ANNUAL_2",
    "semi_annual": "ANNUAL_2",
    "biannual": "ANNUAL_2",
    "annual": "ANNUAL",
    "annually": "ANNUAL",
    "yearly": "ANNUAL",
    "biennial": "BIENNIAL",
    "irregular": "IRREG",
    "as_needed": "IRREG",
    "never": "NEVER",
    "unknown": "UNKNOWN",
    "other": "OTHER",
}

# format name in catalog.versions.files → (default media type, EU file type, extension)
FILE_FORMATS = {
    "csv": ("text/csv", "CSV", "csv"),
    "json": ("application/json", "JSON", "json"),
    "xml": ("application/xml", "XML", "xml"),
    "geojson": ("application/geo+json", "GEOJSON", "geojson"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX", "xlsx"),
    "parquet": ("application/vnd.apache.parquet", "PARQUET", "parquet"),
}

# EU data themes with their English and French labels
EU_THEMES = {
    "AGRI": (
        "Agriculture, fisheries, forestry and food",
        "Agriculture, pêche, sylviculture et alimentation",
    ),
    "ECON": ("Economy and finance", "Économie et finances"),
    "EDUC": ("Education, culture and sport", "Éducation, culture et sport"),
    "ENER": ("Energy", "Énergie"),
    "ENVI": ("Environment", "Environnement"),
    "GOVE": ("Government and public sector", "Gouvernement et secteur public"),
    "HEAL": ("Health", "Santé"),
    "INTR": ("International issues", "Questions internationales"),
    "JUST": (
        "Justice, legal system and public safety",
        "Justice, système juridique et sécurité publique",
    ),
    "OP_DATPRO": ("Provisional data", "Données provisoires"),
    "REGI": ("Regions and cities", "Régions et villes"),
    "SOCI": ("Population and society", "Population et société"),
    "TECH": ("Science and technology", "Science et technologie"),
    "TRAN": ("Transport", "Transports"),
}
THEME_ALIASES = {
    "agriculture": "AGRI",
    "food": "AGRI",
    "economy": "ECON",
    "finance": "ECON",
    "budget": "ECON",
    "business": "ECON",
    "education": "EDUC",
    "culture": "EDUC",
    "sport": "EDUC",
    "recreation": "EDUC",
    "energy": "ENER",
    "environment": "ENVI",
    "environnement": "ENVI",
    "climate": "ENVI",
    "government": "GOVE",
    "public sector": "GOVE",
    "health": "HEAL",
    "santé": "HEAL",
    "sante": "HEAL",
    "justice": "JUST",
    "public safety": "JUST",
    "safety": "JUST",
    "sécurité": "JUST",
    "regions": "REGI",
    "cities": "REGI",
    "urban planning": "REGI",
    "housing": "REGI",
    "population": "SOCI",
    "society": "SOCI",
    "demographics": "SOCI",
    "science": "TECH",
    "technology": "TECH",
    "transport": "TRAN",
    "transportation": "TRAN",
    "transports": "TRAN",
    "traffic": "TRAN",
}

LANGUAGE_CODES = {"en": "ENG", "fr": "FRA"}

DEFAULT_SHAPES_NAME = "3.0.1_dcat-ap-SHACL.ttl"
SHAPES_ENV = "CIVIC_DCAT_SHAPES"


class DcatError(ValueError):
    """Published records cannot be turned into DCAT; the message says which record."""


class ShapesNotFoundError(FileNotFoundError):
    """The official DCAT-AP SHACL shapes are not where we look for them."""
