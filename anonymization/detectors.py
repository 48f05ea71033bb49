"""Value-level detectors: which values of one column hold which kind of personal information.

Shared by `detect_pii` (on a sample, to classify columns) and `scan_residual_pii` (on
every value). Work is vectorized: strings go through pyarrow regex kernels, repeated
values are examined once (`pd.factorize`), and only the few candidate values that a
cheap pattern flags are examined further.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from anonymization import patterns as pt
from anonymization import recognizers
from anonymization.kinds import PiiKind
from anonymization.letters import LETTER
from anonymization.recognizers import TEXT_KINDS
from anonymization.recognizers.numbers import card_scheme

FREE_TEXT_MIN_WORDS = 6  # an address has at most five; a sentence has more
FREE_TEXT_MIN_SHARE = 0.3
SIN_COLUMN_MIN_SHARE = 0.8  # of bare 9-digit values passing Luhn; random numbers give ~10 %
MAX_AGE = 120


@dataclass
class ColumnValues:
    """Per-value findings for one column: a boolean mask per kind found."""

    column: str
    n_values: int  # non-null values examined
    masks: dict[PiiKind, np.ndarray] = field(default_factory=dict)
    free_text: bool = False

    def any_mask(self, length: int) -> np.ndarray:
        out = np.zeros(length, dtype=bool)
        for mask in self.masks.values():
            out |= mask
        return out


def is_geometry(series: pd.Series) -> bool:
    return getattr(series.dtype, "name", "") == "geometry"


def as_text(series: pd.Series) -> pd.Series | None:
    """The column as pyarrow-backed strings, or None when it does not hold text."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(series.cat.categories.dtype)
    if pd.api.types.is_string_dtype(series.dtype) and series.dtype != object:
        return series
    if series.dtype == object:
        kind = pd.api.types.infer_dtype(series.head(1000), skipna=True)
        if kind in ("string", "empty", "mixed"):
            return series.astype("str")
    return None


_AREA_OR_LINE_WKT = (r"^\s*(?:SRID=[0-9]+;)?\s*(?i:(?:MULTI)?(?:POLYGON|LINESTRING))"
                     r"\s*(?:Z|M|ZM)?\s*\(")


def _all_area_or_line_wkt(text: pd.Series) -> bool:
    """Every value is the WKT of a polygon or a line (no point among them)."""
    present = text.dropna()
    return bool(len(present)) and bool(present.str.contains(_AREA_OR_LINE_WKT, regex=True).all())


def _contains(text: pd.Series, pattern: str) -> np.ndarray:
    return np.array(text.str.contains(pattern, regex=True, na=False), dtype=bool)


def _luhn_rows(numbers: pd.Series) -> np.ndarray:
    """Luhn check of 9-digit strings, vectorized over a (n, 9) digit matrix."""
    if numbers.empty:
        return np.zeros(0, dtype=bool)
    raw = "".join(numbers.tolist()).encode("ascii")
    digits = (np.frombuffer(raw, dtype=np.uint8).reshape(-1, 9) - 48).astype(np.int64)
    doubled = digits[:, 1::2] * 2
    doubled -= np.where(doubled > 9, 9, 0)
    total = digits[:, 0::2].sum(axis=1) + doubled.sum(axis=1)
    return total % 10 == 0


def _column_of_sins(values: pd.Series) -> np.ndarray:
    """Bare 9-digit values of a column where nearly all pass Luhn: random order numbers
    pass one time in ten, a column of SINs every time."""
    bare = _contains(values, f"^{pt.SIN_PLAIN}$")
    out = np.zeros(len(values), dtype=bool)
    if bare.sum() == 0:
        return out
    valid = _luhn_rows(values[bare].str.strip())
    if valid.mean() >= SIN_COLUMN_MIN_SHARE:
        out[np.flatnonzero(bare)[valid]] = True
    return out


def _column_of_cards(values: pd.Series) -> np.ndarray:
    """Bare 12-19 digit values of a column where nearly all are valid card numbers."""
    bare = _contains(values, "^[0-9]{12,19}$")
    out = np.zeros(len(values), dtype=bool)
    if bare.sum() == 0:
        return out
    valid = np.array([card_scheme(v) is not None for v in values[bare].tolist()])
    if valid.mean() >= SIN_COLUMN_MIN_SHARE:
        out[np.flatnonzero(bare)[valid]] = True
    return out


def _text_masks(text: pd.Series, column: str, hints: frozenset[PiiKind],
                kinds: frozenset[PiiKind] | None = None) -> ColumnValues:
    n = len(text)
    codes, uniques = pd.factorize(text)
    values = pd.Series(uniques, dtype="str")
    result = ColumnValues(column=column, n_values=int((codes >= 0).sum()))

    def spread(unique_mask: np.ndarray) -> np.ndarray:
        out = np.zeros(n, dtype=bool)
        present = codes >= 0
        out[present] = unique_mask[codes[present]]
        return out

    words = values.str.count(f"[{LETTER}]{{2,}}")
    free_text_share = (words >= FREE_TEXT_MIN_WORDS).to_numpy()
    result.free_text = bool(
        len(values) and spread(free_text_share).sum() >= FREE_TEXT_MIN_SHARE * result.n_values
    )
    # A handful of distinct values repeated over many rows is a category, not people; a
    # column of place names holds streets and neighbourhoods named after people, not them.
    categorical = n >= 1000 and len(values) < 0.01 * n and not result.free_text
    places = not result.free_text and pt.names_places(column)
    wanted = [k for k in TEXT_KINDS if (kinds is None or k in kinds)
              and not ((categorical or places) and k is PiiKind.PERSON_NAME)]
    unique_masks = recognizers.kind_masks(values, wanted, hinted=hints)

    def add(kind: PiiKind, mask: np.ndarray) -> None:
        unique_masks[kind] = unique_masks.get(kind, mask) | mask

    add(PiiKind.CA_SIN, _column_of_sins(values))
    add(PiiKind.PAYMENT_CARD, _column_of_cards(values))
    # Kinds a bare value cannot prove, believed when the column is named for them.
    if PiiKind.PHONE in hints:
        add(PiiKind.PHONE, _contains(values, pt.PHONE_BARE))
    if PiiKind.POSTAL_CODE in hints and pt.column_tokens(column) & pt.ZIP_HINTS:
        add(PiiKind.POSTAL_CODE, _contains(values, pt.ZIP_US))
    if PiiKind.LICENCE_PLATE in hints:
        add(PiiKind.LICENCE_PLATE, _contains(values, pt.PLATE_VALUE)
            & _contains(values, "[0-9]") & _contains(values, "[A-Za-z]"))
    if PiiKind.DRIVERS_LICENCE in hints:
        add(PiiKind.DRIVERS_LICENCE, _contains(values, pt.LICENCE_VALUE))

    if hints & {PiiKind.AGE, PiiKind.COORDINATES, PiiKind.DATE_OF_BIRTH} and len(values):
        numeric = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        for kind, mask in _numeric_masks(numeric, hints).items():
            add(kind, mask)
        if PiiKind.DATE_OF_BIRTH in hints:
            dates = pd.to_datetime(values, errors="coerce", format="mixed")
            add(PiiKind.DATE_OF_BIRTH, _birth_dates(dates))

    for kind, mask in unique_masks.items():
        if mask.any():
            result.masks[kind] = spread(mask)
    return result


def _numeric_masks(values: np.ndarray, hints: frozenset[PiiKind]) -> dict[PiiKind, np.ndarray]:
    masks: dict[PiiKind, np.ndarray] = {}
    finite = np.isfinite(values)
    safe = np.where(finite, values, 0.0)
    if PiiKind.COORDINATES in hints:
        # three decimals is about 100 m: finer than that points at a building
        fine = np.abs(safe * 100 - np.round(safe * 100)) > 1e-6
        masks[PiiKind.COORDINATES] = finite & fine & (np.abs(safe) <= 180)
    if PiiKind.AGE in hints:
        whole = safe == np.round(safe)
        masks[PiiKind.AGE] = finite & whole & (safe >= 0) & (safe <= MAX_AGE)
    return masks


def _birth_dates(dates: pd.Series) -> np.ndarray:
    years = pd.DatetimeIndex(dates).year
    valid = ~pd.isna(dates)
    return np.asarray(valid & (years >= 1900) & (years <= datetime.now(UTC).year), dtype=bool)


def column_values(series: pd.Series, column: object | None = None, *,
                  kinds: frozenset[PiiKind] | None = None) -> ColumnValues:
    """Find personal information in every value of one column (of `kinds`, default all)."""
    name = str(series.name if column is None else column)
    hints = pt.hinted_kinds(name)
    n = len(series)

    if is_geometry(series):
        points = np.asarray(series.geom_type == "Point", dtype=bool) & ~series.isna().to_numpy()
        result = ColumnValues(name, int(series.notna().sum()))
        if points.any():
            result.masks[PiiKind.COORDINATES] = points
        return result

    if pd.api.types.is_bool_dtype(series.dtype):
        return ColumnValues(name, int(series.notna().sum()))

    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        result = ColumnValues(name, int(series.notna().sum()))
        if PiiKind.DATE_OF_BIRTH in hints:
            dob = _birth_dates(series)
            if dob.any():
                result.masks[PiiKind.DATE_OF_BIRTH] = dob
        return result

    if pd.api.types.is_numeric_dtype(series.dtype):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        result = ColumnValues(name, int(np.isfinite(values).sum()))
        for kind, mask in _numeric_masks(values, hints).items():
            if mask.any():
                result.masks[kind] = mask
        if pd.api.types.is_integer_dtype(series.dtype) or np.all(
            np.isnan(values) | (values == np.round(values))
        ):
            # SINs, SSNs, phone and card numbers are sometimes stored as integers
            big = (values >= 1e8) & (values < 1e19)
            if big.sum() >= 0.5 * max(result.n_values, 1):
                as_digits = series.astype("Int64").astype("str")
                for kind, mask in _text_masks(as_digits, name, hints).masks.items():
                    if kind in (PiiKind.CA_SIN, PiiKind.US_SSN, PiiKind.PHONE,
                                PiiKind.PAYMENT_CARD):
                        result.masks[kind] = mask
        return result

    text = as_text(series)
    if text is None:
        return ColumnValues(name, int(series.notna().sum()))
    if len(text) != n:  # pragma: no cover - defensive, astype keeps length
        raise AssertionError("text view changed the column length")
    if _all_area_or_line_wkt(text):
        # boundaries and streets as WKT, like a GeoSeries of them: the area a point is
        # aggregated to, not anyone's position (their vertices would read as lat, lon pairs)
        return ColumnValues(name, int(text.notna().sum()))
    result = _text_masks(text, name, hints, kinds)
    if kinds is not None:
        result.masks = {k: m for k, m in result.masks.items() if k in kinds}
    return result
