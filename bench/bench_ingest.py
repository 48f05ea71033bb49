"""Ingest speed: our CSV, JSON Lines and XLSX ingest against `psql \\copy` of the same CSV.

Run: `python -m bench.bench_ingest` (or `run()` from the bench runner). Generates a 1M-row,
18-column 311-like CSV, the same rows as JSON Lines, and the first 50k rows as XLSX
(written by a minimal streaming writer: openpyxl would take minutes) into bench/data/
(git-ignored; reused when present). Figures are rows/s; the baseline is psql's \\copy of
the CSV into an empty table in the same run, so ratio = ours / psql.
"""

from __future__ import annotations

import csv
import json
import random
import subprocess
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import psycopg

from bench.common import BenchResult, psql_executable, result, stopwatch, write_results
from civic_assets.lib.ingest import ingest_file
from metadata.database import database_url, libpq_url
from metadata.registry import bootstrap

DATA = Path(__file__).parent / "data"
ROWS = 1_000_000
XLSX_ROWS = 50_000  # openpyxl reads ~80k cells/s: 50k x 18 keeps the bench short
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
    paths = {"csv": DATA / "requests_1m.csv", "jsonl": DATA / "requests_1m.jsonl",
             "xlsx": DATA / f"requests_{XLSX_ROWS // 1000}k.xlsx"}
    if not paths["csv"].exists():
        with paths["csv"].open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            writer.writerows(_rows(ROWS))
    if not paths["jsonl"].exists():
        with paths["jsonl"].open("w") as handle:
            for row in _rows(ROWS):
                handle.write(json.dumps(dict(zip(COLUMNS, row, strict=True))) + "\n")
    if not paths["xlsx"].exists():
        _write_xlsx(paths["xlsx"], _rows(XLSX_ROWS))
    return paths


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _write_xlsx(path: Path, rows) -> None:
    """A minimal valid workbook: one sheet, inline strings, numbers where they look numeric."""
    letters = [_column_letter(i) for i in range(len(COLUMNS))]

    def cell(ref: str, value: str) -> str:
        if value.replace(".", "", 1).lstrip("-").isdigit() and not value.startswith("0"):
            return f'<c r="{ref}"><v>{value}</v></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'

    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://'
        'schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default '
        'Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+'
        'xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://'
        'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
        'http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://'
        'schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Requests" '
        'sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships '
        'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
        'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://'
                        b'schemas.openxmlformats.org/spreadsheetml/2006/main">')
            # without <dimension> openpyxl scans the whole sheet once just to size it
            sheet.write(f'<dimension ref="A1:{letters[-1]}{XLSX_ROWS + 1}"/><sheetData>'.encode())
            for number, row in enumerate([COLUMNS, *rows], start=1):
                cells = "".join(cell(f"{letters[i]}{number}", v) for i, v in enumerate(row))
                sheet.write(f'<row r="{number}">{cells}</row>'.encode())
            sheet.write(b"</sheetData></worksheet>")


def _psql_copy_rows_per_second(url: str, path: Path) -> float:
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS public.bench_psql_copy")
        conn.execute("CREATE TABLE public.bench_psql_copy ("
                     + ", ".join(f'"{c.lower()}" text' for c in COLUMNS) + ")")
    command = [psql_executable(), libpq_url(url), "-v", "ON_ERROR_STOP=1", "-q", "-c",
               f"\\copy public.bench_psql_copy FROM '{path}' WITH (FORMAT csv, HEADER true)"]
    with stopwatch() as timer:
        subprocess.run(command, check=True, capture_output=True)
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        count = conn.execute("SELECT count(*) FROM public.bench_psql_copy").fetchone()[0]
        conn.execute("DROP TABLE public.bench_psql_copy")
    assert count == ROWS, count
    return count / timer["seconds"]


def run() -> list[BenchResult]:
    url = database_url()  # CIVIC_DATABASE_URL, or the embedded default
    bootstrap(url)  # creates the database when missing
    paths = generate()
    baseline = _psql_copy_rows_per_second(url, paths["csv"])
    results = []
    for fmt, label in (("csv", "1M rows x 18 cols"), ("jsonl", "1M rows JSON Lines"),
                       ("xlsx", f"{XLSX_ROWS // 1000}k rows")):
        with stopwatch() as timer:
            outcome = ingest_file(paths[fmt], slug=f"bench_{fmt}", database_url=url, force=True)
        rate = outcome.record_count / timer["seconds"]
        results.append(result(f"ingest {fmt} ({label}) rows/s", rate, "rows/s",
                              "psql \\copy same CSV", baseline))
    # unchanged detection: the second run only hashes the file
    with stopwatch() as timer:
        outcome = ingest_file(paths["csv"], slug="bench_csv", database_url=url)
    assert outcome.status == "unchanged"
    results.append(result("re-ingest unchanged 1M-row csv rows/s", ROWS / timer["seconds"],
                          "rows/s", "psql \\copy same CSV", baseline))
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        for fmt in ("csv", "jsonl", "xlsx"):
            conn.execute(f"DROP TABLE IF EXISTS raw.bench_{fmt}")
    return results


if __name__ == "__main__":
    figures = run()
    for figure in figures:
        print(figure.line())
    write_results(figures)
