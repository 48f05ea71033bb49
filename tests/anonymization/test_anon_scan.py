"""Residual-PII scan over every value."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from anonymization import PiiKind, scan_residual_pii


def test_scan_finds_planted_pii_and_never_shows_it(frame_311):
    df = frame_311[["request_id", "status", "description"]].copy()
    rng = np.random.default_rng(2)
    rows = rng.choice(len(df), 7, replace=False)
    df.loc[df.index[rows[0]], "status"] = "marie.tremblay@example.ca"
    df.loc[df.index[rows[1]], "description"] = "Call 613-555-0199 after 5"
    df.loc[df.index[rows[2]], "request_id"] = "130 692 544"
    findings = {(f.column, f.kind): f for f in scan_residual_pii(df)}
    email = findings[("status", PiiKind.EMAIL)]
    assert email.count == 1 and email.example_index == df.index[rows[0]]
    assert "marie" not in email.example and email.example.endswith("ca")
    assert ("request_id", PiiKind.CA_SIN) in findings
    assert findings[("description", PiiKind.PHONE)].count >= 1
    json.dumps([f.to_dict() for f in findings.values()])


def test_scan_of_clean_frame_finds_nothing(lookalikes):
    clean = pd.DataFrame({
        "neighbourhood": ["Glebe", "Vanier"] * 100,
        "age_range": ["30-39", "40-49"] * 100,
        "response_time_hours": np.round(np.linspace(0.5, 90.25, 200), 4),
        "postal_fsa": ["K1A", "K2P"] * 100,
        "description": ["Pothole near the school <PHONE>, reply to <EMAIL>."] * 200,
    })
    assert scan_residual_pii(clean) == []
    assert scan_residual_pii(lookalikes) == []


def test_places_named_after_people_are_not_names_but_people_are():
    # a few hundred published rows: too few for the column to count as a category
    places = ["Carleton Green", "Laurier Heights", "Sandy Hill", "Lowertown"] * 60
    people = ["Marie Tremblay", "Jan Kowalski", "Oluwaseun Adeyemi", "Sophie Lavoie"] * 60
    df = pd.DataFrame({"neighbourhood": places, "StreetName": places, "ward": places,
                       "resident_name": people, "requester_street": people})
    found = {(f.column, f.kind) for f in scan_residual_pii(df)}
    assert found == {("resident_name", PiiKind.PERSON_NAME),
                     ("requester_street", PiiKind.PERSON_NAME)}
    # running text about a place still has its names found
    text = pd.DataFrame({"neighbourhood_notes": [
        "Marie Tremblay called about the park in Carleton Green; she lives near it."] * 5})
    assert {f.kind for f in scan_residual_pii(text)} == {PiiKind.PERSON_NAME}


def test_scan_finds_the_planted_kinds_in_a_large_frame():
    # its speed is measured by `make bench` (the residual scan against presidio's), not here
    from anonymization.synthetic import synthetic_311

    df = synthetic_311(200_000, seed=9)[["description", "status", "request_type"]]
    findings = scan_residual_pii(df)
    assert {f.kind for f in findings} == {PiiKind.EMAIL, PiiKind.PHONE}
