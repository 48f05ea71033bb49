"""CSV into raw.<slug>: real files, the fast path, the log, unchanged and forced reloads."""

from __future__ import annotations

import os
import time

import pytest

from civic_assets.ingest import IngestError, IngestResult, ingest, ingest_file
from tests.civic_assets.ingest.ingest_helpers import (
    CORPUS,
    file_source,
    log_rows,
    raw_rows,
    raw_snapshot,
)

LA_311 = "la-311/MyLA311_Service_Request_Data_2017_Subset.csv"


def test_la_311_loads_with_names_types_and_log(database_url, shared_data):
    result = ingest(file_source(shared_data / LA_311), slug="la_311", database_url=database_url)
    assert isinstance(result, IngestResult)
    assert (result.status, result.record_count, result.raw_table) == ("loaded", 9999, "raw.la_311")
    types = result.column_types()
    assert len(types) == 33
    assert types["sr_number"] == "text" and types["created_date"] == "datetime"
    assert types["latitude"] == "number" and types["cd"] == "integer"
    assert {"name": "nc_name", "original_name": "NCName", "type": "text"} in result.columns
    assert result.byte_size == (shared_data / LA_311).stat().st_size and len(result.sha256) == 64
    assert result.preview_markdown.startswith("| sr_number | created_date |")
    assert result.preview_markdown.count("\n") == 21  # header, rule, 20 rows
    assert raw_snapshot(database_url, "la_311")[1] == 9999
    entry = log_rows(database_url, "la_311")[-1]
    assert entry["status"] == "loaded" and entry["record_count"] == 9999
    assert entry["sha256"] == result.sha256 and entry["byte_size"] == result.byte_size
    assert entry["raw_table"] == "raw.la_311" and entry["duration_ms"] >= 0
    assert entry["finished_at"] >= entry["started_at"] and "la-311" in entry["source"]
    assert entry["details"]["column_mapping"]["SRNumber"] == "sr_number"
    assert entry["details"]["columns"][0] == {"name": "sr_number", "original_name": "SRNumber",
                                              "type": "text"}


def test_same_file_is_unchanged_unless_forced(database_url, shared_data):
    source = file_source(shared_data / "oakland-budget/FY22-23__adopted.csv")
    first = ingest(source, slug="oakland_csv", database_url=database_url)
    assert (first.status, first.record_count) == ("loaded", 22236)
    # a bigger-than-sample file takes the COPY fast path
    assert first.details["fast_path"] is True
    assert first.column_types()["amount"] == "integer"
    second = ingest(source, slug="oakland_csv", database_url=database_url)
    assert (second.status, second.record_count, second.sha256) == ("unchanged", 22236,
                                                                     first.sha256)
    assert second.columns == first.columns and "| budget_year |" in second.preview_markdown
    forced = ingest(source, slug="oakland_csv", database_url=database_url, force=True)
    assert forced.status == "loaded"
    assert [r["status"] for r in log_rows(database_url, "oakland_csv")] == [
        "loaded", "unchanged", "loaded"]


def test_semicolon_file_is_sniffed(database_url, shared_data):
    result = ingest(file_source(shared_data / "adult/adult.csv"), slug="adult",
                    database_url=database_url)
    assert result.record_count == 30162 and result.details["delimiter"] == ";"
    assert result.column_types()["age"] == "integer"
    assert [c["name"] for c in result.columns][:4] == ["sex", "age", "race", "marital_status"]


def test_fast_path_and_exact_reader_agree(database_url, tmp_path):
    rows = ["id,Name,Note"] + [f'{i},"Name, {i}","line\nbreak ""{i}"""' for i in range(12_000)]
    rows[501] = '500,"",'  # record 500 (after the header)
    path = tmp_path / "quoted.csv"
    path.write_text("\n".join(rows) + "\n")
    fast = ingest_file(path, slug="fast_csv", database_url=database_url)
    slow = ingest_file(path, slug="slow_csv", database_url=database_url,
                       options={"fast_path": False})
    assert fast.details["fast_path"] and not slow.details["fast_path"]
    assert fast.record_count == slow.record_count == 12_000
    assert raw_rows(database_url, "fast_csv") == raw_rows(database_url, "slow_csv")
    assert raw_rows(database_url, "fast_csv")[500] == ("500", None, None)  # empty -> NULL
    assert raw_rows(database_url, "fast_csv")[7] == ("7", "Name, 7", 'line\nbreak "7"')


def test_fast_path_problem_is_explained_by_the_exact_reader(database_url, tmp_path):
    rows = ["a,b,c"] + [f"{i},x,y" for i in range(11_000)] + ["11000,only-two"]
    path = tmp_path / "late_ragged.csv"
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(IngestError, match=r"row has 2 values but the header has 3 columns "
                       r"\(line 11002\)"):
        ingest_file(path, slug="late_ragged", database_url=database_url)


def test_glob_takes_the_newest_file(database_url, tmp_path):
    (tmp_path / "drop").mkdir()
    old, new = tmp_path / "drop/x_2023.csv", tmp_path / "drop/x_2024.csv"
    old.write_text("id\n1\n2\n")
    new.write_text("id\n1\n2\n3\n")
    os.utime(old, (time.time() - 100, time.time() - 100))
    result = ingest(file_source("drop/x_*.csv"), slug="globbed", database_url=database_url,
                    base_dir=tmp_path)
    assert result.record_count == 3 and "x_2024.csv" in result.source


def test_cp1252_and_options(database_url):
    result = ingest_file(CORPUS / "cp1252.csv", slug="cp1252", database_url=database_url)
    assert result.details["encoding"] == "cp1252" and result.details["delimiter"] == ";"
    assert raw_rows(database_url, "cp1252", "id") == [("1", "Montréal", "10€"),
                                                      ("2", "Québec", "12€")]


def test_blank_header_becomes_column_n(database_url):
    result = ingest_file(CORPUS / "blank_header.csv", slug="blank_header",
                         database_url=database_url)
    assert [c["name"] for c in result.columns] == ["id", "column_2", "age"]


def test_good_corpus_file_values(database_url):
    result = ingest_file(CORPUS / "good.csv", slug="good", database_url=database_url)
    assert result.column_types() == {"id": "integer", "name": "text", "zip_code": "text",
                                     "amount": "number", "created": "datetime"}
    assert raw_rows(database_url, "good", "id")[1] == ("2", "Multi\nLine", "90210", "-3",
                                                       "2024-01-03 10:00:00")


def _big_csv_with_late_byte(path, byte: bytes) -> int:
    head = b"id,name\n" + b"".join(b"%d,row %d\n" % (i, i) for i in range(150_000))
    path.write_bytes(head + b"150000,caf" + byte + b"\n")
    return len(head) + len(b"150000,caf")


def test_late_invalid_utf8_is_located_when_declared(database_url, tmp_path):
    path = tmp_path / "late.csv"
    offset = _big_csv_with_late_byte(path, b"\xe9")
    with pytest.raises(IngestError, match=rf"byte 0xE9 at byte offset {offset} \(line 150002\)"):
        ingest_file(path, slug="late_utf8", database_url=database_url,
                    options={"encoding": "utf-8"})


def test_late_non_utf8_byte_means_windows_1252_when_undeclared(database_url, tmp_path):
    path = tmp_path / "late.csv"
    _big_csv_with_late_byte(path, b"\xe9")
    result = ingest_file(path, slug="late_cp1252", database_url=database_url)
    assert result.details["encoding"] == "cp1252" and result.record_count == 150_001
    assert raw_rows(database_url, "late_cp1252")[-1] == ("150000", "café")


def test_copy_end_marker_line_does_not_truncate(database_url, tmp_path):
    # a `\.` line ends COPY's input early in PostgreSQL < 18: the exact reader takes over
    lines = ["a,b"] + [f"{i},x" for i in range(11_000)] + ['11000,"before', "\\.", 'after"']
    path = tmp_path / "marker.csv"
    path.write_text("\n".join(lines) + "\n")
    result = ingest_file(path, slug="marker", database_url=database_url)
    assert result.details["fast_path"] is False and result.record_count == 11_001
    assert raw_rows(database_url, "marker")[-1] == ("11000", "before\n\\.\nafter")


def test_dependent_views_survive_a_reload(database_url, conn, tmp_path):
    path = tmp_path / "v1.csv"
    path.write_text("id,name\n1,a\n2,b\n")
    ingest_file(path, slug="viewed", database_url=database_url)
    conn.execute("CREATE OR REPLACE VIEW staging.stg_viewed AS SELECT id, name FROM raw.viewed")
    path.write_text("id,name,extra\n1,a,x\n2,b,y\n3,c,z\n")
    result = ingest_file(path, slug="viewed", database_url=database_url)
    assert result.details["swap"] == "refill"
    assert conn.execute("SELECT count(*) FROM staging.stg_viewed").fetchone()[0] == 3
    path.write_text("id\n1\n")
    with pytest.raises(IngestError,
                       match=r"lacks column\(s\) name, extra of raw.viewed.*stg_viewed"):
        ingest_file(path, slug="viewed", database_url=database_url)
    assert conn.execute("SELECT count(*) FROM raw.viewed").fetchone()[0] == 3
