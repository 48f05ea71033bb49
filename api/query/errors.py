"""The one error of a bad query: answered 400, its message naming the parameter."""

from __future__ import annotations


class QueryError(ValueError):
    """A parameter of a data request that cannot be honoured, and why."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message
