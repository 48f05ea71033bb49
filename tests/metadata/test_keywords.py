"""Keyword suggestions: deterministic, per language, never repeating the spec's own."""

from __future__ import annotations

import pytest

from metadata.keywords import column_tokens, suggest_keywords, tokenize

TITLE_EN = "Road collisions in Riverton"
DESCRIPTION_EN = (
    "Every road collision reported to the police, with the severity of the collision "
    "and the number of vehicles involved."
)
TITLE_FR = "Collisions routières à Riverton"
DESCRIPTION_FR = (
    "Toutes les collisions routières signalées à la police, avec la gravité de la "
    "collision et le nombre de véhicules impliqués."
)
COLUMNS = ["collision_id", "collision_date", "severity", "vehicleCount", "ward_name", "latitude"]


def test_english_suggestions_rank_by_weighted_frequency_and_drop_stop_words():
    keywords = suggest_keywords(TITLE_EN, DESCRIPTION_EN, COLUMNS, language="en", limit=5)
    # road: title 3 + description 1 = 4; collision: description 2 + columns 2 = 4, and
    # its plural (title 3) ranks lower so is dropped; riverton 3; severity 1 + 1
    assert keywords == ["road", "collision", "riverton", "severity", "reported"]
    assert not {"the", "with", "and", "every", "number"} & set(keywords)


def test_french_suggestions_use_the_french_stop_words():
    keywords = suggest_keywords(TITLE_FR, DESCRIPTION_FR, [], language="fr", limit=4)
    assert keywords == ["collisions", "routières", "riverton", "signalées"]
    assert not {"les", "avec", "toutes", "la"} & set(keywords)


def test_existing_keywords_are_not_suggested_again():
    keywords = suggest_keywords(
        TITLE_EN, DESCRIPTION_EN, COLUMNS, language="en", existing=["Collisions", "ROAD"], limit=3
    )
    assert "collisions" not in keywords and "road" not in keywords
    assert keywords[0] == "riverton"


def test_column_names_contribute_but_generic_tokens_do_not():
    keywords = suggest_keywords(
        "Trees", None, ["tree_species", "trunkDiameter", "id", "lat"], language="en", limit=10
    )
    assert keywords == ["trees", "species", "trunk", "diameter"]


def test_suggestions_are_deterministic_and_limited():
    first = suggest_keywords(TITLE_EN, DESCRIPTION_EN, COLUMNS, language="en", limit=3)
    assert first == suggest_keywords(TITLE_EN, DESCRIPTION_EN, COLUMNS, language="en", limit=3)
    assert len(first) == 3
    assert suggest_keywords(TITLE_EN, DESCRIPTION_EN, COLUMNS, language="en", limit=0) == []
    assert suggest_keywords(None, None, [], language="fr") == []


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="no stop-word list for language 'de'"):
        suggest_keywords(TITLE_EN, None, [], language="de")


def test_tokenizers():
    assert tokenize("L'état des routes d'hiver, 2024") == ["état", "des", "routes", "hiver"]
    assert column_tokens("wardName_2024") == ["ward", "name"]
