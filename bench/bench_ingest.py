"""Ingest speed: our CSV, JSON Lines, JSON array and XLSX ingest against `psql \\copy` of
the same CSV.

Run: `python -m bench.bench_ingest` (or `run()` from the bench runner). Generates a 1M-row,
18-column 311-like CSV and the same rows as JSON Lines, as a JSON array and as an XLSX
workbook (written by `civic_assets.publish.xlsx`) into bench/data/ (git-ignored; reused
when present). Figures are rows/s; the baseline is psql's \\copy of the CSV into an empty
table in the same run, so ratio = ours / psql.
"""

from __future__ import annotations

import csv
import json
import random
from itertools import chain
from pathlib import Path
from xml.sax.saxutils import escape

import psycopg

from bench.common import BenchResult, psql_copy_seconds, result, stopwatch, write_results
from catalog.database import libpq_url
from catalog.migrate import bootstrap
from civic_assets.ingest import ingest_file
from civic_assets.publish import xlsx as xlsx_stream
from civic_assets.settings import database_url

DATA = Path(__file__).parent / "data"
ROWS = 1_000_000
FORMATS = {"csv": "1M rows x 18 cols", "jsonl": "1M rows JSON Lines",
           "json": "1M rows JSON array", "xlsx": "1M rows x 18 cols"}

COLUMNS = [
    "SRNumber", "CreatedDate", "UpdatedDate", "RequestType", "Status", "RequestSource",
    "Owner", "ActionTaken", "Address", "HouseNumber", "StreetName", "ZipCode", "Latitude",
    "Longitude", "CD", "NC", "NCName", "PolicePrecinct",
]


def _rows(count: int):
    rng = random.Random(311)
    types = ["Bulky Items", "Graffiti Removal", "Illegal Dumping Pickup",
             "Metal/Household Appliances", "Electronic Waste", "Homeless Encampment",
             "Dead Animal Removal"]
    statuses = ["Closed", "Open", "Pending", "Cancelled"]
    sources = ["Call", "Mobile App", "Self Service", "Driver Self Report", "Email"]
    streets = ["MAIN ST", "BROADWAY", "SUNSET BLVD", "FIGUEROA ST", "VERMONT AVE", "PICO BLVD"]
    ncs = ["DOWNTOWN LA", "HOLLYWOOD UNITED", "SILVER LAKE", "VENICE", "WILMINGTON", "ENCINO"]
    for i in range(count):
        street = rng.choice(streets)
        house = rng.randint(100, 19999)
        yield [
            f"1-{1000000000 + i}",
            (f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/2017 "
             f"{rng.randint(1, 12):02d}:{rng.randint(0, 59):02d}:00 AM"),
            (f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/2017 "
             f"{rng.randint(1, 12):02d}:{rng.randint(0, 59):02d}:00 PM"),
            rng.choice(types), rng.choice(statuses), rng.choice(sources), "BOS",
            "SR Created", f"{house} {street}, LOS ANGELES, CA 9{rng.randint(1000, 1799)}",
            str(house), street, f"9{rng.randint(1000, 1799)}", f"{rng.uniform(33.7, 34.3):.6f}",
            f"{rng.uniform(-118.6, -118.1):.6f}", str(rng.randint(1, 15)),
            str(rng.randint(1, 130)), rng.choice(ncs), rng.choice(["77TH", "CENTRAL", "TOPANGA"]),
        ]


def generate() -> dict[str, Path]:
    DATA.mkdir(parents=True, exist_ok=True)
    (DATA / "requests_50k.xlsx").unlink(missing_ok=True)  # the old, smaller workbook
    paths = {"csv": DATA / "requests_1m.csv", "jsonl": DATA / "requests_1m.jsonl",
             "json": DATA / "requests_1m.json", "xlsx": DATA / "requests_1m.xlsx"}
    if not paths["csv"].exists():
        with paths["csv"].open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            writer.writerows(_rows(ROWS))
    if not paths["jsonl"].exists():
        with paths["jsonl"].open("w") as handle:
            for row in _rows(ROWS):
                handle.write(json.dumps(dict(zip(COLUMNS, row, strict=True))) + "\n")
    if not paths["json"].exists():
        with paths["json"].open("w") as handle:
            handle.write("[")
            for number, row in enumerate(_rows(ROWS)):
                handle.write(("\n" if number == 0 else ",\n")
                             + json.dumps(dict(zip(COLUMNS, row, strict=True))))
            handle.write("\n]\n")
    if not paths["xlsx"].exists():
        rows_xml = chain([xlsx_stream.header_row(COLUMNS)], map(_xlsx_row, _rows(ROWS)))
        xlsx_stream.write_workbook(paths["xlsx"], sheet_name="Requests",
                                   column_count=len(COLUMNS), row_count=ROWS + 1,
                                   rows_xml=rows_xml)
    return paths


def _xlsx_row(row: list[str]) -> str:
    """One `<row>`: numbers where the CSV text is a plain number, inline strings elsewhere."""
    cells = []
    for value in row:
        if value.replace(".", "", 1).lstrip("-").isdigit() and not value.startswith("0"):
            cells.append(f"<c><v>{value}</v></c>")
        else:
            cells.append(f'<c t="inlineStr"><is><t>{escape(value)}</t></is></c>')
    return "<row>" + "".join(cells) + "</row>"


def run() -> list[BenchResult]:
    url = database_url()  # CIVIC_DATABASE_URL, or the embedded default
    bootstrap(url)  # creates the database when missing
    paths = generate()
    seconds, count = psql_copy_seconds(url, paths["csv"])
    assert count == ROWS, count
    baseline = count / seconds
    results = []
    for fmt, label in FORMATS.items():
        with stopwatch() as timer:
            outcome = ingest_file(paths[fmt], slug=f"bench_{fmt}", database_url=url, force=True)
        assert outcome.record_count == ROWS, (fmt, outcome.record_count)
        results.append(result(f"ingest {fmt} ({label}) rows/s", ROWS / timer["seconds"],
                              "rows/s", "psql \\copy same CSV", baseline))
    # unchanged detection: the second run only hashes the file
    with stopwatch() as timer:
        outcome = ingest_file(paths["csv"], slug="bench_csv", database_url=url)
    assert outcome.status == "unchanged"
    results.append(result("re-ingest unchanged 1M-row csv rows/s", ROWS / timer["seconds"],
                          "rows/s", "psql \\copy same CSV", baseline))
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        for fmt in FORMATS:
            conn.execute(f"DROP TABLE IF EXISTS raw.bench_{fmt}")
    return results


if __name__ == "__main__":
    figures = run()
    for figure in figures:
        print(figure.line())
    write_results(figures)
