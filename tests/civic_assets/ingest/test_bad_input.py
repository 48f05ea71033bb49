"""Hostile and broken input: each case raises IngestError naming the file, the problem and
where, logs a 'failed' row, and leaves the previously loaded raw.<slug> exactly as it was."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from civic_assets.ingest import IngestError, ingest_file
from tests.civic_assets.ingest.ingest_helpers import CORPUS, log_rows, raw_snapshot

SLUG = "victim"


@pytest.fixture(scope="module")
def good_snapshot(database_url):
    ingest_file(CORPUS / "good.csv", slug=SLUG, database_url=database_url, force=True)
    snapshot = raw_snapshot(database_url, SLUG)
    assert snapshot is not None and snapshot[1] == 3
    return snapshot


def assert_refused(database_url, snapshot, path: Path, pattern: str, **kwargs) -> IngestError:
    failed_before = sum(r["status"] == "failed" for r in log_rows(database_url, SLUG))
    with pytest.raises(IngestError, match=pattern) as info:
        ingest_file(path, slug=SLUG, database_url=database_url, force=True, **kwargs)
    assert str(path) in str(info.value)
    assert raw_snapshot(database_url, SLUG) == snapshot
    failed = [r for r in log_rows(database_url, SLUG) if r["status"] == "failed"]
    assert len(failed) == failed_before + 1 and failed[-1]["error"] == str(info.value)
    with_tables = raw_tables(database_url)
    assert not [t for t in with_tables if t.startswith(f"_load_{SLUG}")]
    return info.value


def raw_tables(database_url) -> list[str]:
    import psycopg

    from catalog.database import libpq_url
    with psycopg.connect(libpq_url(database_url)) as conn:
        return [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'raw'").fetchall()]


CORPUS_CASES = [
    ("ragged.csv", {}, r"row has 2 values but the header has 3 columns \(line 3\)"),
    ("unterminated_quote.csv", {}, r"unterminated quoted value .*\(line \d+\)"),
    ("bad_utf8.csv", {"encoding": "utf-8"},
     r"not valid UTF-8 \(declared encoding\): byte 0xE9 at byte offset 18 \(line 3\)"),
    ("header_only.csv", {}, r"no records"),
    ("empty.csv", {}, r"the file is empty"),
    ("duplicate_columns.csv", {}, (r"duplicate column name: header 'Zip Code' \(column 1\) "
                                   r"and header 'zip_code' \(column 2\) both become "
                                   r"'zip_code' \(header, line 1\)")),
    ("not_excel.xlsx", {}, (r"not a valid Excel \.xlsx workbook: the file is not a "
                            r"\(complete\) zip archive")),
    ("xxe.xml", {}, r"refused unsafe XML: EntitiesForbidden"),
    ("billion_laughs.xml", {}, r"refused unsafe XML: EntitiesForbidden"),
    ("malformed.xml", {}, r"not well-formed XML: .*\(line 4, column \d+\)"),
    ("bad.json", {}, r"not valid JSON.*\(after record 1\)"),
    ("bad.jsonl", {}, r"not valid JSON.*\(line 2\)"),
    ("not_array.json", {}, r"the top level is not an array of records"),
]


@pytest.mark.parametrize(("name", "options", "pattern"), CORPUS_CASES,
                         ids=[c[0] for c in CORPUS_CASES])
def test_corpus_file_is_refused(database_url, good_snapshot, name, options, pattern):
    assert_refused(database_url, good_snapshot, CORPUS / name, pattern, options=options)


def test_truncated_xlsx(database_url, good_snapshot, tmp_path, shared_data):
    whole = (shared_data / "oakland-budget/BudgetData_for_Public_Adopted_FY2016-17_Midcycle.xlsx")
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(whole.read_bytes()[:200_000])
    assert_refused(database_url, good_snapshot, truncated, r"not a valid Excel \.xlsx workbook")


def test_file_over_the_size_limit_is_refused_before_reading(database_url, good_snapshot,
                                                              tmp_path, monkeypatch):
    big = tmp_path / "big.csv"
    big.write_bytes(b"id\n" + b"1\n" * 600)
    monkeypatch.setenv("CIVIC_INGEST_MAX_BYTES", "1000")
    assert_refused(database_url, good_snapshot, big,
                   r"file is 1\.2 KiB, over the ingest limit of 1,000 bytes")
    monkeypatch.delenv("CIVIC_INGEST_MAX_BYTES")
    assert_refused(database_url, good_snapshot, big, r"over the ingest limit of 100 bytes",
                   max_bytes=100)


@pytest.mark.parametrize(("rows_before", "line"), [(5, "A" * 99), (12_000, "A" * 99),
                                                   (12_000, "A" * 1_100_000)],
                         ids=["exact-reader", "fast-path-multiline", "fast-path-one-line"])
def test_absurdly_long_field(database_url, good_snapshot, tmp_path, rows_before, line):
    path = tmp_path / "long.csv"
    with path.open("w") as handle:
        handle.write("id,text\n")
        for i in range(rows_before):
            handle.write(f"{i},short\n")
        handle.write('x,"' + "\n".join([line] * (1_100_000 // len(line))) + '"\n')
    assert_refused(database_url, good_snapshot, path,
                   r"a value is longer than the limit of 1\.0 MiB \(line \d+\)")


def test_configurable_field_limit(database_url, good_snapshot, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("id,text\n1," + "B" * 200 + "\n")
    assert_refused(database_url, good_snapshot, path, r"longer than the limit of 100 bytes",
                   options={"max_field_bytes": 100})


def _bomb(path: Path, member: str = "layer.shp", size: int = 50 * 1024 * 1024) -> None:
    block = b"\0" * (1024 * 1024)
    with (zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
          archive.open(member, "w", force_zip64=True) as handle):
        for _ in range(size // len(block)):
            handle.write(block)


def test_zip_bomb_shapefile(database_url, good_snapshot, tmp_path):
    path = tmp_path / "bomb.zip"
    _bomb(path)
    assert path.stat().st_size < 200_000
    assert_refused(database_url, good_snapshot, path,
                   r"suspicious compression ratio .* possible zip bomb \(member 'layer.shp'\)")


def test_zip_bomb_disguised_as_xlsx(database_url, good_snapshot, tmp_path):
    path = tmp_path / "bomb.xlsx"
    _bomb(path, "xl/worksheets/sheet1.xml")
    assert_refused(database_url, good_snapshot, path, r"possible zip bomb")


@pytest.mark.parametrize("member", ["../evil.shp", "/etc/evil.shp", "a/../../evil.shp"])
def test_path_traversal_in_zipped_shapefile(database_url, good_snapshot, tmp_path, member):
    path = tmp_path / "traversal.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ok.dbf", b"x")
        archive.writestr(member, b"x")
    path.write_bytes(buffer.getvalue())
    assert_refused(database_url, good_snapshot, path,
                   r"unsafe path inside the zip .* \(member '.*evil.shp'\)")
    assert not (tmp_path.parent / "evil.shp").exists()


def test_zip_without_shapefile(database_url, good_snapshot, tmp_path):
    path = tmp_path / "noshp.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", b"nothing here")
    assert_refused(database_url, good_snapshot, path, r"expected exactly one \.shp in the zip")


def test_missing_file_and_unknown_extension(database_url, good_snapshot, tmp_path):
    assert_refused(database_url, good_snapshot, tmp_path / "nope.csv", r"file not found")
    odd = tmp_path / "data.parquet"
    odd.write_bytes(b"PAR1")
    assert_refused(database_url, good_snapshot, odd, r"cannot tell the format")
