"""Every identifier type, planted in structured columns and in running text (English and
French), goes through the real publication path — raw table, candidate (anonymization and
its checks), the approval chain, `publish_candidate` — and is absent from every file of the
published version: the bytes on disk, and each format read back by its own reader and
scanned again."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from defusedxml import ElementTree

from anonymization import PiiKind, scan_residual_pii
from civic_assets.candidate.build import build_candidate, register_candidate
from civic_assets.publish.publication import publish_candidate
from tests.anonymization.planted import SENTENCES, STRUCTURED
from tests.civic_assets.candidate.privacy_data import (
    approve,
    load_raw,
    make_spec,
    spec_attributes,
)

pytestmark = pytest.mark.slow

SLUG = "planted_requests"
# more columns a city export holds: names from several locales, e-mail, birth dates,
# home addresses and postal codes
MORE_STRUCTURED = {
    "resident": (PiiKind.PERSON_NAME, ["Marie Tremblay", "Jan Kowalski", "Oluwaseun Adeyemi",
                                       "Nguyễn Thị Lan"]),
    "contact_email": (PiiKind.EMAIL, ["marie.tremblay@example.ca", "j_smith+311@mail.example.com",
                                      "lan.nguyen@exemple.qc.ca", "a.adeyemi@example.org"]),
    "date_of_birth": (PiiKind.DATE_OF_BIRTH, ["1985-03-12", "1990-11-02", "1947-07-30",
                                              "2001-01-15"]),
    "home_address": (PiiKind.STREET_ADDRESS, ["221 Elgin Street", "4520 rue Saint-Denis",
                                              "1600 Pennsylvania Ave NW", "12 Main St"]),
    "postal_code": (PiiKind.POSTAL_CODE, ["K1A 0B1", "H2J 2L3", "K2P 1B2", "M5V 3L9"]),
}
COLUMNS = {**STRUCTURED, **MORE_STRUCTURED}


def planted_frame() -> pd.DataFrame:
    texts = [text for _, _, text in SENTENCES]
    rows = 4 * len(texts)
    frame = pd.DataFrame({
        "request_id": [f"PR-{i:05d}" for i in range(rows)],
        "status": (["open", "closed"] * rows)[:rows],
        # the policy redacts `description`; `commentaire` is redacted as undeclared free text
        "description": (texts * 4)[:rows],
        "commentaire": (texts[1:] + texts[:1]) * 4,
    })
    for column, (_, values) in COLUMNS.items():
        frame[column] = (values * rows)[:rows]
    return frame


def planted_values() -> set[str]:
    return ({value for _, value, _ in SENTENCES}
            | {value for _, values in COLUMNS.values() for value in values})


def _spec():
    data = spec_attributes(SLUG)
    data["dictionary"] = {}
    data["validation"] = {}
    data["metadata"]["completeness_threshold"] = 0.5
    data["anonymization"] = {"undeclared_pii": "drop", "redact_free_text": True,
                             "columns": {"description": {"operator": "redact"}}}
    return make_spec(data)


def _xml_table(path: Path) -> pd.DataFrame:
    root = ElementTree.parse(path).getroot()
    return pd.DataFrame([{child.tag: child.text for child in record} for record in root])


READERS = {
    "data.csv": lambda path: pd.read_csv(path, dtype=str),
    "data.json": lambda path: pd.DataFrame(json.loads(path.read_text(encoding="utf-8"))),
    "data.xml": _xml_table,
    "data.xlsx": lambda path: pd.read_excel(path, dtype=str, engine="openpyxl"),
    "data.parquet": pd.read_parquet,
}


@pytest.fixture(scope="module")
def published(database_url, tmp_path_factory):
    import psycopg

    from catalog.database import libpq_url

    folder = tmp_path_factory.mktemp("published")
    spec = _spec()
    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        load_raw(conn, SLUG, planted_frame())
        bundle = build_candidate(conn, spec, upstream_table=("raw", SLUG))
        failing = {r.name: r.summary for r in bundle.check_results
                   if r.blocking and not r.passed}
        assert failing == {}
        candidate_id = register_candidate(conn, spec, bundle)
        approve(conn, spec, candidate_id)
        version = publish_candidate(conn, spec, candidate_id, published_dir=folder)
    return folder / SLUG / f"v{version.version}", bundle


def test_the_identifiers_were_dropped_or_redacted(published):
    _, bundle = published
    dropped = {c for step in bundle.anonymization["steps"] if step["operator"] == "drop"
               for c in step["columns"]}
    assert dropped == set(COLUMNS), set(COLUMNS) ^ dropped
    kinds = {d["column"]: d["kind"] for d in bundle.anonymization["detected"]}
    assert {c: kinds.get(c) for c in COLUMNS} == {c: str(k) for c, (k, _) in COLUMNS.items()}
    redacted = {c for step in bundle.anonymization["steps"] if step["operator"] == "redact"
                for c in step["columns"]}
    assert redacted == {"description", "commentaire"}


def test_no_planted_value_is_in_the_published_bytes(published):
    folder, _ = published
    files = {path.name: path for path in folder.iterdir()}
    assert set(READERS) | {"datapackage.json"} <= set(files)
    values = planted_values()
    for name, path in files.items():
        data = path.read_bytes()
        if name.endswith((".csv", ".json", ".xml", ".geojson")):
            text = data.decode("utf-8")
            leaked = sorted(v for v in values if v in text)
            assert leaked == [], (name, leaked)
    # the text is still there, redacted: the tokens stand where the identifiers were
    csv_text = files["data.csv"].read_text(encoding="utf-8")
    for kind in (PiiKind.US_SSN, PiiKind.IBAN, PiiKind.EMAIL, PiiKind.PERSON_NAME,
                 PiiKind.STREET_ADDRESS, PiiKind.DATE_OF_BIRTH, PiiKind.LICENCE_PLATE):
        assert kind.token in csv_text, kind


@pytest.mark.parametrize("name", sorted(READERS))
def test_each_format_read_back_passes_the_residual_scan(published, name):
    folder, bundle = published
    table = READERS[name](folder / name)
    assert len(table) == bundle.row_count
    assert set(table.columns) == {"request_id", "status", "description", "commentaire"}
    assert scan_residual_pii(table) == []
    cells = {str(v) for column in table.columns for v in table[column].dropna()}
    values = planted_values()
    assert not [v for v in values if any(v in cell for cell in cells)]
