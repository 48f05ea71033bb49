"""Sources other than one named file: file-drop folders, SQL queries, REST/JSON APIs."""

from __future__ import annotations

import fnmatch
import hashlib
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg

from civic_assets.ingest.credentials import load_credential
from civic_assets.ingest.errors import IngestError
from civic_assets.ingest.loader import LoadedTable, copy_records, copy_rows, create_table
from civic_assets.ingest.masking import mask_secrets
from civic_assets.ingest.readers.base import to_text
from civic_assets.ingest.readers.json import records_at_path
from civic_assets.ingest.result import Extract

# ---------------------------------------------------------------- file drop


def _candidates(folder: Path, pattern: str) -> list[Path]:
    if not folder.is_dir():
        raise IngestError(str(folder), "file-drop folder not found")
    return [p for p in folder.iterdir()
            if p.is_file() and not p.name.startswith(".") and fnmatch.fnmatch(p.name, pattern)]


def newest_file(folder: Path, pattern: str = "*") -> Path:
    files = _candidates(folder, pattern)
    if not files:
        raise IngestError(str(folder), f"no file matching {pattern!r} in the drop folder")
    return max(files, key=lambda p: (p.stat().st_mtime_ns, p.name))


def new_files(folder: str | Path, pattern: str = "*", cursor_state: str | None = None, *,
              min_age_seconds: float = 0.0) -> tuple[list[Path], str]:
    """Files that appeared (or changed) in `folder` since the cursor, oldest first.

    The cursor is a JSON string (fits a Dagster sensor cursor) remembering each seen
    file's name, modification time and size, so every new file is returned once and a
    file replaced under the same name counts as new. Files younger than
    `min_age_seconds` are left for the next tick (they may still be being written).
    """
    folder = Path(folder)
    seen: dict[str, str] = json.loads(cursor_state)["seen"] if cursor_state else {}
    now = time.time()
    fresh: list[tuple[int, str, Path]] = []
    current: dict[str, str] = {}
    for path in _candidates(folder, pattern):
        stat = path.stat()
        signature = f"{stat.st_mtime_ns}:{stat.st_size}"
        if min_age_seconds and now - stat.st_mtime < min_age_seconds:
            if path.name in seen:
                current[path.name] = seen[path.name]
            continue
        current[path.name] = signature
        if seen.get(path.name) != signature:
            fresh.append((stat.st_mtime_ns, path.name, path))
    fresh.sort()
    return [path for _, _, path in fresh], json.dumps({"seen": current}, sort_keys=True)


# ---------------------------------------------------------------- shared helpers


class _StreamDigest:
    """SHA-256 and byte count of what a non-file source delivered, built while streaming."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.size = 0

    def update(self, data: bytes) -> None:
        self._hash.update(data)
        self.size += len(data)

    def result(self) -> tuple[str, int]:
        return self._hash.hexdigest(), self.size


def _secret_for(conn: psycopg.Connection, source: Any) -> str | None:
    return load_credential(conn, source.credential) if source.credential else None


# ---------------------------------------------------------------- SQL query


def sql_extract(conn: psycopg.Connection, source: Any) -> Any:
    """A query against any SQLAlchemy URL held in the named credential, streamed in chunks."""

    url = _secret_for(conn, source) or source.url
    if not url:
        raise IngestError("sql source", "no database URL: name a stored credential "
                          "(source.credential) holding the SQLAlchemy URL")
    if not source.query:
        raise IngestError("sql source", "no query (source.query)")
    if not source.credential and urlsplit(url).password:
        raise IngestError("sql source", "a password in source.url is refused: store the URL "
                          "as a credential and name it in source.credential")
    # the label shows the URL with its password masked, so only the password is a secret
    password = urlsplit(url).password
    secrets = [password] if password else []
    label = mask_secrets(f"sql {url}: {' '.join(source.query.split())[:200]}", secrets)
    digest = _StreamDigest()
    chunk_rows = int(source.options.get("chunk_rows", 10_000))

    def load(pg: psycopg.Connection, loaded: LoadedTable) -> dict[str, Any]:
        import sqlalchemy as sa

        engine = sa.create_engine(url)
        try:
            with engine.connect() as source_conn:
                result = source_conn.execution_options(
                    stream_results=True, yield_per=chunk_rows).execute(sa.text(source.query))
                loaded.namer.add_all(list(result.keys()))
                loaded.detector.widen(len(loaded.namer.names))
                create_table(pg, loaded.table, loaded.namer.names)
                copy_rows(pg, loaded, _sql_rows(result.partitions(chunk_rows), digest))
        finally:
            engine.dispose()
        return {"query": source.query}

    return Extract(label=label, load=load, secrets=secrets, finish=digest.result,
                   details={"format": "sql"})


def _sql_rows(partitions: Iterator[Any], digest: _StreamDigest) -> Iterator[list[str | None]]:
    for partition in partitions:
        for record in partition:
            row = [to_text(value) for value in record]
            digest.update(json.dumps(row, ensure_ascii=False).encode("utf-8") + b"\n")
            yield row


# ---------------------------------------------------------------- REST / JSON API


def rest_extract(conn: psycopg.Connection, source: Any) -> Any:
    """A JSON API read page by page (next-link or limit/offset pagination) with httpx.

    pagination: {style: next, next_field: "links.next"} (a next URL in the body; without
    next_field the `Link: <...>; rel="next"` header is followed), or {style: offset,
    limit_param: limit, offset_param: offset, page_size: 100}. options.records_path names
    the records inside each page (e.g. `data.items`); a page that is a list is the records.
    The credential (if any) is sent as `Authorization: Bearer <secret>`, or in the header
    named by options.auth_header.
    """

    if not source.url:
        raise IngestError("rest source", "no url (source.url)")
    secret = _secret_for(conn, source)
    secrets = [secret] if secret else []
    label = mask_secrets(f"rest {source.url}", secrets)
    digest = _StreamDigest()

    def load(pg: psycopg.Connection, loaded: LoadedTable) -> dict[str, Any]:
        pages = _PageCounter()
        copy_records(pg, loaded, _rest_records(source, secret, digest, pages, label))
        return {"pages": pages.count, "url": mask_secrets(source.url, secrets)}

    return Extract(label=label, load=load, secrets=secrets, finish=digest.result,
                   details={"format": "rest"})


class _PageCounter:
    count = 0


def _rest_records(source: Any, secret: str | None, digest: _StreamDigest,
                  pages: _PageCounter, label: str) -> Iterator[dict[str, Any]]:
    import httpx

    options, pagination = source.options, source.pagination
    style = pagination.get("style", "next")
    records_path = options.get("records_path")
    max_pages = int(pagination.get("max_pages", 10_000))
    headers = {"Accept": "application/json"}
    if secret:
        header = options.get("auth_header")
        headers[header or "Authorization"] = secret if header else f"Bearer {secret}"
    page_size = int(pagination.get("page_size", 100))
    limit_param = pagination.get("limit_param", "limit")
    offset_param = pagination.get("offset_param", "offset")
    url: str | None = source.url
    params: dict[str, Any] = dict(options.get("params", {}))
    offset = int(pagination.get("start_offset", 0))
    with httpx.Client(headers=headers, timeout=float(options.get("timeout", 30)),
                      follow_redirects=True) as client:
        while url is not None:
            pages.count += 1
            if pages.count > max_pages:
                raise IngestError(label, f"more than {max_pages} pages; raise "
                                  "pagination.max_pages if that is expected")
            where = f"page {pages.count}"
            if style == "offset":
                params.update({limit_param: page_size, offset_param: offset})
            try:
                response = client.get(url, params=params or None)
            except httpx.HTTPError as exc:
                raise IngestError(label, f"request failed: {exc}", where) from exc
            if response.status_code >= 400:
                raise IngestError(label, f"HTTP {response.status_code} from the API", where)
            digest.update(response.content)
            try:
                body = response.json()
            except ValueError as exc:
                raise IngestError(label, "the response is not JSON", where) from exc
            records = records_at_path(body, records_path)
            if records is None:
                raise IngestError(label, f"no list of records at {records_path or 'the top'}",
                                  where)
            for record in records:
                yield record if isinstance(record, dict) else {"value": record}
            if style == "offset":
                offset += len(records)
                url = url if len(records) >= page_size and records else None
            else:
                url = _next_link(body, response, pagination.get("next_field"))
                params = {}


def _next_link(body: Any, response: Any, next_field: str | None) -> str | None:
    from urllib.parse import urljoin

    if next_field:
        value: Any = body
        for part in next_field.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return urljoin(str(response.url), value) if isinstance(value, str) and value else None
    link = response.links.get("next", {}).get("url")
    return urljoin(str(response.url), link) if link else None
