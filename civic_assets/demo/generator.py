"""Deterministic synthetic 311 service requests, with the personal fields a raw
departmental export really has (name, phone, email, address, postal code, coordinates,
age, free text that sometimes holds a phone number or an email).

Real open data is already stripped of personal information, so the demo makes its own.
Everything is vectorized with numpy: a million rows take seconds, not minutes.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

CITY = "Riverton"
# a fictional city laid over a real-looking extent in eastern Ontario (EPSG:4326)
WEST, SOUTH, EAST, NORTH = -75.80, 45.30, -75.55, 45.46
GRID_COLUMNS, GRID_ROWS = 5, 4

NEIGHBOURHOODS = [
    "Bayview", "Cedar Heights", "Riverside", "Old Town", "Mill Park",
    "Greenfield", "Lakeshore", "Northgate", "St. Laurent", "Belmont",
    "Westboro Flats", "Maple Grove", "Hillcrest", "Champlain", "Vanier Est",
    "Carleton Green", "Orchard", "Beauséjour", "Fairview", "Sandy Hill",
]
# each neighbourhood gets a few forward sortation areas, as a real city does
FSA_LETTERS = "ABCEGHJKLMNPRSTVXY"

REQUEST_TYPES = {
    "Pothole repair": "Roads and Transportation",
    "Streetlight out": "Roads and Transportation",
    "Traffic signal problem": "Roads and Transportation",
    "Snow removal": "Roads and Transportation",
    "Missed garbage collection": "Solid Waste",
    "Missed recycling collection": "Solid Waste",
    "Bulky item pickup": "Solid Waste",
    "Illegal dumping": "Solid Waste",
    "Graffiti removal": "Public Works",
    "Sidewalk repair": "Public Works",
    "Tree maintenance": "Parks and Forestry",
    "Park maintenance": "Parks and Forestry",
    "Noise complaint": "By-law Services",
    "Parking complaint": "By-law Services",
    "Water main break": "Water Services",
}
TYPE_WEIGHTS = np.array([14, 9, 4, 8, 12, 6, 5, 6, 5, 4, 7, 4, 7, 6, 3], dtype=float)
TYPE_DETAILS = {
    "Pothole repair": "Large pothole in the right lane, cars swerving",
    "Streetlight out": "Streetlight has been out for several nights",
    "Traffic signal problem": "Signal stuck on red in all directions",
    "Snow removal": "Street not plowed since the last storm",
    "Missed garbage collection": "Garbage was not collected on our scheduled day",
    "Missed recycling collection": "Blue bin left full after collection day",
    "Bulky item pickup": "Old sofa and mattress to be picked up",
    "Illegal dumping": "Construction debris dumped behind the plaza",
    "Graffiti removal": "Graffiti on the underpass wall",
    "Sidewalk repair": "Cracked sidewalk slab, tripping hazard",
    "Tree maintenance": "Dead branch hanging over the sidewalk",
    "Park maintenance": "Broken swing at the playground",
    "Noise complaint": "Loud music late at night from a neighbouring unit",
    "Parking complaint": "Vehicle blocking the driveway for hours",
    "Water main break": "Water bubbling up through the road surface",
}
STATUSES = np.array(["Closed", "Open", "In Progress"])
STATUS_WEIGHTS = np.array([0.75, 0.15, 0.10])
CHANNELS = np.array(["Phone", "Web", "Mobile App", "Email", "Walk-in"])
CHANNEL_WEIGHTS = np.array([0.40, 0.30, 0.18, 0.08, 0.04])

FIRST_NAMES = np.array([
    "Olivia", "Liam", "Emma", "Noah", "Charlotte", "William", "Amelia", "Benjamin",
    "Sophia", "Lucas", "Chloé", "Gabriel", "Léa", "Félix", "Zoé", "Samuel", "Priya",
    "Arjun", "Mei", "Wei", "Fatima", "Omar", "Aisha", "Mohamed", "Sofia", "Mateo",
    "Nathalie", "Jean", "Marie", "Pierre", "Isabelle", "Luc", "Grace", "Daniel",
    "Hannah", "Ethan", "Ava", "Jacob", "Maya", "Ryan",
])
LAST_NAMES = np.array([
    "Smith", "Tremblay", "Brown", "Gagnon", "Wilson", "Roy", "Taylor", "Côté",
    "Martin", "Bouchard", "Anderson", "Gauthier", "Lee", "Morin", "Thompson", "Lavoie",
    "White", "Fortin", "Patel", "Singh", "Nguyen", "Chen", "Wong", "Kim", "Ali",
    "Khan", "Campbell", "Pelletier", "MacDonald", "Bélanger", "Stewart", "Leblanc",
])
STREETS = np.array([
    "Bank", "Elgin", "Somerset", "Rideau", "Wellington", "Carling", "Bronson",
    "Preston", "Laurier", "Gladstone", "Cumberland", "Dalhousie", "King Edward",
    "Montreal", "St. Patrick", "Churchill", "Woodroffe", "Merivale", "Baseline",
    "Hunt Club", "Riverside", "Alta Vista", "Smyth", "Main", "Queen",
])
STREET_SUFFIXES = np.array(["Street", "Avenue", "Road", "Drive", "Crescent", "Boulevard"])
EMAIL_DOMAINS = np.array(["example.com", "mail.example.org", "courriel.example.ca"])


@dataclass(frozen=True)
class DemoFiles:
    requests_csv: Path
    boundaries_geojson: Path
    rows: int


def neighbourhood_cells() -> list[tuple[str, float, float, float, float]]:
    """(name, west, south, east, north) of each neighbourhood: a grid over the city."""
    width = (EAST - WEST) / GRID_COLUMNS
    height = (NORTH - SOUTH) / GRID_ROWS
    cells = []
    for index, name in enumerate(NEIGHBOURHOODS):
        col, row = index % GRID_COLUMNS, index // GRID_COLUMNS
        west, south = WEST + col * width, SOUTH + row * height
        cells.append((name, round(west, 6), round(south, 6),
                      round(west + width, 6), round(south + height, 6)))
    return cells


def boundaries_geojson() -> dict:
    features = []
    for name, west, south, east, north in neighbourhood_cells():
        ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
        features.append({
            "type": "Feature",
            "properties": {"name": name, "city": CITY},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        })
    return {"type": "FeatureCollection", "features": features}


def _choice(rng: np.random.Generator, values: np.ndarray, n: int,
            weights: np.ndarray | None = None) -> np.ndarray:
    p = None if weights is None else weights / weights.sum()
    return values[rng.choice(len(values), size=n, p=p)]


def _postal_codes(rng: np.random.Generator, hood: np.ndarray) -> np.ndarray:
    # three FSAs per neighbourhood keep postal areas realistic (and generalizable)
    fsa_digit = (hood * 3 + rng.integers(0, 3, hood.size)) % 10
    fsa_letter = np.array(list(FSA_LETTERS))[(hood * 7 + rng.integers(0, 3, hood.size)) % 18]
    ldu = (
        pd.Series(rng.integers(0, 10, hood.size)).astype(str)
        + pd.Series(np.array(list(FSA_LETTERS))[rng.integers(0, 18, hood.size)])
        + pd.Series(rng.integers(0, 10, hood.size)).astype(str)
    )
    return ("K" + pd.Series(fsa_digit).astype(str) + pd.Series(fsa_letter) + " " + ldu).to_numpy()


def _email_locals(names: np.ndarray) -> np.ndarray:
    return np.array([
        unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
        for name in names
    ])


def _timestamp_text(values: pd.DatetimeIndex) -> np.ndarray:
    # numpy's formatter is ~10x faster than strftime on a million values
    text = np.datetime_as_string(values.tz_localize(None).to_numpy(), unit="s")
    text = np.char.replace(text, "T", " ")
    return np.where(values.isna(), "", text)


def generate_requests(rows: int = 50_000, *, seed: int = 311,
                      as_of: datetime | None = None) -> pd.DataFrame:
    """A raw departmental export of `rows` service requests (before any cleaning).

    It carries the flaws real exports have: ~0.5% exact duplicate rows, stray
    whitespace, and personal information in the free-text description.
    """
    rng = np.random.default_rng(seed)
    as_of = (as_of or datetime(2026, 11, 1, tzinfo=UTC)).astimezone(UTC)
    base = rows - rows // 200
    n = base

    types = np.array(list(REQUEST_TYPES))
    request_type = _choice(rng, types, n, TYPE_WEIGHTS)
    department = pd.Series(request_type).map(REQUEST_TYPES).to_numpy()

    created_offsets = rng.uniform(0, 365 * 24 * 3600, n)
    created = pd.to_datetime(as_of) - pd.to_timedelta(np.sort(created_offsets)[::-1], unit="s")
    status = _choice(rng, STATUSES, n, STATUS_WEIGHTS)
    hours_to_close = rng.gamma(shape=1.6, scale=40.0, size=n)
    closed = created + pd.to_timedelta(hours_to_close, unit="h")
    closed_by_now = (status == "Closed") & (closed <= pd.to_datetime(as_of))
    closed = pd.DatetimeIndex(closed.where(closed_by_now))
    status = np.where((status == "Closed") & np.asarray(closed.isna()), "In Progress", status)

    hood = rng.integers(0, len(NEIGHBOURHOODS), n)
    cells = np.array([c[1:] for c in neighbourhood_cells()])
    west, south, east, north = cells[hood].T
    latitude = np.round(south + rng.uniform(0.02, 0.98, n) * (north - south), 6)
    longitude = np.round(west + rng.uniform(0.02, 0.98, n) * (east - west), 6)

    first_index = rng.integers(0, len(FIRST_NAMES), n)
    last_index = rng.integers(0, len(LAST_NAMES), n)
    name = pd.Series(FIRST_NAMES[first_index]) + " " + pd.Series(LAST_NAMES[last_index])
    phone = (
        pd.Series(rng.choice(["613", "343"], n)) + "-"
        + pd.Series(rng.integers(200, 1000, n)).astype(str) + "-"
        + pd.Series(rng.integers(0, 10_000, n)).astype(str).str.zfill(4)
    )
    email = (
        pd.Series(_email_locals(FIRST_NAMES)[first_index]) + "."
        + pd.Series(_email_locals(LAST_NAMES)[last_index])
        + pd.Series(rng.integers(1, 100, n)).astype(str) + "@"
        + pd.Series(_choice(rng, EMAIL_DOMAINS, n))
    )
    address = (
        pd.Series(rng.integers(1, 3000, n)).astype(str) + " "
        + pd.Series(_choice(rng, STREETS, n)) + " "
        + pd.Series(_choice(rng, STREET_SUFFIXES, n))
    )
    detail = pd.Series(request_type).map(TYPE_DETAILS)
    near = " near " + address.str.replace(r"^\d+ ", "", regex=True)
    contact_roll = rng.random(n)
    description = (detail + near).where(
        contact_roll >= 0.10, detail + near + ". Call me at " + phone
    )
    description = description.where(
        (contact_roll < 0.10) | (contact_roll >= 0.15), detail + ". Please reply to " + email
    )

    frame = pd.DataFrame({
        "request_id": (
            "SR-" + pd.Series(created.year).astype(str) + "-"
            + pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(7)),
        "created_at": _timestamp_text(created),
        "closed_at": _timestamp_text(closed),
        "status": status,
        "request_type": request_type,
        "department": department,
        "channel": _choice(rng, CHANNELS, n, CHANNEL_WEIGHTS),
        "description": description,
        "requester_name": name,
        "requester_phone": phone,
        "requester_email": email,
        "street_address": address,
        "postal_code": _postal_codes(rng, hood),
        "latitude": latitude,
        "longitude": longitude,
        "neighbourhood": np.array(NEIGHBOURHOODS)[hood],
        "requester_age": rng.integers(18, 91, n),
    })
    # exports pad some fields; staging trims them
    pad = rng.random(n) < 0.02
    frame.loc[pad, "request_type"] = "  " + frame.loc[pad, "request_type"] + " "
    # and repeat some rows, which staging de-duplicates
    duplicates = frame.iloc[rng.choice(n, size=rows - n, replace=False)]
    frame = pd.concat([frame, duplicates], ignore_index=True)
    return frame


def write_demo_files(folder: Path, *, rows: int = 50_000, seed: int = 311,
                     as_of: datetime | None = None) -> DemoFiles:
    """Write the demo extract (CSV) and its neighbourhood boundaries (GeoJSON)."""
    folder.mkdir(parents=True, exist_ok=True)
    frame = generate_requests(rows, seed=seed, as_of=as_of)
    csv_path = folder / "service_requests.csv"
    tmp = csv_path.with_suffix(".csv.part")
    frame.to_csv(tmp, index=False)
    tmp.replace(csv_path)  # a file-drop watcher never sees a half-written file
    geo_path = folder / "neighbourhoods.geojson"
    geo_path.write_text(json.dumps(boundaries_geojson()), encoding="utf-8")
    return DemoFiles(csv_path, geo_path, len(frame))


def default_as_of() -> datetime:
    """Today at midnight UTC: the demo looks current, and is the same all day."""
    now = datetime.now(UTC)
    return datetime(now.year, now.month, now.day, tzinfo=UTC) - timedelta(hours=1)
