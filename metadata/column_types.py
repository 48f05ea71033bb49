"""Logical column types of the data dictionary, and how a pandas column is matched to one.

The dictionary speaks in the types a reader of open data understands — integer, number,
boolean, date, datetime, text, geometry — not in pandas dtypes. One logical type accepts
several physical representations (an integer column read from CSV with gaps arrives as
float64; text may be `str`, `object` or `category`), so conformance is checked on values,
vectorized, never row by row in Python except on `object` columns, where the values
themselves have to be looked at.
"""

from __future__ import annotations

import datetime as dt
import numbers
from typing import Any

import numpy as np
import pandas as pd

COLUMN_TYPES = ("integer", "number", "boolean", "date", "datetime", "text", "geometry")


# WKT (or EWKT with an SRID) of any shape
_WKT = (r"^\s*(?:SRID=\d+;)?\s*(?i:(?:MULTI)?(?:POINT|LINESTRING|POLYGON)|GEOMETRYCOLLECTION)"
        r"\s*(?:Z|M|ZM)?\s*(?:\(|(?i:EMPTY))")


class UnknownColumnTypeError(ValueError):
    """A dictionary names a column type the platform does not know."""


def check_type_name(type_name: str) -> str:
    if type_name not in COLUMN_TYPES:
        raise UnknownColumnTypeError(
            f"unknown column type '{type_name}'; use one of {', '.join(COLUMN_TYPES)}"
        )
    return type_name


def _is_geometry_value(value: object) -> bool:
    return hasattr(value, "geom_type") and hasattr(value, "wkt")


def _object_value_type(value: object) -> str:
    """Logical type of one Python value held in an object column."""
    if isinstance(value, (bool, np.bool_)):
        return "boolean"
    if isinstance(value, numbers.Integral):
        return "integer"
    if isinstance(value, numbers.Real):
        return "number"
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return "datetime"
    if isinstance(value, dt.date):
        return "date"
    if _is_geometry_value(value):
        return "geometry"
    return "text"


def _is_midnight_only(series: pd.Series) -> bool:
    values = series.dropna()
    return bool(len(values)) and bool((values.dt.normalize() == values).all())


def infer_column_type(series: pd.Series, *, sample_rows: int = 10_000) -> str:
    """The logical type of a column, from its dtype and, for object columns, a sample."""
    dtype = series.dtype
    if str(dtype) == "geometry":
        return "geometry"
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "integer"
    if pd.api.types.is_float_dtype(dtype):
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        finite = values[~np.isnan(values)]
        # a whole-number column with gaps is an integer column that pandas widened
        if len(finite) and len(finite) < len(values) and np.all(np.mod(finite, 1) == 0):
            return "integer"
        return "number"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "date" if _is_midnight_only(series) else "datetime"
    if isinstance(dtype, pd.CategoricalDtype):
        return infer_column_type(pd.Series(dtype.categories), sample_rows=sample_rows)
    if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        return "text"
    sample = series.dropna().head(sample_rows)
    if sample.empty:
        return "text"
    kinds = set(sample.map(_object_value_type))
    if kinds == {"integer", "number"}:
        return "number"
    if kinds == {"date", "datetime"}:
        return "datetime"
    return kinds.pop() if len(kinds) == 1 else "text"


def type_mismatch_mask(series: pd.Series, type_name: str) -> np.ndarray:
    """True for every non-null value that is not of the logical type `type_name`."""
    check_type_name(type_name)
    dtype = series.dtype
    notna = series.notna().to_numpy()
    if isinstance(dtype, pd.CategoricalDtype):
        categories = pd.Series(dtype.categories)
        bad_categories = type_mismatch_mask(categories, type_name)
        codes = series.cat.codes.to_numpy()
        return np.where(codes >= 0, bad_categories[codes] if len(bad_categories) else False,
                        False)
    if type_name == "geometry" and pd.api.types.is_string_dtype(dtype):
        # a table read from PostgreSQL holds shapes as WKT text, as they are published
        is_wkt = series.astype("str").str.match(_WKT, na=False).to_numpy(dtype=bool)
        return notna & ~is_wkt
    if pd.api.types.is_object_dtype(dtype):
        kinds = series.map(_object_value_type, na_action="ignore").to_numpy()
        return notna & ~np.isin(kinds, list(_accepted_value_kinds(type_name)))
    if _dtype_conforms(series, type_name):
        if type_name == "integer" and pd.api.types.is_float_dtype(dtype):
            values = series.to_numpy(dtype="float64", na_value=np.nan)
            with np.errstate(invalid="ignore"):
                return notna & (np.mod(values, 1) != 0)
        return np.zeros(len(series), dtype=bool)
    return notna


def _accepted_value_kinds(type_name: str) -> set[str]:
    return {
        "integer": {"integer"},
        "number": {"integer", "number"},
        "boolean": {"boolean"},
        "date": {"date", "datetime"},
        "datetime": {"date", "datetime"},
        "text": {"text"},
        "geometry": {"geometry"},
    }[type_name]


def _dtype_conforms(series: pd.Series, type_name: str) -> bool:
    dtype = series.dtype
    if type_name == "geometry":
        return str(dtype) == "geometry"
    if type_name == "boolean":
        return pd.api.types.is_bool_dtype(dtype)
    if type_name in ("integer", "number"):
        return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
    if type_name in ("date", "datetime"):
        return pd.api.types.is_datetime64_any_dtype(dtype)
    return pd.api.types.is_string_dtype(dtype)


def json_safe_value(value: Any, *, max_text: int = 200) -> object:
    """A value as plain JSON (numpy scalars to Python, timestamps to ISO 8601, shapes to WKT)."""
    if value is None:
        return None
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return None if np.isnan(number) or np.isinf(number) else number
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        if pd.isna(value):
            return None
        return value.isoformat()
    if isinstance(value, (pd.Timedelta, dt.timedelta)):
        return str(value)
    if _is_geometry_value(value):
        text = value.wkt
    else:
        try:
            if pd.isna(value):
                return None
        except (TypeError, ValueError):
            pass
        text = str(value)
    return text if len(text) <= max_text else text[: max_text - 1] + "…"
