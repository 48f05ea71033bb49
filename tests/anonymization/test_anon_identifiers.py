"""Every identifier type, planted in running text (English and French) and in columns:
found, redacted, and absent from the published bytes; look-alikes that fail validation
are left alone."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from anonymization import PiiKind, anonymize, detect_pii, scan_residual_pii
from anonymization.operators import redact
from anonymization.recognizers import TEXT_KINDS, find_pii
from tests.anonymization.planted import SENTENCES, STRUCTURED

LOOKALIKES = [
    "Work order 000-12-3456 closed.", "Ticket 666-12-3456 filed.", "Ref 912-34-5678 noted.",
    "Ref 123-00-4567 noted.", "Ref 123-45-0000 noted.",  # SSN ranges never issued
    "Invoice 4111 1111 1111 1112 paid.",  # Luhn fails
    "Code GB82 WEST 1234 5698 7654 33 sent.",  # IBAN mod-97 fails
    "Host 999.12.1.4 unreachable.", "SIN 130 692 545 on file.",  # bad octet, Luhn fails
    "Meeting 10:30:00 on 2024-03-15 in room 12.", "Version 1.2.3.4 released.",
    "Paid $1,234.56 on 2024-03-15, order 123456789.", "Route 7 closed between km 12-45.",
    "Crew visited St. Laurent Boulevard and Patrick Street; rue Saint-Denis is next.",
]


@pytest.mark.parametrize(("kind", "value", "text"), SENTENCES,
                         ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(SENTENCES)])
def test_each_planted_identifier_is_found_and_redacted(kind, value, text):
    spans = find_pii(text)
    assert any((s.kind is kind and value in s.text) or (s.text in value and s.kind is kind)
               for s in spans), [(s.kind, s.text, s.confidence) for s in spans]
    out, _ = redact(pd.Series([text]), TEXT_KINDS)
    assert value not in out[0] and kind.token in out[0], out[0]
    assert scan_residual_pii(pd.DataFrame({"notes": out})) == []


def test_lookalikes_are_not_identifiers():
    for text in LOOKALIKES:
        assert find_pii(text) == [], (text, find_pii(text))
    out, counts = redact(pd.Series(LOOKALIKES), TEXT_KINDS)
    assert out.tolist() == LOOKALIKES and not any(counts.values())


def test_scan_is_never_more_lenient_than_redaction():
    texts = pd.Series([text for _, _, text in SENTENCES] + LOOKALIKES)
    redacted, _ = redact(texts, TEXT_KINDS)
    changed = (redacted != texts).to_numpy()
    findings = scan_residual_pii(pd.DataFrame({"notes": texts}))
    flagged = pd.Series(False, index=texts.index)
    from anonymization.detectors import column_values

    flagged = column_values(texts, "notes").any_mask(len(texts))
    # every value the redaction changes, the scan reports; the redacted output is clean
    assert (flagged | ~changed).all()
    assert findings and scan_residual_pii(pd.DataFrame({"notes": redacted})) == []


def _structured_frame(repeat: int = 25) -> pd.DataFrame:
    return pd.DataFrame({column: values * repeat for column, (_, values) in STRUCTURED.items()}
                        | {"status": ["Open", "Closed", "Open", "Closed"] * repeat})


def test_structured_columns_are_detected_dropped_and_absent_from_published_bytes():
    df = _structured_frame()
    found = {d.column: d.kind for d in detect_pii(df)}
    assert {c: k for c, (k, _) in STRUCTURED.items()} == found
    out, _ = anonymize(df, {"undeclared_pii": "drop"})
    assert list(out.columns) == ["status"]
    published = io.StringIO()
    out.to_csv(published, index=False)
    data = published.getvalue()
    for _, values in STRUCTURED.values():
        assert not any(v in data for v in values)
    assert scan_residual_pii(pd.read_csv(io.StringIO(data), dtype=str)) == []


def test_free_text_column_is_redacted_in_the_published_bytes():
    texts = [text for _, _, text in SENTENCES]
    df = pd.DataFrame({"description": texts, "status": ["Open"] * len(texts)})
    out, _ = anonymize(df, {"columns": {"description": {"operator": "redact"}}})
    published = out.to_csv(index=False)
    for _, value, _ in SENTENCES:
        assert value not in published, value
    assert scan_residual_pii(pd.read_csv(io.StringIO(published), dtype=str)) == []


def test_confidence_rises_with_context():
    bare = find_pii("ref 130692544 noted", min_confidence=0)
    with_context = find_pii("SIN 130692544 noted", min_confidence=0)
    assert bare[0].confidence < 0.5 <= with_context[0].confidence
    nanp_invalid = find_pii("613-155-0199")[0].confidence
    assert nanp_invalid < find_pii("613-555-0199")[0].confidence
    assert find_pii("call 613-155-0199")[0].confidence > nanp_invalid


def test_a_column_of_names_from_many_locales_is_found_by_the_model():
    from faker import Faker

    fake = Faker(["en_US", "fr_CA", "pl_PL", "vi_VN", "es_MX", "yo_NG"])
    fake.seed_instance(3)
    names = [f"{fake.first_name()} {fake.last_name()}" for _ in range(300)]
    found = {d.column: d for d in detect_pii(pd.DataFrame({"col1": names,
                                                           "contact_person": names}))}
    assert found["col1"].kind is found["contact_person"].kind is PiiKind.PERSON_NAME
    assert found["contact_person"].confidence > found["col1"].confidence  # the name helps
