"""Fixtures: seeded corpora of planted PII and of look-alikes, the 311 frame, Adult."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from anonymization import patterns as pt
from anonymization.kinds import PiiKind
from anonymization.recognizers.base import luhn_valid
from anonymization.synthetic import synthetic_311, synthetic_boundaries
from tests.paths import SHARED_DATA

# The Adult extract lives next to the project: resolve it from this file, not the cwd.
ADULT_CSV = SHARED_DATA / "adult" / "adult.csv"


@pytest.fixture(scope="session")
def adult_path() -> Path:
    path = ADULT_CSV.resolve()
    if not path.exists():
        pytest.fail(f"UCI Adult extract missing: {path}")
    return path


@pytest.fixture(scope="session")
def frame_311():
    return synthetic_311(20_000, seed=3)


@pytest.fixture(scope="session")
def boundaries():
    return synthetic_boundaries()

N = 200
FSA_LETTERS = "ABCEGHJKLMNPRSTVWXYZ"
STREETS = ("Bank Street", "Elgin Street", "Rideau Street", "Somerset Avenue", "Carling Avenue",
           "Baseline Road", "Riverside Drive", "Laurier Avenue")


def luhn_digit(first8: str) -> str:
    for check in "0123456789":
        if luhn_valid(first8 + check):
            return check
    raise AssertionError("unreachable")


def make_sin(rng: np.random.Generator, *, valid: bool, style: str) -> str:
    first8 = str(rng.choice([1, 2, 3, 4, 5, 6, 7, 9])) + "".join(
        str(d) for d in rng.integers(0, 10, 7))
    check = luhn_digit(first8)
    if not valid:
        check = str((int(check) + int(rng.integers(1, 10))) % 10)
    digits = first8 + check
    if style == "plain":
        return digits
    sep = "-" if style == "dash" else " "
    return f"{digits[:3]}{sep}{digits[3:6]}{sep}{digits[6:]}"


def planted(rng: np.random.Generator, n: int = N) -> dict[PiiKind, list[str]]:
    """n values of every kind that can be recognized from the value alone."""
    firsts, lasts = pt.first_names(), pt.surnames()
    names = [f"{rng.choice(firsts)} {rng.choice(lasts)}" for _ in range(n)]
    emails = [f"user{i}.{rng.choice(['x', 'qc', 'on'])}@example{i % 7}.ca" for i in range(n)]
    phones = []
    for i in range(n):
        a, b, c = rng.integers(200, 999), rng.integers(200, 999), rng.integers(0, 9999)
        phones.append([f"{a}-{b}-{c:04d}", f"({a}) {b}-{c:04d}", f"+1 {a} {b} {c:04d}",
                       f"{a}.{b}.{c:04d}"][i % 4])
    sins = [make_sin(rng, valid=True, style=["plain", "dash", "space"][i % 3]) for i in range(n)]
    postals = [f"K{rng.integers(0, 10)}{rng.choice(list(FSA_LETTERS))} "
               f"{rng.integers(0, 10)}{rng.choice(list('ABCEGHJKLMNPRSTVWXYZ'))}"
               f"{rng.integers(0, 10)}" for _ in range(n)]
    addresses = [f"{rng.integers(1, 3000)} {rng.choice(STREETS)}" if i % 4 else
                 f"{rng.integers(1, 3000)} rue Saint-{rng.choice(['Denis', 'Laurent', 'Hubert'])}"
                 for i in range(n)]
    points = [f"POINT ({-75.5 - rng.random():.6f} {45 + rng.random():.6f})" for _ in range(n)]
    return {
        PiiKind.PERSON_NAME: names, PiiKind.EMAIL: emails, PiiKind.PHONE: phones,
        PiiKind.CA_SIN: sins, PiiKind.POSTAL_CODE: postals, PiiKind.STREET_ADDRESS: addresses,
        PiiKind.COORDINATES: points,
    }


def pii_corpus(seed: int = 7) -> tuple[pd.DataFrame, dict[str, PiiKind]]:
    """A table of planted PII and the kind expected in each column."""
    rng = np.random.default_rng(seed)
    values = planted(rng)
    columns: dict[str, list] = {}
    expected: dict[str, PiiKind] = {}
    named = {PiiKind.PERSON_NAME: "full_name", PiiKind.EMAIL: "email", PiiKind.PHONE: "phone",
             PiiKind.CA_SIN: "sin", PiiKind.POSTAL_CODE: "postal_code",
             PiiKind.STREET_ADDRESS: "street_address", PiiKind.COORDINATES: "location_wkt"}
    odd = {PiiKind.PERSON_NAME: "col1", PiiKind.EMAIL: "contact", PiiKind.PHONE: "col3",
           PiiKind.CA_SIN: "col7", PiiKind.POSTAL_CODE: "field_b",
           PiiKind.STREET_ADDRESS: "where", PiiKind.COORDINATES: "shape"}
    for kind, vals in values.items():
        columns[named[kind]] = vals
        expected[named[kind]] = kind
        columns[odd[kind]] = list(rng.permutation(vals))
        expected[odd[kind]] = kind
    # kinds only a column name can establish
    columns["zip_code"] = [f"{z:05d}" for z in rng.integers(10_000, 99_999, N)]
    expected["zip_code"] = PiiKind.POSTAL_CODE
    columns["date_of_birth"] = list(pd.to_datetime("1940-01-01")
                                    + pd.to_timedelta(rng.integers(0, 60 * 365, N), unit="D"))
    expected["date_of_birth"] = PiiKind.DATE_OF_BIRTH
    columns["age"] = list(rng.integers(0, 100, N))
    expected["age"] = PiiKind.AGE
    columns["latitude"] = list(np.round(45 + rng.random(N), 6))
    expected["latitude"] = PiiKind.COORDINATES
    columns["longitude"] = list(np.round(-75 - rng.random(N), 6))
    expected["longitude"] = PiiKind.COORDINATES
    columns["mobile_number"] = [f"613{n:07d}" for n in rng.integers(2_000_000, 9_999_999, N)]
    expected["mobile_number"] = PiiKind.PHONE
    return pd.DataFrame(columns), expected


FREE_TEXT_TEMPLATES = {
    PiiKind.PERSON_NAME: "Resident {v} called about the broken streetlight on the corner.",
    PiiKind.EMAIL: "Please send the follow-up to {v} when the crew is done.",
    PiiKind.PHONE: "Caller asked to be reached at {v} during business hours only.",
    PiiKind.CA_SIN: "Applicant gave SIN {v} on the subsidy form, which should not be here.",
    PiiKind.POSTAL_CODE: "Bin was not collected at the house, postal code {v}, again this week.",
    PiiKind.STREET_ADDRESS: "Large pothole in front of {v} is getting worse every day.",
    PiiKind.COORDINATES: "Fallen tree blocking the path at {v} near the river trail.",
    PiiKind.DATE_OF_BIRTH: "The caller, born on {v}, asked about seniors snow clearing.",
    PiiKind.AGE: "A {v} years old resident fell on the icy sidewalk near the library.",
}


def free_text_corpus(seed: int = 11) -> tuple[pd.DataFrame, list[PiiKind]]:
    """Sentences each carrying one planted value, and the kind planted in each row."""
    rng = np.random.default_rng(seed)
    values = planted(rng, 40)
    values[PiiKind.COORDINATES] = [f"{45 + rng.random():.5f}, {-75 - rng.random():.5f}"
                                   for _ in range(40)]
    values[PiiKind.DATE_OF_BIRTH] = [f"{y}-{m:02d}-{d:02d}" for y, m, d in zip(
        rng.integers(1930, 2005, 40), rng.integers(1, 13, 40), rng.integers(1, 29, 40),
        strict=True)]
    values[PiiKind.AGE] = [str(a) for a in rng.integers(18, 95, 40)]
    texts, kinds = [], []
    for kind, template in FREE_TEXT_TEMPLATES.items():
        for v in values[kind]:
            texts.append(template.format(v=v))
            kinds.append(kind)
    return pd.DataFrame({"description": texts}), kinds


def lookalike_corpus(seed: int = 13, n: int = N) -> pd.DataFrame:
    """Values shaped like PII that are not: none of them should be flagged."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("ABCDEFGHJKLMNPRSTUVWXYZ"))
    return pd.DataFrame({
        "reference": [make_sin(rng, valid=False, style=["plain", "dash", "space"][i % 3])
                      for i in range(n)],
        "product_code": [f"{''.join(rng.choice(letters, 2))}-{rng.integers(100, 999)}-"
                         f"{rng.integers(100, 999)}" for _ in range(n)],
        "event_date": list(pd.to_datetime("2020-01-01")
                           + pd.to_timedelta(rng.integers(0, 2000, n), unit="D")),
        "event_date_text": [f"{d:%Y-%m-%d}" for d in pd.to_datetime("2020-01-01")
                            + pd.to_timedelta(rng.integers(0, 2000, n), unit="D")],
        "order_number": [str(x) for x in rng.integers(100_000_000, 999_999_999, n)],
        "order_id": rng.integers(100_000_000, 999_999_999, n),
        "price": np.round(rng.uniform(1, 500, n), 2),
        "quantity": rng.integers(1, 50, n),
        "status": rng.choice(["Open", "Closed", "In progress"], n),
        "notes": [f"Order {o} for product {p} shipped on {d:%Y-%m-%d}, total ${c:.2f}."
                  for o, p, d, c in zip(
                      rng.integers(100_000_000, 999_999_999, n),
                      [f"AB-{x}-{y}" for x, y in rng.integers(100, 999, (n, 2))],
                      pd.to_datetime("2021-01-01") + pd.to_timedelta(rng.integers(0, 900, n),
                                                                      unit="D"),
                      rng.uniform(1, 900, n), strict=True)],
    })


@pytest.fixture(scope="session")
def corpus():
    """Planted PII per column and the kind expected in each column."""
    return pii_corpus()


@pytest.fixture(scope="session")
def text_corpus():
    return free_text_corpus()


@pytest.fixture(scope="session")
def lookalikes():
    return lookalike_corpus()


@pytest.fixture(name="make_sin")
def make_sin_fixture():
    return make_sin
