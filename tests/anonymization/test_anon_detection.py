"""Detection: every planted value found, few look-alikes flagged; rates are printed."""

from __future__ import annotations

import numpy as np

from anonymization import PiiKind, detect_pii
from anonymization.detectors import column_values


def test_every_pii_column_is_detected_with_its_kind(corpus):
    df, expected = corpus
    found = {d.column: d for d in detect_pii(df)}
    missing = {c: k for c, k in expected.items() if c not in found}
    assert not missing, f"columns not detected: {missing}"
    wrong = {c: (found[c].kind, k) for c, k in expected.items() if found[c].kind != k}
    assert not wrong, f"wrong kind (got, expected): {wrong}"
    for column in ("email", "phone", "sin"):
        assert found[column].evidence == "name+content"
        assert found[column].confidence > found["contact" if column == "email" else "col3"
                                                if column == "phone" else "col7"].confidence
    assert found["col1"].evidence == "content"


def test_free_text_column_is_detected_with_the_kinds_inside(text_corpus):
    df, kinds = text_corpus
    (detection,) = detect_pii(df)
    assert detection.kind is PiiKind.FREE_TEXT
    assert set(detection.contains) == set(kinds)


def _value_hits(df, expected_kind_per_column=None, kinds_per_row=None):
    hits = total = 0
    for column in df.columns:
        values = column_values(df[column], column)
        if kinds_per_row is not None:
            for position, kind in enumerate(kinds_per_row):
                total += 1
                hits += bool(values.masks.get(kind, np.zeros(len(df), bool))[position])
        else:
            kind = expected_kind_per_column[column]
            mask = values.masks.get(kind, np.zeros(len(df), bool))
            total += int(df[column].notna().sum())
            hits += int(mask.sum())
    return hits, total


def test_detection_rate_and_false_positive_rate(capsys, corpus, text_corpus, lookalikes):
    df, expected = corpus
    structured_hits, structured_total = _value_hits(df, expected)
    text, kinds = text_corpus
    text_hits, text_total = _value_hits(text, kinds_per_row=kinds)
    detection_rate = (structured_hits + text_hits) / (structured_total + text_total)

    flagged = np.zeros(len(lookalikes) * lookalikes.shape[1], dtype=bool).reshape(
        len(lookalikes), -1)
    for i, column in enumerate(lookalikes.columns):
        flagged[:, i] = column_values(lookalikes[column], column).any_mask(len(lookalikes))
    false_positive_rate = flagged.sum() / flagged.size
    column_false_positives = detect_pii(lookalikes)

    with capsys.disabled():
        print(f"\n[anonymization] value detection rate {detection_rate:.2%} "
              f"({structured_hits + text_hits}/{structured_total + text_total}); "
              f"false-positive rate on look-alikes {false_positive_rate:.2%} "
              f"({int(flagged.sum())}/{flagged.size}); "
              f"look-alike columns flagged: {[d.column for d in column_false_positives]}")
    assert detection_rate >= 0.99
    assert false_positive_rate <= 0.01
    assert column_false_positives == []


def test_luhn_separates_sins_from_random_nine_digit_numbers(make_sin):
    import pandas as pd

    rng = np.random.default_rng(1)
    valid = pd.Series([make_sin(rng, valid=True, style="plain") for _ in range(100)])
    invalid = pd.Series([make_sin(rng, valid=False, style="dash") for _ in range(100)])
    assert column_values(valid, "col9").masks[PiiKind.CA_SIN].all()
    assert PiiKind.CA_SIN not in column_values(invalid, "col9").masks
    # a column of random order numbers: ~10 % pass Luhn by chance, none is believed
    orders = pd.Series([str(x) for x in rng.integers(100_000_000, 999_999_999, 500)])
    assert PiiKind.CA_SIN not in column_values(orders, "order_no").masks


def test_name_hints_need_content_and_category_columns_are_not_people():
    import pandas as pd

    assert detect_pii(pd.DataFrame({"street_name": ["Bank Street", "Elgin Street"] * 50})) == []
    teams = pd.DataFrame({"team": ["Marie Tremblay"] * 1500 + ["John Smith"] * 1500})
    assert detect_pii(teams) == []  # two values over 3000 rows: a category, not people
    ages = pd.DataFrame({"age_range": ["30-39", "40-49"] * 50, "response_hours": [1.2345] * 100})
    assert detect_pii(ages) == []


def test_national_phone_formats_of_other_countries_are_found():
    import pandas as pd

    # UK and French national layouts, validated by libphonenumber in the phone recognizer
    df = pd.DataFrame({"col": [f"020 7946 {i:04d}" for i in range(900, 930)]
                       + [f"01 42 68 {i:02d} 00" for i in range(10, 40)]})
    (detection,) = detect_pii(df)
    assert detection.kind is PiiKind.PHONE
