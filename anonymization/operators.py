"""Column operators: mask, pseudonymize, generalize, aggregate to area, redact, suppress.

Each takes a Series (or a frame) and returns the new values with the count of values it
changed, for the report. Work is done once per distinct value (`pd.factorize`) or with
pandas/pyarrow kernels, never with a per-row Python loop over the whole column.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from anonymization import patterns as pt
from anonymization.detectors import as_text, is_geometry
from anonymization.kinds import PiiKind
from anonymization.recognizers import DEFAULT_MIN_CONFIDENCE, TEXT_KINDS, redact_many
from anonymization.recognizers.places import POSTAL_CA
from anonymization.risk import equivalence_classes, l_per_class

SECRET_ENV = "CIVIC_PSEUDONYM_KEY"
MIN_SECRET_BYTES = 16


class MissingSecretError(RuntimeError):
    """Pseudonymization was asked for without a key."""


class OperatorError(ValueError):
    """An operator cannot be applied to the data it was given."""


def resolve_secret(secret: str | bytes | None = None) -> bytes:
    """The pseudonymization key, passed in by the caller (the pipeline reads it from its
    settings, CIVIC_PSEUDONYM_KEY); this library reads no environment.

    There is no fallback key: a default would make every token reversible by anyone who
    reads this source (hash the likely values, compare).
    """
    if not secret:
        raise MissingSecretError(
            f"pseudonymization needs a secret key: pass secret=... (the pipeline takes it from "
            f"the setting {SECRET_ENV}; keep it the same across runs so records stay linkable)"
        )
    key = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
    if len(key) < MIN_SECRET_BYTES:
        raise MissingSecretError(
            f"the pseudonymization key is {len(key)} bytes; use at least {MIN_SECRET_BYTES} "
            "random bytes (e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`)"
        )
    return key


def _per_distinct(series: pd.Series, func) -> pd.Series:
    """Apply `func` to each distinct non-null value once; nulls stay null."""
    codes, uniques = pd.factorize(series)
    values = uniques.tolist() if hasattr(uniques, "tolist") else list(uniques)
    mapped = np.array([func(v) for v in values] + [None], dtype=object)
    return pd.Series(mapped[codes], index=series.index, dtype="str")


def mask(series: pd.Series, *, keep_last: int = 4, keep_first: int = 0,
         char: str = "*") -> tuple[pd.Series, int]:
    """Hide all but the first/last few characters: '613-555-0199' -> '********0199'.

    A value no longer than the characters kept is masked whole, so short values do not
    pass through in clear.
    """
    text = series.astype("str")
    lengths = text.str.len()
    hidden = lengths - keep_last - keep_first
    short = hidden <= 0
    # one star string per distinct length, not per row
    n_stars = hidden.where(~short, lengths).fillna(0).astype(int)
    stars = n_stars.map({h: char * int(h) for h in pd.unique(n_stars)}).astype("str")
    head = text.str.slice(0, keep_first).where(~short, "") if keep_first else ""
    tail = text.str.slice(-keep_last).where(~short, "") if keep_last else ""
    out = (head + stars + tail).where(series.notna())
    return out, int(series.notna().sum())


def pseudonymize(series: pd.Series, key: bytes, *, length: int = 16, prefix: str = "",
                 normalize: bool = True) -> tuple[pd.Series, int]:
    """Keyed HMAC-SHA256 token per value: stable for one key, unlinkable without it."""
    text = as_text(series)
    text = series.astype("str").where(series.notna()) if text is None else text
    if normalize:
        text = text.str.strip().str.lower()  # pyarrow kernel; casefold would loop in Python

    def token(value: str) -> str:
        # one-shot OpenSSL HMAC: several times faster than building an hmac object
        return prefix + hmac.digest(key, value.encode("utf-8"), "sha256").hex()[:length]

    return _per_distinct(text, token), int(series.notna().sum())


def generalize_range(series: pd.Series, *, width: int = 10,
                     top: float | None = None) -> tuple[pd.Series, int]:
    """Numbers to ranges of equal width: 37 -> '30-39'; with top=80, 93 -> '80+'."""
    values = pd.to_numeric(series, errors="coerce")
    lower = np.floor(values / width) * width
    labels = {}
    for lo in pd.unique(lower.dropna()):
        hi = lo + width
        whole = float(lo).is_integer() and float(width).is_integer()
        labels[lo] = f"{int(lo)}-{int(hi) - 1}" if whole else f"{lo:g}-<{hi:g}"
    out = lower.map(labels).astype("str")
    if top is not None:
        out = out.mask(values >= top, f"{top:g}+")
    out = out.where(values.notna())
    return out, int(values.notna().sum())


def generalize_bins(series: pd.Series, *, bins: Sequence[float],
                    labels: Sequence[str] | None = None) -> tuple[pd.Series, int]:
    """Numbers to explicit bins, left-closed: edges [0, 18, 65, 120] -> '[18, 65)'."""
    values = pd.to_numeric(series, errors="coerce")
    cut = pd.cut(values, bins=list(bins), labels=list(labels) if labels else None, right=False)
    out = cut.astype("str").where(cut.notna())
    return out, int(values.notna().sum())


def generalize_date(series: pd.Series, *, to: str) -> tuple[pd.Series, int]:
    """Timestamps to the start of their hour, day, week (its Monday) or month, or to their
    year (2026): an exact timestamp alone makes nearly every record unique. Generalized
    timestamps stay timestamps, so a published column keeps its type and its filters."""
    values = series if pd.api.types.is_datetime64_any_dtype(series.dtype) else pd.to_datetime(
        series, errors="coerce", format="mixed"
    )
    count = int(values.notna().sum())
    if to == "hour":
        return values.dt.floor("h"), count
    if to == "week":
        naive = values.dt.tz_localize(None) if values.dt.tz is not None else values
        monday = naive.dt.floor("D") - pd.to_timedelta(naive.dt.day_of_week, unit="D")
        return monday.where(values.notna()), count
    if to == "day":
        return values.dt.floor("D"), count
    if to == "month":
        # in local time: a month starts at local midnight whatever the offset that day
        naive = values.dt.tz_localize(None) if values.dt.tz is not None else values
        first = naive.dt.floor("D") - pd.to_timedelta(naive.dt.day - 1, unit="D")
        if values.dt.tz is not None:
            first = first.dt.tz_localize(values.dt.tz)
        return first.where(values.notna()), count
    if to == "year":
        return values.dt.year.astype("Int64"), count
    raise OperatorError(f"cannot generalize dates to {to!r}; use hour, day, week, month or year")


def generalize_postal(series: pd.Series) -> tuple[pd.Series, int]:
    """Canadian postal code to its FSA ('K1A 0B1' -> 'K1A'); US ZIP to ZIP3.

    Values that are neither become null: a malformed code may still be a full one.
    """
    text = series.astype("str").str.upper().str.replace(" ", "", regex=False)
    canadian = text.str.match(f"^{POSTAL_CA}$".replace("[ -]?", "-?"), na=False)
    zips = text.str.match(pt.ZIP_US, na=False)
    out = text.str.slice(0, 3).where(canadian | zips)
    return out, int(series.notna().sum())


def load_boundaries(boundaries, name_property: str):
    """Boundary polygons as a GeoDataFrame with a `name_property` column, in EPSG:4326."""
    import geopandas as gpd

    if isinstance(boundaries, str | Path):
        path = Path(boundaries)
        if not path.exists():
            raise OperatorError(f"boundary file not found: {path}")
        boundaries = gpd.read_file(path)
    if not isinstance(boundaries, gpd.GeoDataFrame):
        raise OperatorError(
            "boundaries must be a GeoDataFrame or the path of a GeoJSON file, "
            f"got {type(boundaries).__name__}"
        )
    if name_property not in boundaries.columns:
        raise OperatorError(
            f"boundaries have no {name_property!r} property; they have: "
            f"{', '.join(c for c in boundaries.columns if c != 'geometry')}"
        )
    if boundaries.crs is not None and boundaries.crs.to_epsg() != 4326:
        boundaries = boundaries.to_crs(4326)
    return boundaries[[name_property, boundaries.geometry.name]]


def aggregate_to_area(df: pd.DataFrame, boundaries, *, latitude: str | None = None,
                      longitude: str | None = None, point: str | None = None,
                      name_property: str = "name", crs: str = "EPSG:4326") -> pd.Series:
    """Name of the boundary polygon containing each point (null outside all of them)."""
    import geopandas as gpd

    areas = load_boundaries(boundaries, name_property)
    if point is not None:
        column = df[point]
        if is_geometry(column):
            geometry = gpd.GeoSeries(column.to_numpy(), crs=getattr(column, "crs", None) or crs)
        else:
            geometry = gpd.GeoSeries.from_wkt(
                # pandas' stubs lack na_value=None, which pandas accepts
                column.astype("str").to_numpy(dtype=object, na_value=None),  # type: ignore[call-overload]
                on_invalid="ignore", crs=crs,
            )
    else:
        geometry = gpd.GeoSeries(gpd.points_from_xy(
            pd.to_numeric(df[longitude], errors="coerce"),
            pd.to_numeric(df[latitude], errors="coerce"),
        ), crs=crs)
    if geometry.crs is not None and geometry.crs.to_epsg() != 4326:
        geometry = geometry.to_crs(4326)
    points = gpd.GeoDataFrame(geometry=geometry.reset_index(drop=True))
    joined = gpd.sjoin(points, areas, how="left", predicate="within")
    # a point on a shared border falls in two polygons: keep the first
    joined = joined[~joined.index.duplicated(keep="first")]
    return pd.Series(joined[name_property].to_numpy(), index=df.index, dtype="str")


def redact(series: pd.Series, kinds: Sequence[PiiKind], *,
           min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> tuple[pd.Series, dict[PiiKind, int]]:
    """Replace personal information inside text by tokens like <EMAIL>; counts per kind.

    The same recognizers as detection and the residual scan, on each distinct value once;
    only values a vectorized prefilter flags reach the Python validators.
    """
    text = as_text(series)
    if text is None:
        raise OperatorError(f"column {series.name!r} does not hold text and cannot be redacted")
    wanted = [k for k in TEXT_KINDS if k in set(kinds)]
    counts = dict.fromkeys(wanted, 0)
    if not wanted or text.empty:
        return text, counts
    codes, uniques = pd.factorize(text)
    redacted, per_kind = redact_many(pd.Series(uniques, dtype="str"), wanted,
                                     min_confidence=min_confidence)
    for kind, count in per_kind.items():
        counts[kind] += count
    mapped = np.array([*redacted, None], dtype=object)
    return pd.Series(mapped[codes], index=text.index, dtype="str"), counts


def small_class_mask(df: pd.DataFrame, quasi_identifiers: Sequence[str], k: int,
                     sensitive: Sequence[str] = (),
                     l: int | None = None) -> np.ndarray:  # noqa: E741 - l-diversity's l
    """Records whose class has fewer than k records (or fewer than l sensitive values)."""
    if len(df) == 0 or not quasi_identifiers:
        return np.zeros(len(df), dtype=bool)
    classes = equivalence_classes(df, quasi_identifiers)
    small = np.bincount(classes)[classes] < k
    distinct = l_per_class(df, classes, sensitive) if l is not None else None
    if distinct is not None:
        small |= distinct[classes] < l
    return small


def suppress_small_cells(df: pd.DataFrame, quasi_identifiers: Sequence[str], *, k: int = 5,
                         mode: str = "rows", sensitive: Sequence[str] = (),
                         l: int | None = None,  # noqa: E741 - l-diversity's l
                         ) -> tuple[pd.DataFrame, int, int]:
    """Suppress records of classes smaller than k: remove them (rows) or null their QIs (values).

    Returns the table, the number of records suppressed and, in values mode, the number
    of those that then had to be removed anyway: nulling gathers the suppressed records
    into one all-null class, and if that class is itself smaller than k (or not l-diverse)
    keeping it would break the guarantee.
    """
    small = small_class_mask(df, quasi_identifiers, k, sensitive, l)
    suppressed = int(small.sum())
    if mode == "rows":
        return df.loc[~small], suppressed, 0
    if mode != "values":
        raise OperatorError(f"suppression mode must be 'rows' or 'values', got {mode!r}")
    out = df.copy()
    for column in quasi_identifiers:
        out[column] = out[column].where(~small)
    still_small = small_class_mask(out, quasi_identifiers, k, sensitive, l)
    removed = int(still_small.sum())
    return out.loc[~still_small], suppressed, removed
