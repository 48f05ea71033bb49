"""Downloads: the immutable files of every published version, at persistent URLs, and
the Data Package that describes each version's files.

Files are served only from the published dir, only at the paths catalog.versions.files
records; nothing from the request is ever part of a filesystem path. They stream from
disk (never read into memory), answer `If-None-Match` (the ETag is the SHA-256) with
304, and one byte range (`Range: bytes=…`) with 206 or, past the end, 416; a request
for several ranges, or a range we cannot read, gets the whole file (RFC 9110 allows it).
Downloads are counted by the usage middleware (`api.portal.usage`), once each.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.types import Receive, Scope, Send

from api.catalogue import StoredSpecInvalid, stored_spec
from api.deps import DbDep, SettingsDep, dataset_not_found, published_version_or_404
from catalog import public
from metadata.datapackage import DataPackageError, build_datapackage
from metadata.dcat import FILE_FORMATS, download_url

router = APIRouter(prefix="/datasets", tags=["downloads"])

FORMATS = tuple(FILE_FORMATS)
# a version's files never change; `latest` moves, so clients revalidate it (cheap: ETag)
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"

_FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The file", "content": {
        FILE_FORMATS[fmt][0]: {} for fmt in FORMATS}},
    206: {"description": "The byte range asked for (Range: bytes=first-last)"},
    304: {"description": "Not modified (If-None-Match matched the file's SHA-256)"},
    404: {"description": "Unknown dataset, version or format, or a format not published"},
    416: {"description": "The range starts past the end of the file"},
}
_SINGLE_BYTE_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)


def single_byte_range(header: str | None) -> bool:
    """Whether a Range header asks for exactly one well-formed byte range."""
    found = _SINGLE_BYTE_RANGE.match(header or "")
    if not found or not (found.group(1) or found.group(2)):
        return False
    first, last = found.group(1), found.group(2)
    return not (first and last and int(first) > int(last))


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """If-None-Match against our strong ETag, by the weak comparison RFC 9110 asks for."""
    offered = {tag.strip().removeprefix("W/") for tag in (if_none_match or "").split(",")}
    return etag in offered or "*" in offered


class FileDownload(FileResponse):
    """A published file; the request's Range header is passed on only when honoured."""

    # larger reads than Starlette's 64 KiB: a quarter of the thread hops per megabyte
    chunk_size = 256 * 1024

    def __init__(self, *args: Any, honour_range: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.honour_range = honour_range

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.honour_range:
            scope = {**scope, "headers": [(name, value) for name, value in scope["headers"]
                                          if name != b"range"]}
        await super().__call__(scope, receive, send)


def _stored_file(root: Path, found: dict[str, Any], ext: str) -> tuple[Path, dict[str, Any]]:
    slug, number = found["slug"], found["version"]
    if ext not in FILE_FORMATS:
        raise HTTPException(status_code=404, detail=(
            f"no download format '{ext}'; formats are {', '.join(FORMATS)}"))
    record = (found.get("files") or {}).get(ext)
    if not record or not record.get("path"):
        reason = ((found.get("dcat") or {}).get("skipped_formats") or {}).get(ext)
        raise HTTPException(status_code=404, detail=(
            f"{ext} is not published for dataset '{slug}' version {number}"
            + (f": {reason}" if reason else "")))
    path = (root / record["path"]).resolve()
    # the catalogue is trusted, but a file outside the published dir is never served
    if not path.is_relative_to(root) or not path.is_file():
        raise HTTPException(status_code=404, detail=(
            f"the {ext} file of dataset '{slug}' version {number} is not available"))
    return path, record


def _download(request: Request, db, settings, slug: str, version: int | None,
              ext: str) -> Response:
    found = published_version_or_404(db, slug, version)
    path, record = _stored_file(settings.published_root(), found, ext)
    etag = f'"{record["sha256"]}"'
    headers = {"ETag": etag, "Cache-Control": IMMUTABLE if version is not None else REVALIDATE}
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    honour_range = single_byte_range(request.headers.get("range"))
    return FileDownload(path, media_type=record.get("media_type") or FILE_FORMATS[ext][0],
                        filename=f"{slug}-v{found['version']}.{ext}", headers=headers,
                        honour_range=honour_range)


_FILE_DESCRIPTION = (f"`ext` is one of {', '.join(FORMATS)}. The ETag is the file's SHA-256; "
                     "one byte range is served as 206 (`Range: bytes=first-last`).")


@router.api_route("/{slug}/latest/data.{ext}", methods=["GET", "HEAD"],
                  summary="The latest version as a file",
                  response_class=FileResponse, responses=_FILE_RESPONSES,
                  description=_FILE_DESCRIPTION)
def latest_file(request: Request, slug: str, ext: str, db: DbDep,
                settings: SettingsDep) -> Response:
    return _download(request, db, settings, slug, None, ext)


@router.api_route("/{slug}/versions/{version}/data.{ext}", methods=["GET", "HEAD"],
                  summary="One version as a file (persistent URL)",
                  response_class=FileResponse, responses=_FILE_RESPONSES,
                  description=_FILE_DESCRIPTION)
def version_file(request: Request, slug: str, version: int, ext: str, db: DbDep,
                 settings: SettingsDep) -> Response:
    return _download(request, db, settings, slug, version, ext)


def _datapackage(db, settings, slug: str, version: int | None) -> JSONResponse:
    found = published_version_or_404(db, slug, version)
    if not (found.get("files") or {}).get("csv"):
        raise HTTPException(status_code=404, detail=(
            f"dataset '{slug}' version {found['version']} has no published CSV file"))
    dataset = public.get_dataset(db, slug=slug)
    if dataset is None:
        raise dataset_not_found(slug)
    try:
        spec = stored_spec(slug, dataset["spec"])
    except StoredSpecInvalid as exc:
        raise HTTPException(status_code=500, detail=str(exc)) from exc
    # the versioned URL, not `latest`: the package must keep describing the same bytes
    def url(fmt: str) -> str:
        return download_url(settings.public_base_url, slug, FILE_FORMATS[fmt][2],
                            found["version"])

    try:
        package = build_datapackage(
            spec, found, dictionary=found.get("dictionary"), csv_path_or_url=url("csv"),
            other_files={fmt: url(fmt) for fmt in found["files"] if fmt in FILE_FORMATS
                         and fmt != "csv"})
    except DataPackageError as exc:
        raise HTTPException(status_code=500, detail=str(exc)) from exc
    return JSONResponse(package, headers={
        "Cache-Control": IMMUTABLE if version is not None else REVALIDATE})


@router.get("/{slug}/latest/datapackage.json",
            summary="Frictionless Data Package of the latest version")
def latest_datapackage(slug: str, db: DbDep, settings: SettingsDep) -> JSONResponse:
    return _datapackage(db, settings, slug, None)


@router.get("/{slug}/versions/{version}/datapackage.json",
            summary="Frictionless Data Package of one version (its CSV at its persistent URL)")
def version_datapackage(slug: str, version: int, db: DbDep,
                        settings: SettingsDep) -> JSONResponse:
    return _datapackage(db, settings, slug, version)
