"""Character classes for letters in names and words, for Python `re` and RE2 alike.

Latin-1 is not enough for names: Erdoğan, Havlíček, Nemeș and Phạm need Latin
Extended-A/B and Latin Extended Additional. Spelled as ranges (not `\\w` or `\\p{L}`),
which both engines read the same way.
"""

_ACCENTED_UPPER = "À-ÖØ-Þ\u0100-\u024f\u1e00-\u1eff"
_ACCENTED_LOWER = "ß-öø-ÿ\u0100-\u024f\u1e00-\u1eff"
_ACCENTED = "À-ÖØ-öø-ÿ\u0100-\u024f\u1e00-\u1eff"

UPPER = f"A-Z{_ACCENTED_UPPER}"  # Extended-A/B mix cases: close enough for a word's first letter
LOWER = f"a-z{_ACCENTED_LOWER}"
LETTER = f"A-Za-z{_ACCENTED}"
