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

PLANTED: dict[PiiKind, list[str]] = {
    PiiKind.CA_SIN: ["276 345 121", "130-692-544"],
    PiiKind.US_SSN: ["123-45-6789", "078-05-1121"],
    PiiKind.PAYMENT_CARD: [
        "4111 1111 1111 1111",  # Visa
        "5555 5555 5555 4444",  # Mastercard
        "2223 0031 2200 3222",  # Mastercard 2-series
        "3782 822463 10005",  # Amex
        "6011 1111 1111 1117",  # Discover
        "3530 1113 3330 0000",  # JCB
        "3056 930902 5904",  # Diners
        "6200 0000 0000 0005",  # UnionPay
    ],
    PiiKind.IBAN: ["GB82 WEST 1234 5698 7654 32", "FR76 3000 6000 0112 3456 7890 189",
                   "DE89370400440532013000"],
    PiiKind.PHONE: ["613-555-0199", "(819) 555-0142", "+1 343 555 0100", "+44 20 7946 0958",
                    "+33 1 42 68 53 00", "01 42 68 53 00", "613-155-0199"],
    PiiKind.EMAIL: ["marie.tremblay@example.ca", "j_smith+311@mail.example.com"],
    PiiKind.IP_ADDRESS: ["192.168.10.24", "203.0.113.7", "2001:db8::8a2e:370:7334"],
    PiiKind.DRIVERS_LICENCE: ["A1234-56789-01234", "T1234-567890-12"],
    PiiKind.POSTAL_CODE: ["K1A 0B1", "H2J 2L3"],
}
# Kinds whose values need words around them: (value, English sentence, French sentence).
IN_CONTEXT: dict[PiiKind, list[tuple[str, str, str]]] = {
    PiiKind.LICENCE_PLATE: [
        ("CBKR 492", "A car with licence plate CBKR 492 has been parked here for weeks.",
         "Une voiture avec la plaque CBKR 492 est stationnée ici depuis des semaines."),
    ],
    PiiKind.DATE_OF_BIRTH: [
        ("1985-03-12", "The caller, born on 1985-03-12, asked about seniors snow clearing.",
         "La requérante, née le 1985-03-12, demande le déneigement pour aînés."),
        ("12 mars 1985", "DOB 12 mars 1985 was written on the form.",
         "Date de naissance : 12 mars 1985, selon le formulaire."),
    ],
    PiiKind.STREET_ADDRESS: [
        ("1600 Pennsylvania Ave NW", "Broken hydrant in front of 1600 Pennsylvania Ave NW today.",
         "Borne fontaine brisée devant le 1600 Pennsylvania Ave NW aujourd'hui."),
        ("4520 rue Saint-Denis", "Graffiti on the wall at 4520 rue Saint-Denis again.",
         "Graffitis sur le mur au 4520 rue Saint-Denis encore une fois."),
        ("221 Elgin Street", "Noise every night from 221 Elgin Street, apartment above.",
         "Bruit chaque nuit au 221 Elgin Street, logement du haut."),
    ],
    PiiKind.PERSON_NAME: [
        ("Jan Kowalski", "Resident Jan Kowalski reported the streetlight is out.",
         "Le résident Jan Kowalski signale que le lampadaire est éteint."),
        ("Oluwaseun Adeyemi", "Please call back Oluwaseun Adeyemi about the missed pickup.",
         "Veuillez rappeler Mme Oluwaseun Adeyemi au sujet de la collecte manquée."),
    ],
}
EN = "Please follow up: the resident wrote {v} on the request form yesterday."
FR = "Veuillez faire le suivi : la résidente a écrit {v} sur le formulaire hier."
CONTEXT_WORDS = {PiiKind.CA_SIN: ("SIN", "NAS"), PiiKind.US_SSN: ("SSN", "SSN"),
                 PiiKind.PAYMENT_CARD: ("card", "carte"), PiiKind.IBAN: ("IBAN", "IBAN"),
                 PiiKind.PHONE: ("phone", "téléphone"), PiiKind.EMAIL: ("email", "courriel"),
                 PiiKind.IP_ADDRESS: ("IP", "IP"),
                 PiiKind.DRIVERS_LICENCE: ("driver's licence", "permis de conduire"),
                 PiiKind.POSTAL_CODE: ("postal code", "code postal")}

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


def _sentences() -> list[tuple[PiiKind, str, str]]:
    rows = []
    for kind, values in PLANTED.items():
        en_word, fr_word = CONTEXT_WORDS[kind]
        for value in values:
            rows.append((kind, value, EN.format(v=value)))
            rows.append((kind, value, FR.format(v=value)))
            rows.append((kind, value, f"{en_word} {value} was given; {fr_word} : {value}."))
    for kind, items in IN_CONTEXT.items():
        for value, english, french in items:
            rows += [(kind, value, english), (kind, value, french)]
    return rows


SENTENCES = _sentences()


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


STRUCTURED = {
    "col_a": (PiiKind.US_SSN, ["123-45-6789", "219-09-9998", "078-05-1121", "536-22-8726"]),
    "col_b": (PiiKind.PAYMENT_CARD, PLANTED[PiiKind.PAYMENT_CARD][:4]),
    "col_c": (PiiKind.IBAN, PLANTED[PiiKind.IBAN] + ["NL91 ABNA 0417 1643 00"]),
    "col_d": (PiiKind.PHONE, ["+44 20 7946 0958", "+33 1 42 68 53 00", "613-155-0199",
                              "+49 30 901820"]),
    "col_e": (PiiKind.IP_ADDRESS, ["192.168.10.24", "203.0.113.7", "10.0.0.12",
                                   "2001:db8::1"]),
    "col_f": (PiiKind.DRIVERS_LICENCE, ["A1234-56789-01234", "T1234-567890-12",
                                        "B9876-54321-09876", "M5555-123456-78"]),
    "col_g": (PiiKind.CA_SIN, ["276 345 121", "130-692-544", "512-345-679", "712 345 677"]),
    "card_number": (PiiKind.PAYMENT_CARD, ["4111111111111111", "5555555555554444",
                                           "378282246310005", "6011111111111117"]),
    "licence_plate": (PiiKind.LICENCE_PLATE, ["CBKR 492", "ABC-123", "7XYZ123", "BX 4521"]),
}


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
