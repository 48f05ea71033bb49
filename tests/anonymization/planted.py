"""Identifiers of every type the platform recognizes, planted in running text (English
and French) and in columns: shared by the library's tests and the test of the published
bytes of a real publication."""

from __future__ import annotations

from anonymization import PiiKind

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
