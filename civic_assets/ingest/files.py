"""Finding a source file, refusing oversize ones, and fingerprinting it in one pass."""

from __future__ import annotations

import codecs
import glob
import hashlib
from dataclasses import dataclass
from pathlib import Path

from civic_assets.ingest.errors import IngestError
from civic_assets.ingest.limits import human_bytes

CHUNK_BYTES = 1024 * 1024
_GLOB_CHARS = set("*?[")


def resolve_source_path(path: str, base_dir: Path) -> Path:
    """A path or glob relative to base_dir; a glob picks the newest matching file."""
    candidate = Path(path).expanduser()
    if not candidate.is_absolute():
        candidate = Path(base_dir) / candidate
    if _GLOB_CHARS & set(str(path)):
        matches = [Path(p) for p in glob.glob(str(candidate), recursive=True)]
        matches = [p for p in matches if p.is_file()]
        if not matches:
            raise IngestError(str(path), "no file matches this pattern", f"under {base_dir}")
        return max(matches, key=lambda p: (p.stat().st_mtime, str(p)))
    if not candidate.is_file():
        raise IngestError(str(candidate), "file not found")
    return candidate


def check_size(path: Path, limit: int) -> int:
    """Refuse a file over the limit before reading a byte of it."""
    size = path.stat().st_size
    if size > limit:
        raise IngestError(
            str(path),
            f"file is {human_bytes(size)}, over the ingest limit of {human_bytes(limit)}",
            "set source.max_bytes or CIVIC_INGEST_MAX_BYTES to allow it",
        )
    return size


@dataclass(frozen=True)
class Fingerprint:
    sha256: str
    byte_size: int
    # None when the bytes are valid UTF-8; else (byte offset, 1-based line) of the first bad byte
    invalid_utf8_at: tuple[int, int] | None
    # a line holding only `\.` (COPY's end-of-data marker in CSV from STDIN, PostgreSQL < 18)
    has_copy_end_marker: bool


def fingerprint(path: Path, *, check_utf8: bool = False) -> Fingerprint:
    """SHA-256 and size in one streaming pass; optionally find the first invalid UTF-8 byte."""
    digest = hashlib.sha256()
    size = 0
    lines_before = 0
    decoder = codecs.getincrementaldecoder("utf-8")() if check_utf8 else None
    invalid_at: tuple[int, int] | None = None
    has_marker = False
    tail = b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
            if decoder is not None and invalid_at is None:
                pending = len(decoder.getstate()[0])  # bytes carried from the last chunk
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    invalid_at = _locate_invalid(chunk, size, lines_before, exc.start - pending)
            window = tail + chunk
            if b"\n\\.\n" in window or b"\n\\.\r\n" in window or window.endswith(b"\n\\."):
                has_marker = True
            tail = window[-3:]
            lines_before += chunk.count(b"\n")
            size += len(chunk)
    if decoder is not None and invalid_at is None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            invalid_at = (size - 1, lines_before + 1)
    return Fingerprint(digest.hexdigest(), size, invalid_at, has_marker)


class StreamingDigest:
    """SHA-256, size and COPY end-marker detection over chunks as they stream past.

    With `track_lines` it also counts newlines and the longest line, which lets the CSV
    fast path prove no value exceeds the field limit without scanning the loaded table.
    """

    def __init__(self, *, track_lines: bool = False) -> None:
        self._hash = hashlib.sha256()
        self.size = 0
        self.has_copy_end_marker = False
        self._tail = b"\n"
        self.track_lines = track_lines
        self.newlines = 0
        self.longest_line = 0
        self._open_line = 0  # length of the line still running at the end of the last chunk

    def update(self, chunk: bytes) -> None:
        self._hash.update(chunk)
        self.size += len(chunk)
        if self.track_lines:
            lines = chunk.split(b"\n")
            self.newlines += len(lines) - 1
            if len(lines) == 1:
                self._open_line += len(chunk)
            else:
                self.longest_line = max(self.longest_line, self._open_line + len(lines[0]),
                                        max(map(len, lines[1:-1]), default=0))
                self._open_line = len(lines[-1])
            self.longest_line = max(self.longest_line, self._open_line)
        window = self._tail + chunk
        if b"\n\\.\n" in window or b"\n\\.\r\n" in window:
            self.has_copy_end_marker = True
        self._tail = window[-3:]

    def finish(self) -> tuple[str, int]:
        if self._tail.endswith(b"\n\\."):
            self.has_copy_end_marker = True
        return self._hash.hexdigest(), self.size


def head_fingerprint(path: Path, head_bytes: int = CHUNK_BYTES) -> Fingerprint:
    """A cheap look at the first MiB only (no hash): is it valid UTF-8 so far?"""
    with path.open("rb") as handle:
        head = handle.read(head_bytes)
    invalid_at = None
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError as exc:
        invalid_at = _locate_invalid(head, 0, 0, exc.start)
    return Fingerprint("", path.stat().st_size, invalid_at, False)


def _locate_invalid(chunk: bytes, chunk_offset: int, lines_before: int,
                    start: int) -> tuple[int, int]:
    start = max(0, start)
    return chunk_offset + start, lines_before + chunk[:start].count(b"\n") + 1
