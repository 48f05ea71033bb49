"""The one exception the ingest library raises: it names the file, the problem and where."""

from __future__ import annotations


class IngestError(RuntimeError):
    """An extract could not be ingested; `raw.<slug>` was left as it was.

    The message reads "<source>: <problem> (<where>)" so a data officer can find the bad
    spot without a stack trace; the parts are kept as attributes for callers.
    """

    def __init__(self, source: str, problem: str, where: str | None = None) -> None:
        self.source = str(source)
        self.problem = problem
        self.where = where
        message = f"{self.source}: {problem}"
        if where:
            message += f" ({where})"
        super().__init__(message)
