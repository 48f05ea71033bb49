"""CKAN's errors as its Action API sends them: `{"help", "success": false, "error":
{"__type", "message", …}}` with the status codes of ckan/views/api.py."""

from __future__ import annotations

from typing import Any


class CkanError(Exception):
    """An action refused; `status` and `error_type` are what CKAN answers for it."""

    status = 400
    error_type = "Bad Request"
    prefix = "Bad request"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def error(self) -> dict[str, Any]:
        return {"__type": self.error_type, "message": f"{self.prefix} - {self.message}"}


class NotFound(CkanError):
    status = 404
    error_type = "Not Found Error"
    prefix = "Not found"

    def error(self) -> dict[str, Any]:
        return {"__type": self.error_type, "message": f"{self.prefix}: {self.message}"}


class NotAuthorized(NotFound):
    status = 403
    error_type = "Authorization Error"
    prefix = "Access denied"


class ValidationError(CkanError):
    """Bad parameters: CKAN's error dict maps each field to its messages."""

    status = 409
    error_type = "Validation Error"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field

    def error(self) -> dict[str, Any]:
        return {"__type": self.error_type, self.field: [self.message],
                "message": f"{self.field}: {self.message}"}


class SearchQueryError(NotFound):
    status = 400
    error_type = "Search Query Error"
    prefix = "Search Query is invalid"
