"""A seeded synthetic 311 service-request table with planted personal information.

For tests, benchmarks and demos: the columns of the platform's 311 mart, generated
vectorized with numpy (a million rows in a few seconds), plus the neighbourhood
polygons its points fall in. Every person in it is made up from the name lists.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd

from anonymization import patterns as pt

WEST, SOUTH, EAST, NORTH = -75.80, 45.35, -75.60, 45.45
GRID_COLUMNS, GRID_ROWS = 5, 4
NEIGHBOURHOODS = (
    "Centretown", "Glebe", "Westboro", "Vanier", "Overbrook", "Hintonburg", "Lowertown",
    "Byward Market", "Alta Vista", "Riverside Park", "Carlington", "Britannia", "Orleans",
    "Kanata", "Barrhaven", "Nepean", "Manotick", "Stittsville", "Rockcliffe", "Old Ottawa South",
)
REQUEST_TYPES = {
    "Pothole": "Public Works", "Streetlight outage": "Public Works", "Graffiti": "Bylaw",
    "Noise complaint": "Bylaw", "Missed garbage pickup": "Solid Waste",
    "Recycling bin request": "Solid Waste", "Tree trimming": "Forestry", "Fallen tree": "Forestry",
    "Sidewalk repair": "Public Works", "Snow clearing": "Roads", "Road salt": "Roads",
    "Water leak": "Water Services", "Sewer backup": "Water Services",
    "Parking enforcement": "Bylaw", "Abandoned vehicle": "Bylaw", "Dead animal": "Bylaw",
    "Park maintenance": "Parks", "Playground repair": "Parks", "Traffic signal": "Traffic",
    "Illegal dumping": "Solid Waste",
}
DESCRIPTIONS = (
    "Large pothole in the right lane, cars swerving to avoid it.",
    "Streetlight has been out for a week near the bus stop.",
    "Graffiti on the side of the community centre wall.",
    "Loud music late at night from the house across the street.",
    "Garbage was not collected on the scheduled day.",
    "Branches hanging low over the sidewalk after the storm.",
    "Water pooling on the road, possibly a broken main.",
    "Car parked on the sidewalk blocking strollers and wheelchairs.",
    "Swings in the playground are broken and unsafe.",
    "Nid-de-poule profond devant l'école primaire.",
    "Déneigement incomplet sur la piste cyclable.",
    "Traffic signal stuck on red for several minutes.",
)
STREETS = ("Bank", "Elgin", "Rideau", "Somerset", "Bronson", "Carling", "Baseline", "Merivale",
           "Laurier", "Wellington", "Preston", "Gladstone", "Riverside", "Montreal", "Walkley")
STREET_TYPES = ("Street", "Avenue", "Road", "Drive", "Crescent")
FSA_LETTERS = "ABCEGHJKLMNPRSTVWXYZ"  # second letter of an FSA
LDU_LETTERS = "ABCEGHJKLMNPRSTVWXYZ"


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


def _pick(rng: np.random.Generator, values, n: int) -> np.ndarray:
    return np.asarray(list(values), dtype=object)[rng.integers(0, len(values), n)]


def _digits(rng: np.random.Generator, low: int, high: int, n: int, width: int) -> pd.Series:
    return pd.Series(rng.integers(low, high, n)).astype("str").str.zfill(width)


def neighbourhood_fsas() -> dict[str, tuple[str, str]]:
    """Two forward sortation areas per neighbourhood, so FSA follows place as it does."""
    return {
        name: (f"K{1 + i // 10}{FSA_LETTERS[(2 * i) % 20]}",
               f"K{1 + i // 10}{FSA_LETTERS[(2 * i + 1) % 20]}")
        for i, name in enumerate(NEIGHBOURHOODS)
    }


def synthetic_boundaries():
    """The neighbourhoods as a 5 x 4 grid of rectangles (GeoDataFrame, EPSG:4326, `name`)."""
    import geopandas as gpd
    from shapely.geometry import box

    width = (EAST - WEST) / GRID_COLUMNS
    height = (NORTH - SOUTH) / GRID_ROWS
    cells = [box(WEST + c * width, SOUTH + r * height, WEST + (c + 1) * width,
                 SOUTH + (r + 1) * height)
             for r in range(GRID_ROWS) for c in range(GRID_COLUMNS)]
    return gpd.GeoDataFrame({"name": list(NEIGHBOURHOODS)}, geometry=cells, crs="EPSG:4326")


def synthetic_311(n: int = 10_000, *, seed: int = 42, pii_in_description: float = 0.05,
                  extra_columns: bool = True) -> pd.DataFrame:
    """The 311 mart's 18 columns (20 with `ward` and `priority`), seeded and vectorized."""
    rng = np.random.default_rng(seed)
    firsts = pt.first_names()
    lasts = pt.surnames()
    first_idx = rng.integers(0, len(firsts), n)
    last_idx = rng.integers(0, len(lasts), n)
    first = pd.Series(np.asarray(firsts, dtype=object)[first_idx], dtype="str")
    last = pd.Series(np.asarray(lasts, dtype=object)[last_idx], dtype="str")
    first_ascii = pd.Series(np.asarray([_ascii(f) for f in firsts], dtype=object)[first_idx],
                            dtype="str")
    last_ascii = pd.Series(
        np.asarray([_ascii(s).replace(" ", "").replace("'", "") for s in lasts],
                   dtype=object)[last_idx], dtype="str")

    column = rng.integers(0, GRID_COLUMNS, n)
    row = rng.integers(0, GRID_ROWS, n)
    cell = row * GRID_COLUMNS + column
    width = (EAST - WEST) / GRID_COLUMNS
    height = (NORTH - SOUTH) / GRID_ROWS
    # keep points off the cell borders so each falls in exactly one polygon
    longitude = np.round(WEST + (column + rng.uniform(0.02, 0.98, n)) * width, 6)
    latitude = np.round(SOUTH + (row + rng.uniform(0.02, 0.98, n)) * height, 6)
    neighbourhood = np.asarray(NEIGHBOURHOODS, dtype=object)[cell]
    fsas = neighbourhood_fsas()
    fsa_table = np.asarray([fsas[name] for name in NEIGHBOURHOODS], dtype=object)
    fsa = pd.Series(fsa_table[cell, rng.integers(0, 2, n)], dtype="str")
    ldu = (_digits(rng, 0, 10, n, 1) + pd.Series(_pick(rng, LDU_LETTERS, n), dtype="str")
           + _digits(rng, 0, 10, n, 1))

    phone = (pd.Series(_pick(rng, ("613", "343", "819"), n), dtype="str") + "-"
             + _digits(rng, 200, 1000, n, 3) + "-" + _digits(rng, 0, 10_000, n, 4))
    email = (first_ascii + "." + last_ascii + _digits(rng, 1, 100, n, 1) + "@"
             + pd.Series(_pick(rng, ("example.ca", "mail.example.com", "courriel.qc.ca"), n),
                         dtype="str"))
    address = (_digits(rng, 1, 3000, n, 1) + " " + pd.Series(_pick(rng, STREETS, n), dtype="str")
               + " " + pd.Series(_pick(rng, STREET_TYPES, n), dtype="str"))

    description = pd.Series(_pick(rng, DESCRIPTIONS, n), dtype="str")
    planted = rng.random(n) < pii_in_description
    with_phone = planted & (rng.random(n) < 0.5)
    with_email = planted & ~with_phone
    description = description.mask(with_phone, description + " Please call me at " + phone)
    description = description.mask(with_email, description + " Reply to " + email)

    request_type = _pick(rng, list(REQUEST_TYPES), n)
    created = (pd.Timestamp("2025-01-01")
               + pd.to_timedelta(rng.integers(0, 365 * 24 * 3600, n), unit="s"))
    hours = np.round(rng.gamma(2.0, 24.0, n), 2)
    status = _pick(rng, ("Closed", "Closed", "Closed", "Open", "In progress"), n)
    closed = pd.Series(created + pd.to_timedelta(hours, unit="h")).where(status == "Closed")

    frame = pd.DataFrame({
        "request_id": "SR-2026-" + pd.Series(np.arange(1, n + 1)).astype("str").str.zfill(7),
        "created_at": created,
        "closed_at": closed,
        "status": pd.Series(status, dtype="str"),
        "request_type": pd.Series(request_type, dtype="str"),
        "department": pd.Series(request_type, dtype="str").map(REQUEST_TYPES),
        "channel": pd.Series(_pick(rng, ("Phone", "Web", "App", "Email", "Walk-in"), n),
                             dtype="str"),
        "description": description,
        "requester_name": first + " " + last,
        "requester_phone": phone,
        "requester_email": email,
        "street_address": address,
        "postal_code": fsa + " " + ldu,
        "latitude": latitude,
        "longitude": longitude,
        "neighbourhood": pd.Series(neighbourhood, dtype="str"),
        "requester_age": rng.integers(18, 91, n),
        "response_time_hours": pd.Series(hours).where(status == "Closed"),
    })
    if extra_columns:
        frame["ward"] = rng.integers(1, 25, n)
        frame["priority"] = pd.Series(_pick(rng, ("Low", "Medium", "High"), n), dtype="str")
    return frame


# The policy the 311 dataset's spec carries (as the YAML under `anonymization:` parses).
POLICY_311 = {
    "quasi_identifiers": ["neighbourhood", "age_range", "request_type", "postal_fsa"],
    "k": 5,
    "suppression": "rows",
    "redact_free_text": True,
    "undeclared_pii": "drop",
    "columns": {
        "requester_name": "drop",
        "requester_phone": "drop",
        "street_address": "drop",
        "requester_email": {"operator": "pseudonymize", "rename_to": "requester_token"},
        "latitude": {"operator": "aggregate_area", "longitude": "longitude",
                     "output": "neighbourhood"},
        "requester_age": {"operator": "generalize", "to": "range", "width": 10, "top": 80,
                          "rename_to": "age_range"},
        "postal_code": {"operator": "generalize", "to": "fsa", "rename_to": "postal_fsa"},
        "description": {"operator": "redact"},
        "created_at": {"operator": "generalize", "to": "day"},
        "closed_at": {"operator": "generalize", "to": "day"},
    },
}
