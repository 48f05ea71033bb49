"""package_search over the catalogue's packages, with the part of CKAN's Solr syntax
that its clients use.

- `q`: words (all must appear, in the title, name, description, tags, organization or
  French title and description; a leading `-` excludes), `"quoted phrases"`, and
  `field:value` like in `fq`; `*:*` or nothing is everything. Score: title hits count
  three, tag hits two, other hits one.
- `fq`: `field:value`, `field:"a value"`, `+field:value`, `-field:value` (excluded) and
  ranges `field:[from TO to]` (`*` open) on dates, as CKAN's own harvester sends
  (`metadata_modified:[2026-01-01T00:00:00Z TO *]`); `AND` between terms is accepted.
- `sort`: `field asc|desc`, comma-separated, on score, id, name, title (or
  title_string), metadata_created, metadata_modified, num_resources, num_tags.
- facets on tags, organization, res_format, license_id, groups, and dataset_type.

The catalogue is small (a city's datasets), so this runs over the packages in memory.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from api.ckan.errors import SearchQueryError

FACETABLE = ("tags", "organization", "res_format", "license_id", "groups", "dataset_type")
SORTABLE = ("score", "id", "name", "title", "title_string", "metadata_created",
            "metadata_modified", "num_resources", "num_tags")
_TERM = re.compile(
    r'(?P<sign>[+-]?)(?:(?P<field>[A-Za-z_][\w.]*):)?'
    r'(?:"(?P<quoted>[^"]*)"|\[(?P<range>[^\]]*)\]|(?P<bare>[^\s"\[\]]+))')
_RANGE = re.compile(r"^\s*(\S+)\s+TO\s+(\S+)\s*$")


def _scalar(package: dict[str, Any], *, name: str) -> list[str]:
    value = package.get(name)
    return [str(value)] if value is not None else []


_FIELDS: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    "tags": lambda p: [tag["name"] for tag in p["tags"]],
    "organization": lambda p: [p["organization"]["name"]] if p.get("organization") else [],
    "res_format": lambda p: [resource["format"] for resource in p["resources"]],
    "groups": lambda p: [group["name"] for group in p["groups"]],
    "dataset_type": lambda p: [p["type"]],
    "text": lambda p: [_text(p)],
    **{name: partial(_scalar, name=name)
       for name in ("id", "name", "title", "notes", "license_id", "metadata_created",
                    "metadata_modified", "state", "type", "version", "maintainer", "author",
                    "url")},
}


def _values(package: dict[str, Any], name: str) -> list[str]:
    """Every value a package has for a Solr field name."""
    return _FIELDS[name](package)


def _known(name: str, parameter: str) -> str:
    if name not in _FIELDS:
        raise SearchQueryError(f"{parameter}: unknown field '{name}'; fields are "
                               f"{', '.join(sorted(_FIELDS))}")
    return name


_TEXT_FIELDS = {"title", "notes", "text", "maintainer", "author"}


def _text(package: dict[str, Any]) -> str:
    extras = {e["key"]: e["value"] for e in package["extras"]}
    parts = [package["name"], package["title"], package["notes"],
             *(t["name"] for t in package["tags"]), package["organization"]["title"],
             extras.get("title_fr", ""), extras.get("notes_fr", "")]
    return " ".join(p for p in parts if p).lower()


def _time_key(text: str) -> str:
    """A date-time as comparable text: CKAN's form, without Solr's Z."""
    return text.rstrip("Zz").replace(" ", "T")


@dataclass(frozen=True)
class _Condition:
    test: Callable[[dict[str, Any]], bool]
    exclude: bool


def _field_test(name: str, *, value: str | None = None,
                span: str | None = None) -> Callable[[dict[str, Any]], bool]:
    if span is not None:
        found = _RANGE.match(span)
        if not found:
            raise SearchQueryError(f"range [{span}] is not of the form [from TO to]")
        low, high = (None if v == "*" else _time_key(v) for v in found.groups())

        def in_range(package: dict[str, Any]) -> bool:
            return any((low is None or _time_key(v) >= low) and (high is None or
                                                                 _time_key(v) <= high)
                       for v in _values(package, name))
        return in_range
    wanted = (value or "").lower()
    if wanted == "*":
        return lambda package: bool(_values(package, name))
    if name in _TEXT_FIELDS:
        return lambda package: any(wanted in v.lower() for v in _values(package, name))
    return lambda package: any(wanted == v.lower() for v in _values(package, name))


def parse_query(text: str | None, *, parameter: str) -> list[_Condition]:
    """The conditions of a `q` or `fq` string (see the module's docstring)."""
    conditions: list[_Condition] = []
    rest = (text or "").strip()
    if rest in ("", "*:*", "*"):
        return conditions
    position = 0
    while position < len(rest):
        if rest[position].isspace():
            position += 1
            continue
        found = _TERM.match(rest, position)
        if not found or found.end() == position:
            raise SearchQueryError(f"{parameter}: cannot read '{rest[position:]}'")
        position = found.end()
        sign, name = found.group("sign"), found.group("field")
        quoted, span, bare = found.group("quoted"), found.group("range"), found.group("bare")
        if name is None and bare in ("AND", "&&"):
            continue
        if name is None and span is not None:
            raise SearchQueryError(f"{parameter}: a range needs a field, e.g. "
                                   "metadata_modified:[2026-01-01T00:00:00Z TO *]")
        if name is not None:
            test = _field_test(_known(name, parameter),
                               value=quoted if quoted is not None else bare, span=span)
        else:
            words = (quoted if quoted is not None else bare or "").lower()
            test = _word_test(words)
        conditions.append(_Condition(test, exclude=sign == "-"))
    return conditions


def _word_test(words: str) -> Callable[[dict[str, Any]], bool]:
    return lambda package: words in _text(package)


def _score(package: dict[str, Any], words: list[str]) -> float:
    title = package["title"].lower()
    tags = " ".join(t["name"] for t in package["tags"]).lower()
    text = _text(package)
    return float(sum(3 * title.count(w) + 2 * tags.count(w) + text.count(w) for w in words))


def _free_words(text: str | None) -> list[str]:
    words = []
    for found in _TERM.finditer(text or ""):
        if found.group("field") is None and found.group("sign") != "-":
            word = found.group("quoted") or found.group("bare") or ""
            if word and word not in ("AND", "&&", "*:*", "*"):
                words.append(word.lower())
    return words


def parse_sort(text: str | None) -> list[tuple[str, bool]]:
    """[(field, descending)] of a `sort` string; CKAN's default when empty."""
    text = (text or "").strip() or "score desc, metadata_modified desc"
    order = []
    for part in text.split(","):
        pieces = part.split()
        if not pieces:
            continue
        name = pieces[0]
        direction = pieces[1].lower() if len(pieces) > 1 else "asc"
        if name not in SORTABLE or direction not in ("asc", "desc") or len(pieces) > 2:
            raise SearchQueryError(
                f"sort: '{part.strip()}' is not '<field> asc|desc' with a field among "
                f"{', '.join(SORTABLE)}")
        order.append(("title" if name == "title_string" else name, direction == "desc"))
    return order


@dataclass
class SearchResult:
    count: int
    results: list[dict[str, Any]]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    search_facets: dict[str, Any] = field(default_factory=dict)


def _facets(packages: list[dict[str, Any]], fields: list[str], *, limit: int,
            mincount: int) -> tuple[dict[str, dict[str, int]], dict[str, Any]]:
    facets: dict[str, dict[str, int]] = {}
    search_facets: dict[str, Any] = {}
    for name in fields:
        if name not in FACETABLE:
            raise SearchQueryError(
                f"facet.field: cannot facet on '{name}'; fields are {', '.join(FACETABLE)}")
        counts = Counter(v for package in packages for v in dict.fromkeys(_values(package, name)))
        ranked = [(v, n) for v, n in sorted(counts.items(), key=lambda i: (-i[1], i[0]))
                  if n >= mincount]
        if limit >= 0:
            ranked = ranked[:limit]
        facets[name] = dict(ranked)
        titles = ({p["organization"]["name"]: p["organization"]["title"] for p in packages}
                  if name == "organization" else {})
        search_facets[name] = {"title": name, "items": [
            {"name": v, "display_name": titles.get(v, v), "count": n} for v, n in ranked]}
    return facets, search_facets


def _sort_value(package: dict[str, Any], *, name: str, scores: dict[str, float]) -> Any:
    if name == "score":
        return scores[package["id"]]
    found = package.get(name)
    return found.lower() if isinstance(found, str) else (found or "")


def search_packages(packages: list[dict[str, Any]], *, q: str | None, fq: str | None,
                    sort: str | None, rows: int, start: int, facet_fields: list[str],
                    facet_limit: int, facet_mincount: int) -> SearchResult:
    conditions = parse_query(q, parameter="q") + parse_query(fq, parameter="fq")
    order = parse_sort(sort)
    words = _free_words(q)
    matching = [p for p in packages
                if all(c.test(p) != c.exclude for c in conditions)]
    scores = {p["id"]: _score(p, words) for p in matching}

    for name, descending in reversed(order):  # stable sorts, last key first
        matching.sort(key=partial(_sort_value, name=name, scores=scores), reverse=descending)
    facets, search_facets = _facets(matching, facet_fields, limit=facet_limit,
                                    mincount=facet_mincount)
    return SearchResult(count=len(matching), results=matching[start:start + rows],
                        facets=facets, search_facets=search_facets)
