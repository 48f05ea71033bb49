"""An action's parameters as CKAN reads them: from the query string (strings; a key
given twice is a list; JSON for dicts and lists), a form, or a JSON body (any JSON
type). Each reader checks one parameter and names it when it is wrong."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from api.ckan.errors import ValidationError

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


class Params:
    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = dict(data)

    def __contains__(self, name: str) -> bool:
        return self.data.get(name) is not None

    def text(self, name: str, *, required: bool = False) -> str | None:
        value = self.data.get(name)
        if value is None or value == "":
            if required:
                raise ValidationError(name, "Missing value")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValidationError(name, "Must be a string")
        return str(value)

    def integer(self, name: str, *, default: int, minimum: int = 0,
                maximum: int | None = None) -> int:
        value = self.data.get(name)
        if value is None or value == "":
            return default
        try:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError(value)
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationError(name, "Invalid integer") from None
        if number < minimum:
            raise ValidationError(name, f"Must be at least {minimum}")
        if maximum is not None and number > maximum:
            raise ValidationError(name, f"Must be at most {maximum}")
        return number

    def boolean(self, name: str, *, default: bool) -> bool:
        value = self.data.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise ValidationError(name, "Must be true or false")

    def structured(self, name: str, kind: type[dict] | type[list]) -> Any:
        """A dict or list parameter: native in a JSON body, JSON text in a query string."""
        value = self.data.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise ValidationError(name, f"Must be a JSON {kind.__name__}") from None
        if not isinstance(value, kind):
            raise ValidationError(name, f"Must be a JSON {kind.__name__}")
        return value

    def names(self, name: str) -> list[str] | None:
        """A list of names: a JSON list, a repeated key, or comma-separated text."""
        value = self.data.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            json_list = value.strip().startswith("[")
            value = self.structured(name, list) if json_list else value.split(",")
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError(name, "Must be a list of names")
        return [v.strip() for v in value if v.strip()]
