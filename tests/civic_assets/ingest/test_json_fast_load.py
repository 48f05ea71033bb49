"""JSON and JSON Lines load through COPY blocks (and arrays line by line with orjson):
what lands in raw must be what `to_text` of each parsed value always gave."""

from __future__ import annotations

import json
import random

import pytest

from civic_assets.ingest import IngestError, ingest_file
from civic_assets.ingest.readers.base import to_text
from tests.civic_assets.ingest.ingest_helpers import raw_rows

RECORDS = 20_000
LATE_FROM = 15_000  # `late` first appears here: a new column mid-stream
TRICKY_TEXT = ["plain", "", "two\nlines", "tab\there", "cr\r\nlf", 'say "hi"', "back\\slash",
               "\\N", "\\.", "ünïcødé ✓ 漢字 🚲", "\b\v\f bells", "  padded  ", "comma, semi;",
               "0042", "null", "true"]
NUMBERS = [0, -1, 7, 2**63, -(2**63), 10**25, 3.0, -0.0, 0.1, 1.5, 2.5e-8, 1e15, 1e16,
           123456.789, 1.7976931348623157e308, 5e-324, 2e19, -1e20]


def _value(rng: random.Random, number: int, numbers: list):
    kind = number % 7
    if kind == 0:
        return rng.choice(TRICKY_TEXT)
    if kind == 1:
        return rng.choice(numbers) if rng.random() < 0.5 else rng.uniform(-1e6, 1e6)
    if kind == 2:
        return rng.choice([True, False, None])
    if kind == 3:
        return {"a": [1, 2.5, None, "x\ny"], "b": {"ü": True}}
    if kind == 4:
        return [rng.randint(-5, 5), "z", {"k": None}]
    return f"text {rng.randint(0, 10**6)}"


def _records(*, big_integers: bool = True) -> list[dict]:
    """ijson refuses integers beyond signed 64 bits (json.loads keeps them): arrays go
    without."""
    numbers = [n for n in NUMBERS if big_integers or -(2**63) < n < 2**63]
    rng = random.Random(20240611)
    records = []
    for number in range(RECORDS):
        record = {"id": f"{number:06d}"}
        if number % 5:  # most records: all text, in column order (the fast path)
            record |= {"name": f"name {number}", "note": rng.choice(TRICKY_TEXT[:1] * 8
                                                                     + TRICKY_TEXT)}
        else:
            keys = ["value", "name", "note", "extra"]
            rng.shuffle(keys)  # another order, some keys missing
            for key in keys[: rng.randint(0, 4)]:
                record[key] = _value(rng, rng.randint(0, 6), numbers)
        if number >= LATE_FROM and number % 3 == 0:
            record["late"] = _value(rng, number, numbers)
        records.append(record)
    return records


def _expected(records: list[dict]) -> tuple[list[str], list[tuple]]:
    """Raw columns and rows as the record-by-record loader produced them."""
    columns: list[str] = []
    for record in records:
        columns += [key for key in record if key not in columns]
    rows = [tuple(to_text(record[key]) if key in record else None for key in columns)
            for record in records]
    return columns, sorted(rows)


def _check(database_url: str, path, slug: str, records: list[dict]) -> None:
    result = ingest_file(path, slug=slug, database_url=database_url)
    columns, rows = _expected([json.loads(json.dumps(r)) for r in records])
    assert result.record_count == RECORDS
    assert [c["original_name"] for c in result.columns] == columns
    assert raw_rows(database_url, slug, "id") == rows


def test_tricky_json_lines_load_as_before(database_url, tmp_path):
    records = _records()
    path = tmp_path / "tricky.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=n % 2 == 0) + "\n"
                            for n, r in enumerate(records)), encoding="utf-8")
    _check(database_url, path, "tricky_jsonl", records)


@pytest.mark.parametrize("layout", ["one_per_line", "indented", "one_line"])
def test_tricky_json_array_loads_as_before(database_url, tmp_path, layout):
    records = _records(big_integers=False)
    path = tmp_path / f"tricky_{layout}.json"
    if layout == "one_per_line":  # read line by line with orjson
        path.write_text("[\n" + ",\n".join(map(json.dumps, records)) + "\n]\n")
    elif layout == "indented":  # ijson from the start
        path.write_text(json.dumps(records, indent=2))
    else:
        path.write_text(json.dumps(records))
    _check(database_url, path, f"tricky_json_{layout}", records)


def test_json_array_lines_hand_over_to_ijson_midway(database_url, tmp_path):
    """A line orjson refuses (two records on it) mid-file: ijson reads the rest, and the
    records already loaded are not loaded twice."""
    records = [{"id": f"{n:05d}", "v": n} for n in range(5000)]
    lines = [json.dumps(r) for r in records]
    lines[3000] = lines[3000] + ", " + lines.pop(3001)
    path = tmp_path / "mixed.json"
    path.write_text("[\n" + ",\n".join(lines) + "\n]\n")
    _check_plain(database_url, path, "mixed_json", records)


def _check_plain(database_url: str, path, slug: str, records: list[dict]) -> None:
    result = ingest_file(path, slug=slug, database_url=database_url)
    assert result.record_count == len(records)
    assert raw_rows(database_url, slug, "id") == [(r["id"], str(r["v"])) for r in records]


@pytest.mark.parametrize("bad", ["oops", str(10**25), str(2**63), str(-(2**63))])
def test_json_array_errors_still_come_from_ijson(database_url, tmp_path, bad):
    path = tmp_path / "broken.json"
    path.write_text("[\n" + ",\n".join(json.dumps({"n": n}) for n in range(3000))
                    + f',\n{{"n": {bad}}}\n]\n')
    with pytest.raises(IngestError) as caught:
        ingest_file(path, slug="broken_json", database_url=database_url)
    assert caught.value.problem.startswith("not valid JSON: ")
    assert caught.value.where == "after record 3000"


@pytest.mark.parametrize(("bad", "message"), [
    ("a\x00b", ("database refused the data: PostgreSQL text fields cannot contain NUL "
                "(0x00) bytes")),
    ("x\ud800", ("UnicodeEncodeError: 'utf-8' codec can't encode character '\\ud800' in "
                 "position 1: surrogates not allowed")),
])
def test_values_postgres_refuses_keep_their_messages(database_url, tmp_path, bad, message):
    """Deep inside a COPY block, a value psycopg refuses fails as it did row by row."""
    lines = [json.dumps({"id": str(n), "v": f"value {n}"}) for n in range(5000)]
    lines[4321] = json.dumps({"id": "4321", "v": bad})
    path = tmp_path / "refused.jsonl"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(IngestError) as caught:
        ingest_file(path, slug="refused_jsonl", database_url=database_url)
    assert caught.value.problem == message
