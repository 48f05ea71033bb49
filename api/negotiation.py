"""HTTP content negotiation: which RDF serialization an Accept header asks for."""

from __future__ import annotations

from metadata.dcat import RDF_FORMATS
from metadata.dcat.serialization import DEFAULT_FORMAT, MEDIA_TYPES


def _parse_accept(accept_header: str) -> list[tuple[str, float, int]]:
    ranges = []
    for position, item in enumerate(accept_header.split(",")):
        parts = [part.strip() for part in item.split(";")]
        media_range = parts[0].lower()
        if not media_range:
            continue
        quality = 1.0
        for parameter in parts[1:]:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append((media_range, quality, position))
    return ranges


def negotiate_format(accept_header: str | None) -> tuple[str, str]:
    """(format name, media type) for an Accept header; Turtle when nothing we serve fits.

    The highest q-value wins; among equals, an exact media type beats `type/*`, which
    beats `*/*`, then the order in the header. q=0 refuses a type.
    """
    best: tuple[float, int, int, str] | None = None
    refused = set()
    for media_range, quality, _position in _parse_accept(accept_header or ""):
        if media_range in MEDIA_TYPES and quality == 0:
            refused.add(MEDIA_TYPES[media_range])
    for media_range, quality, position in _parse_accept(accept_header or ""):
        if quality <= 0:
            continue
        if media_range in MEDIA_TYPES:
            candidates, specificity = [MEDIA_TYPES[media_range]], 2
        elif media_range.endswith("/*"):
            prefix = media_range[:-1]
            candidates = [name for mt, name in MEDIA_TYPES.items() if mt.startswith(prefix)]
            if media_range == "*/*":
                candidates = [DEFAULT_FORMAT, "json-ld", "rdf/xml"]
            specificity = 0 if media_range == "*/*" else 1
        else:
            continue
        candidates = [name for name in candidates if name not in refused]
        if not candidates:
            continue
        key = (quality, specificity, -position, candidates[0])
        if best is None or key[:3] > best[:3]:
            best = key
    name = best[3] if best else DEFAULT_FORMAT
    return name, RDF_FORMATS[name].media_type
