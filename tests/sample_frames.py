"""A small synthetic 311 extract shared by the metadata tests."""

import numpy as np
import pandas as pd


def make_requests(n: int = 2000, seed: int = 7) -> pd.DataFrame:
    """A small synthetic 311 service-request extract."""
    rng = np.random.default_rng(seed)
    created = pd.Timestamp("2024-01-01") + pd.to_timedelta(
        rng.integers(0, 365 * 86_400, n), unit="s")
    status = rng.choice(["open", "closed", "in_progress"], n, p=[0.3, 0.5, 0.2])
    hours = rng.gamma(2.0, 20.0, n).round(1) + 0.5
    closed = status == "closed"
    return pd.DataFrame({
        "request_id": [f"SR-{i:06d}" for i in range(n)],
        "created_at": created,
        "closed_at": (created + pd.to_timedelta(hours, unit="h")).where(closed),
        "status": status,
        "request_type": rng.choice(["pothole", "noise", "graffiti", "streetlight", "litter"], n),
        "department": rng.choice(["Public Works", "Parks", "Transit", "Bylaw"], n),
        "neighbourhood": rng.choice([f"N{i}" for i in range(8)], n),
        "age_range": rng.choice(["18-34", "35-54", "55-64", "65+"], n),
        "response_time_hours": np.where(closed, hours, np.nan),
    })
