"""`civic scan`: detection and the residual scan on any file, run as a privacy officer runs
it — the real command in a subprocess — on a file with planted identifiers and on a real
311 export."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import PROJECT_ROOT, SHARED_DATA

LA_311 = SHARED_DATA / "la-311" / "MyLA311_Service_Request_Data_2017_Subset.csv"
CORPUS = PROJECT_ROOT / "tests" / "civic_assets" / "ingest" / "corpus"
NOTES = [
    "Please call Marie Tremblay at 613-555-0199 about the pothole on her street.",
    "Le résident Jan Kowalski signale un lampadaire éteint; courriel jan.k@example.ca.",
    "Card 4111 1111 1111 1111 was charged twice for the same parking permit.",
    "Streetlight out in front of the library since Tuesday, no one was hurt.",
]
# column -> (detected kind, kinds the residual scan finds in its values, role)
PLANTED = {
    "resident": ("person_name", {"person_name"}, "direct_identifier"),
    "contact_email": ("email", {"email"}, "direct_identifier"),
    "phone": ("phone", {"phone"}, "direct_identifier"),
    "sin": ("ca_sin", {"ca_sin"}, "direct_identifier"),
    "notes": ("free_text", {"person_name", "email", "phone", "payment_card"},
              "direct_identifier"),
    "age": ("age", {"age"}, "quasi_identifier"),
    "postal_code": ("postal_code", {"postal_code"}, "quasi_identifier"),
}


def civic(*args: str) -> subprocess.CompletedProcess:
    # the name model loads in the child: allow for a busy machine
    return subprocess.run([sys.executable, "-m", "civic_assets.cli", *args], check=False,
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("scan") / "export.csv"
    names = ["Marie Tremblay", "Jan Kowalski", "Oluwaseun Adeyemi", "Sophie Lavoie"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["request", *PLANTED, "status"])
        for i in range(40):
            writer.writerow([f"R-{i}", names[i % 4], f"user{i}@example.ca", f"613-555-{i:04d}",
                             ["276 345 121", "130-692-544"][i % 2], NOTES[i % 4], 20 + i,
                             ["K1A 0B1", "H2J 2L3"][i % 2], ["open", "closed"][i % 2]])
    return path


def test_every_planted_column_is_reported_with_kind_and_confidence(planted):
    done = civic("scan", str(planted), "--json")
    assert done.returncode == 1, done.stderr  # personal information found
    report = json.loads(done.stdout)
    assert report["records"] == 40 and report["personal_information_found"] is True
    columns = {c["column"]: c for c in report["columns"]}
    for column, (kind, residual, role) in PLANTED.items():
        found = columns[column]
        assert found["detected"]["kind"] == kind, found
        assert found["detected"]["confidence"] >= 0.5
        assert residual <= {r["kind"] for r in found["residual"]}, found
        assert found["role"] == role
    for clean in ("request", "status"):
        assert columns[clean]["detected"] is None and columns[clean]["residual"] == []
    assert set(report["quasi_identifiers"]) == {"age", "postal_code"}
    assert report["k_over_quasi_identifiers"] == 1
    # examples are masked: no planted value is printed in clear
    assert "613-555-0199" not in done.stdout and "276 345 121" not in done.stdout


def test_the_text_report_names_each_column_and_what_it_holds(planted):
    done = civic("scan", str(planted))
    assert done.returncode == 1
    out = done.stdout
    assert out.startswith(f"{planted} (csv, 40 records, 9 columns): personal information in "
                          "7 column(s)")
    assert "contact_email\n  detected: email (confidence 1.00" in out
    assert "residual scan: payment_card in 10 value(s)" in out
    assert "quasi-identifiers (could single a person out together):" in out
    assert "nothing found in: request, status" in out


def test_a_clean_file_exits_0(tmp_path):
    path = tmp_path / "clean.csv"
    path.write_text("ward,requests\nWard 1,12\nWard 2,40\n", encoding="utf-8")
    done = civic("scan", str(path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no personal information found" in done.stdout


def test_a_real_311_export(tmp_path):
    done = civic("scan", str(LA_311), "--json")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["records"] == 9_999
    columns = {c["column"]: c for c in report["columns"]}
    assert columns["Address"]["detected"]["kind"] == "street_address"
    assert columns["Address"]["role"] == "direct_identifier"
    for point in ("Latitude", "Longitude"):
        assert columns[point]["detected"]["kind"] == "coordinates"
        assert columns[point]["role"] == "quasi_identifier"
    assert {"CreatedDate", "ZipCode", "NCName", "Latitude"} <= set(report["quasi_identifiers"])
    assert report["k_over_quasi_identifiers"] == 1
    for plain in ("SRNumber", "RequestType", "Status"):
        assert columns[plain]["detected"] is None and columns[plain]["residual"] == []


@pytest.mark.parametrize(("args", "says"), [
    (["/no/such/export.csv"], "civic scan: error: no such file: /no/such/export.csv"),
    ([str(CORPUS)], "is a folder; give one file"),
    ([str(CORPUS / "ragged.csv")],
     f"cannot read the file: {CORPUS / 'ragged.csv'}: row has 2 values but the header has 3"),
    ([str(CORPUS / "good.csv"), "--min-confidence", "3"],
     "argument --min-confidence: 3 is not between 0 and 1"),
    ([str(CORPUS / "good.csv"), "--rows", "0"], "argument --rows: 0 is not a positive number"),
    ([str(CORPUS / "good.csv"), "--format", "pdf"], "argument --format: invalid choice: 'pdf'"),
    ([], "the following arguments are required: path"),
], ids=["missing", "folder", "unreadable", "confidence", "rows", "format", "no-path"])
def test_wrong_arguments_exit_2_with_a_clear_message(args, says):
    done = civic("scan", *args)
    assert done.returncode == 2
    assert says in done.stderr and "Traceback" not in done.stderr
