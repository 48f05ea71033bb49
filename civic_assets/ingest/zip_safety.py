"""Checks on a zip archive before anything is extracted (zip bombs, path traversal)."""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from civic_assets.ingest.errors import IngestError
from civic_assets.ingest.limits import human_bytes

MAX_COMPRESSION_RATIO = 200  # real Shapefiles and workbooks stay far below; bombs reach 1000+
RATIO_APPLIES_ABOVE = 1024 * 1024  # tiny members may compress absurdly well, harmlessly
MAX_MEMBERS = 10_000


def open_checked_zip(path: Path, *, max_uncompressed: int, what: str) -> zipfile.ZipFile:
    """Open a zip after checking members' names, declared sizes and compression ratios."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise IngestError(str(path), f"not a valid {what}: the file is not a (complete) zip "
                          f"archive ({exc})") from exc
    try:
        check_members(path, archive, max_uncompressed=max_uncompressed)
    except BaseException:
        archive.close()
        raise
    return archive


def check_members(path: Path, archive: zipfile.ZipFile, *, max_uncompressed: int) -> None:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise IngestError(str(path), f"zip holds {len(members):,} members (limit {MAX_MEMBERS:,})")
    total = 0
    for info in members:
        name = info.filename
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
            raise IngestError(str(path), "unsafe path inside the zip (absolute or with '..'): "
                              "refusing to extract", f"member {name!r}")
        total += info.file_size
        if (info.file_size > RATIO_APPLIES_ABOVE and info.compress_size
                and info.file_size / info.compress_size > MAX_COMPRESSION_RATIO):
            ratio = info.file_size / info.compress_size
            raise IngestError(
                str(path), f"suspicious compression ratio {ratio:,.0f}:1"
                f" (limit {MAX_COMPRESSION_RATIO}:1) - possible zip bomb", f"member {name!r}")
        if total > max_uncompressed:
            raise IngestError(
                str(path), f"zip expands to more than {human_bytes(max_uncompressed)} "
                "(possible zip bomb)", f"member {name!r}")


def extract_member_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path,
                          *, path: Path) -> None:
    """Extract one member, stopping if it inflates past its declared size (lying headers)."""
    limit = info.file_size
    written = 0
    with archive.open(info) as source, target.open("wb") as sink:
        while chunk := source.read(1024 * 1024):
            written += len(chunk)
            if written > limit:
                raise IngestError(str(path), "a zip member inflates past its declared size "
                                  "(possible zip bomb)", f"member {info.filename!r}")
            sink.write(chunk)
