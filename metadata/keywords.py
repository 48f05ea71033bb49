"""Keyword suggestions for datasets whose spec lists too few keywords.

Deliberately simple and deterministic, so that a reviewer sees the same suggestions on
every run: words are taken from the title (weight 3), the description (weight 1) and
the column names (weight 1, split on `_`, `-` and camelCase); stop words of the
requested language (English or French, lists below) and short or numeric tokens are
dropped; candidates are ranked by total weight, ties broken by first appearance
(title, then description, then columns); a word and its plural in -s count once (the
better-ranked form is kept). Keywords already in the spec are never suggested again
(case-insensitive, accents ignored).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

SUPPORTED_LANGUAGES = ("en", "fr")


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


TITLE_WEIGHT = 3
DESCRIPTION_WEIGHT = 1
COLUMN_WEIGHT = 1
MIN_TOKEN_LENGTH = 3

STOP_WORDS_EN = _word_set(
    """
    a about above after again against all also am an and any are aren as at be because
    been before being below between both but by can cannot could did do does doing down
    during each either etc every few for from further had has have having he her here hers
    herself him himself his how however i if in into is it its itself just least less
    many may me might more most much must my myself no nor not now of off on once one only
    or other others our ours ourselves out over own per same shall she should since so
    some such than that the their theirs them themselves then there these they this those
    through thus to too two under until up upon us very via was we were what when where
    whether which while who whom whose why will with within without would yet you your
    yours yourself yourselves
    data dataset datasets information list record records table file files number total
    includes include including contains contain provides provided shows show each new
    """
)

STOP_WORDS_FR = _word_set(
    """
    a afin ai aie aient ainsi alors au aucun aucune aupres auquel aussi autre autres aux
    auxquelles auxquels avaient avais avait avant avec avoir ayant c ca car ce ceci cela
    celle celles celui cependant certain certaine certaines certains ces cet cette ceux
    chaque chez ci comme comment d dans de depuis des desquelles desquels deux doit donc
    dont du duquel elle elles en encore entre est et etaient etait etant ete etre eu eux
    fait faites font hors ici il ils j je jusqu jusque l la laquelle le lequel les
    lesquelles lesquels leur leurs lors lorsque lui m ma mais me meme memes mes moi moins
    mon n ne ni non nos notre nous on ont or ou par parce parmi pas peu peut plus plusieurs
    pour pourquoi qu quand que quel quelle quelles quels qui quoi s sa sans se selon ses
    seulement si sien soi soit son sont sous sur t ta tandis te tel telle telles tels tes
    toi ton tous tout toute toutes tres tu un une unes uns vers via vos votre vous y
    donnees donnee jeu jeux ensemble liste fichier fichiers nombre total comprend
    contient fournit chaque nouveau nouvelle nouveaux nouvelles annee
    """
)

# Column-name tokens that describe structure rather than content.
GENERIC_COLUMN_TOKENS = _word_set(
    """
    id ids uid uuid key code codes name names nom type types value values valeur valeurs
    num number no nbr count flag desc description text label libelle date dt time ts
    created updated modified lat lon lng long latitude longitude geom geometry wkt
    """
)

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z])(?=[A-Z])")
_ELISION = re.compile(r"^(?:[cdjlmnst]|qu)['’]", re.IGNORECASE)


def _fold(word: str) -> str:
    """Lower-case and strip accents: the form used to compare with stop words."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def stop_words(language: str) -> frozenset[str]:
    """The stop-word list of a supported language (accents folded)."""
    if language == "en":
        return STOP_WORDS_EN
    if language == "fr":
        return STOP_WORDS_FR
    raise ValueError(
        f"no stop-word list for language '{language}'; supported: {', '.join(SUPPORTED_LANGUAGES)}"
    )


def tokenize(text: str | None) -> list[str]:
    """Lower-case words of a text, French elisions (l', d', qu') removed."""
    if not text:
        return []
    tokens = []
    for match in _WORD.finditer(text):
        word = _ELISION.sub("", match.group(0))
        if word:
            tokens.append(word.lower())
    return tokens


def column_tokens(column_name: str) -> list[str]:
    """Words of a column name: `collision_date`, `wardName` → collision, date, ward, name."""
    spaced = _CAMEL_BOUNDARY.sub(" ", column_name).replace("_", " ").replace("-", " ")
    return tokenize(spaced)


def _is_candidate(token: str, stops: frozenset[str]) -> bool:
    folded = _fold(token)
    return len(folded) >= MIN_TOKEN_LENGTH and folded not in stops


def suggest_keywords(
    title: str | None,
    description: str | None,
    column_names: Iterable[str] = (),
    *,
    language: str,
    existing: Iterable[str] = (),
    limit: int = 5,
) -> list[str]:
    """Up to `limit` keywords for one language, most relevant first; none of `existing`."""
    stops = stop_words(language)
    taken = {_fold(word) for word in existing}
    scores: dict[str, int] = {}
    first_seen: dict[str, int] = {}

    def add(tokens: Iterable[str], weight: int, *, generic: frozenset[str] = frozenset()) -> None:
        for token in tokens:
            folded = _fold(token)
            if not _is_candidate(token, stops) or folded in taken or folded in generic:
                continue
            scores[token] = scores.get(token, 0) + weight
            first_seen.setdefault(token, len(first_seen))

    add(tokenize(title), TITLE_WEIGHT)
    add(tokenize(description), DESCRIPTION_WEIGHT)
    for name in column_names:
        add(column_tokens(name), COLUMN_WEIGHT, generic=GENERIC_COLUMN_TOKENS)

    ranked = sorted(scores, key=lambda token: (-scores[token], first_seen[token]))
    chosen: list[str] = []
    chosen_forms: set[str] = set()
    for token in ranked:
        if len(chosen) >= limit:
            break
        # a plural and its singular are one keyword: keep the better-ranked form
        forms = {_fold(token), _fold(token).removesuffix("s"), _fold(token) + "s"}
        if forms & chosen_forms or forms & taken:
            continue
        chosen.append(token)
        chosen_forms |= forms
    return chosen
