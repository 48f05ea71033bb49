"""The kinds of personal information the library knows."""

from __future__ import annotations

from enum import StrEnum


class PiiKind(StrEnum):
    PERSON_NAME = "person_name"
    STREET_ADDRESS = "street_address"
    PHONE = "phone"
    EMAIL = "email"
    CA_SIN = "ca_sin"
    POSTAL_CODE = "postal_code"
    DATE_OF_BIRTH = "date_of_birth"
    AGE = "age"
    COORDINATES = "coordinates"
    FREE_TEXT = "free_text"

    @property
    def token(self) -> str:
        """The placeholder that replaces this kind inside redacted text, e.g. <EMAIL>."""
        return f"<{self.name}>"
