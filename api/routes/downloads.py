"""Downloads: the immutable files of every published version, at persistent URLs, and
the Data Package that describes each version's CSV.

Files are served only from the published dir, only at the paths catalog.versions.files
records; nothing from the request is ever part of a filesystem path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from api.deps import DbDep, SettingsDep, dataset_not_found, published_version_or_404
from catalog import public, usage
from metadata.datapackage import DataPackageError, build_datapackage
from metadata.dcat import FILE_FORMATS, download_url
from metadata.specs import DatasetSpec

router = APIRouter(prefix="/datasets", tags=["downloads"])

FORMATS = tuple(FILE_FORMATS)
# a version's files never change; `latest` moves, so clients revalidate it (cheap: ETag)
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"

_FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The file", "content": {
        FILE_FORMATS[fmt][0]: {} for fmt in FORMATS}},
    304: {"description": "Not modified (If-None-Match matched the file's SHA-256)"},
    404: {"description": "Unknown dataset, version or format, or a format not published"},
}


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
    offered = {tag.strip() for tag in request.headers.get("if-none-match", "").split(",")}
    if etag in offered or "*" in offered:
        return Response(status_code=304, headers=headers)
    usage.record_usage(db, slug=slug, path=request.url.path, fmt=ext)
    return FileResponse(path, media_type=record.get("media_type") or FILE_FORMATS[ext][0],
                        filename=f"{slug}-v{found['version']}.{ext}", headers=headers)


@router.get("/{slug}/latest/data.{ext}", summary="The latest version as a file",
            response_class=FileResponse, responses=_FILE_RESPONSES,
            description=f"`ext` is one of {', '.join(FORMATS)}. The ETag is the file's SHA-256.")
def latest_file(request: Request, slug: str, ext: str, db: DbDep,
                settings: SettingsDep) -> Response:
    return _download(request, db, settings, slug, None, ext)


@router.get("/{slug}/versions/{version}/data.{ext}",
            summary="One version as a file (persistent URL)",
            response_class=FileResponse, responses=_FILE_RESPONSES,
            description=f"`ext` is one of {', '.join(FORMATS)}. The ETag is the file's SHA-256.")
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
    spec = DatasetSpec.model_validate(dataset["spec"])
    # the versioned URL, not `latest`: the package must keep describing the same bytes
    csv_url = download_url(settings.public_base_url, slug, "csv", found["version"])
    try:
        package = build_datapackage(spec, found, dictionary=found.get("dictionary"),
                                    csv_path_or_url=csv_url)
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
