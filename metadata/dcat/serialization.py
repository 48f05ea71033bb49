"""Turtle, JSON-LD and RDF/XML serializations of a DCAT graph."""


from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph

from metadata.dcat.vocabulary import PREFIXES


@dataclass(frozen=True)
class RdfFormat:
    name: str  # our name, used by serialize()
    rdflib_format: str
    media_type: str
    extension: str


RDF_FORMATS = {
    "turtle": RdfFormat("turtle", "turtle", "text/turtle", "ttl"),
    "json-ld": RdfFormat("json-ld", "json-ld", "application/ld+json", "jsonld"),
    "rdf/xml": RdfFormat("rdf/xml", "xml", "application/rdf+xml", "rdf"),
}
_FORMAT_ALIASES = {
    "turtle": "turtle",
    "ttl": "turtle",
    "json-ld": "json-ld",
    "jsonld": "json-ld",
    "rdf/xml": "rdf/xml",
    "rdfxml": "rdf/xml",
    "xml": "rdf/xml",
    "rdf": "rdf/xml",
    "rdf+xml": "rdf/xml",
}
# media types a client may ask for, most specific first; application/json is JSON-LD
MEDIA_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/json": "json-ld",
    "application/rdf+xml": "rdf/xml",
    "application/xml": "rdf/xml",
    "text/xml": "rdf/xml",
    "application/x-turtle": "turtle",
}
DEFAULT_FORMAT = "turtle"


def rdf_format(fmt: str) -> RdfFormat:
    """The RdfFormat for a name or file extension (`ttl`, `jsonld`, `rdf`, `rdf/xml`…)."""
    name = _FORMAT_ALIASES.get(fmt.lower().lstrip("."))
    if name is None:
        raise ValueError(f"unknown RDF format '{fmt}'; use turtle, json-ld or rdf/xml")
    return RDF_FORMATS[name]


def jsonld_context() -> dict[str, str]:
    """The JSON-LD context of our documents: the prefixes we use."""
    return {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


def serialize(graph: Graph, fmt: str) -> str:
    """The graph as Turtle, compact JSON-LD (with an inline context) or RDF/XML."""
    target = rdf_format(fmt)
    if target.name == "json-ld":
        return graph.serialize(format="json-ld", context=jsonld_context(), auto_compact=True)
    return graph.serialize(format=target.rdflib_format)
