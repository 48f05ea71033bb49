"""Pure functions: column naming, type detection, secret masking, file-drop cursors."""

from __future__ import annotations

import os
import time

import pytest

from civic_assets.ingest import new_files
from civic_assets.ingest.masking import mask_secrets
from civic_assets.ingest.naming import ColumnNamer, DuplicateColumnError, normalize_column_name
from civic_assets.ingest.type_detection import TypeDetector


@pytest.mark.parametrize(("original", "expected"), [
    ("SRNumber", "sr_number"), ("CreatedDate", "created_date"), ("ZipCode", "zip_code"),
    ("NCName", "nc_name"), ("CD", "cd"), ("Zip Code", "zip_code"),
    ("marital-status", "marital_status"),
    ("  Amount ($) ", "amount"), ("Année", "annee"), ("accessibilité", "accessibilite"),
    ("2019 Total", "c_2019_total"), ("国人", "国人"), ("", "column_3"), ("a" * 80, "a" * 63),
    ("Fund And Descrciption", "fund_and_descrciption"), ("TBMPage", "tbm_page"),
])
def test_normalize_column_name(original, expected):
    assert normalize_column_name(original, 3) == expected


def test_duplicates_after_normalization_are_refused():
    namer = ColumnNamer()
    namer.add("Zip Code")
    with pytest.raises(DuplicateColumnError, match=r"'zip_code'.*Zip Code|Zip Code.*zip_code"):
        namer.add("zip_code")


@pytest.mark.parametrize(("values", "expected"), [
    (["1", "-2", "300"], "integer"), (["1", "2.5", "1e3"], "number"),
    (["007", "12"], "text"), (["true", "False", "yes"], "boolean"),
    (["2024-01-02", "2024-12-31"], "date"), (["2024-01-02", "2024-01-02T10:00:00Z"], "datetime"),
    (["01/01/2017 12:00:00 AM"], "datetime"),
    (["POINT (1 2)", "MULTIPOLYGON (((0 0,1 0,1 1,0 0)))"], "geometry"),
    (["a", "1"], "text"), ([None, ""], "text"), (["1", None, ""], "integer"),
])
def test_type_detection(values, expected):
    detector = TypeDetector(1)
    for value in values:
        detector.add([value])
    assert detector.types() == [expected]


def test_mask_secrets_hides_url_passwords_tokens_and_known_values():
    text = "postgresql://bob:s3cr3t@db:5432/x?sslmode=require https://api/x?token=abc123 key-XYZW"
    masked = mask_secrets(text, ["key-XYZW"])
    assert "s3cr3t" not in masked and "abc123" not in masked and "key-XYZW" not in masked
    assert "postgresql://bob:***@db" in masked


def test_new_files_returns_each_new_file_once(tmp_path):
    (tmp_path / "a.csv").write_text("x\n1\n")
    (tmp_path / "ignore.txt").write_text("x")
    files, cursor = new_files(tmp_path, "*.csv", None)
    assert [f.name for f in files] == ["a.csv"]
    assert new_files(tmp_path, "*.csv", cursor)[0] == []
    (tmp_path / "b.csv").write_text("x\n2\n")
    files, cursor = new_files(tmp_path, "*.csv", cursor)
    assert [f.name for f in files] == ["b.csv"]
    # a file replaced under the same name is new again
    later = time.time() + 5
    (tmp_path / "a.csv").write_text("x\n1\n3\n")
    os.utime(tmp_path / "a.csv", (later, later))
    files, cursor = new_files(tmp_path, "*.csv", cursor)
    assert [f.name for f in files] == ["a.csv"]
    assert isinstance(cursor, str) and new_files(tmp_path, "*.csv", cursor)[0] == []


def test_new_files_waits_for_files_still_being_written(tmp_path):
    (tmp_path / "a.csv").write_text("x\n1\n")
    files, cursor = new_files(tmp_path, "*.csv", None, min_age_seconds=60)
    assert files == []
    assert new_files(tmp_path, "*.csv", cursor)[0] == [tmp_path / "a.csv"]
