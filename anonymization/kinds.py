"""The kinds of personal information the library knows."""

from __future__ import annotations

from enum import StrEnum


class PiiKind(StrEnum):
    PERSON_NAME = "person_name"
    STREET_ADDRESS = "street_address"
    PHONE = "phone"
    EMAIL = "email"
    CA_SIN = "ca_sin"
    US_SSN = "us_ssn"
    PAYMENT_CARD = "payment_card"
    IBAN = "iban"
    IP_ADDRESS = "ip_address"
    LICENCE_PLATE = "licence_plate"
    DRIVERS_LICENCE = "drivers_licence"
    POSTAL_CODE = "postal_code"
    DATE_OF_BIRTH = "date_of_birth"
    AGE = "age"
    COORDINATES = "coordinates"
    FREE_TEXT = "free_text"

    @property
    def token(self) -> str:
        """The placeholder that replaces this kind inside redacted text, e.g. <EMAIL>."""
        return f"<{self.name}>"


# Identifiers that name one person on their own, whatever else is published.
DIRECT_IDENTIFIERS = frozenset({
    PiiKind.PERSON_NAME, PiiKind.STREET_ADDRESS, PiiKind.PHONE, PiiKind.EMAIL, PiiKind.CA_SIN,
    PiiKind.US_SSN, PiiKind.PAYMENT_CARD, PiiKind.IBAN, PiiKind.IP_ADDRESS,
    PiiKind.LICENCE_PLATE, PiiKind.DRIVERS_LICENCE,
})
