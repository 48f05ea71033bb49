"""Pandera validation of a candidate against its data dictionary.

`build_schema` turns a `DataDictionary` into a strict `pandera.pandas.DataFrameSchema`:
every dictionary column must be present and no other column may appear; each column
checks its logical type, range, allowed values, nullability and (for keys) uniqueness.
Types and uniqueness are vectorized custom checks rather than pandera dtypes and
`unique=True`: one logical type has several pandas dtypes, and pandera's own uniqueness
check lists every duplicate and fails outright on unhashable values.
`validate` runs it with `lazy=True` and never raises on bad data: it returns a
`ValidationOutcome` with the failure count of every rule and the first failure cases.

Rules are named `<column>:<rule>` with rule one of `type`, `minimum`, `maximum`,
`allowed_values`, `not_null`, `unique`, `present`; a column the dictionary does not know
is reported as `<column>:unexpected`.

Speed: every check is one vectorized pandas/numpy expression. Pandera formats the failure
cases of a check into its error message value by value, which takes seconds when a rule
fails on a million rows, so each check keeps only `max_failure_cases` of them; exact
counts come from the check's boolean output, not from the kept cases.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaError, SchemaErrorReason, SchemaErrors

from metadata.column_types import json_safe_value, type_mismatch_mask
from metadata.dictionary import NUMERIC_TYPES, TEMPORAL_TYPES, ColumnEntry, DataDictionary

DEFAULT_MAX_FAILURE_CASES = 20


@dataclass
class ValidationOutcome:
    """The result of validating one frame; JSON-serializable with to_dict/from_dict."""

    passed: bool
    row_count: int
    # rule (`<column>:<rule>`) -> number of failing values (columns for present/unexpected)
    failure_counts: dict[str, int] = field(default_factory=dict)
    # the first failing values: {column, rule, value, index}
    failure_cases: list[dict[str, Any]] = field(default_factory=list)
    # column -> values failing at least one rule (a missing column counts every row)
    invalid_values_by_column: dict[str, int] = field(default_factory=dict)
    missing_columns: list[str] = field(default_factory=list)
    unexpected_columns: list[str] = field(default_factory=list)
    checked_values: int = 0

    @property
    def valid_share(self) -> float:
        """Share of the dictionary's values (rows x columns) that pass every rule."""
        if not self.checked_values:
            return 1.0
        invalid = sum(self.invalid_values_by_column.values())
        return max(0.0, 1.0 - invalid / self.checked_values)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["valid_share"] = self.valid_share
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ValidationOutcome:
        fields = {k: v for k, v in data.items() if k != "valid_share"}
        return cls(**fields)

    def to_markdown(self) -> str:
        verdict = "passed" if self.passed else "**failed**"
        summary = (
            f"Schema validation {verdict} on {self.row_count:,} rows "
            f"({self.valid_share:.2%} of values valid)."
        )
        lines = [summary]
        if self.missing_columns:
            lines.append("Missing columns: " + ", ".join(f"`{c}`" for c in self.missing_columns))
        if self.unexpected_columns:
            lines.append(
                "Unexpected columns: " + ", ".join(f"`{c}`" for c in self.unexpected_columns)
            )
        if self.failure_counts:
            lines += ["", "| rule | failures |", "| --- | ---: |"]
            for rule, count in sorted(self.failure_counts.items(), key=lambda kv: -kv[1]):
                lines.append(f"| `{rule}` | {count:,} |")
        if self.failure_cases:
            lines += ["", f"First {len(self.failure_cases)} failure cases:", ""]
            lines += ["| column | rule | value | row index |", "| --- | --- | --- | --- |"]
            for case in self.failure_cases:
                value = str(case["value"]).replace("|", "\\|")
                lines.append(
                    f"| `{case['column']}` | {case['rule']} | {value} | {case['index']} |"
                )
        return "\n".join(lines)


# --- checks: one vectorized function per rule ------------------------------------------


def _type_check(type_name: str) -> Callable[[pd.Series], pd.Series]:
    def conforms(series: pd.Series) -> pd.Series:
        return pd.Series(~type_mismatch_mask(series, type_name), index=series.index)

    return conforms


def _as_comparable(series: pd.Series, type_name: str) -> pd.Series:
    """The column as numbers or naive-UTC timestamps; values of another type become NaN/NaT."""
    if type_name in NUMERIC_TYPES:
        if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(
            series.dtype
        ):
            return series
        return pd.to_numeric(series.where(~type_mismatch_mask(series, type_name)),
                             errors="coerce")
    if not pd.api.types.is_datetime64_any_dtype(series.dtype):
        series = pd.to_datetime(series.where(~type_mismatch_mask(series, type_name)),
                                errors="coerce", utc=True, format="mixed")
    if getattr(series.dt, "tz", None) is not None:
        series = series.dt.tz_convert("UTC").dt.tz_localize(None)
    if type_name == "date":
        series = series.dt.normalize()
    return series


def _as_bound(value: Any, type_name: str) -> Any:
    if type_name in NUMERIC_TYPES:
        return float(value)
    bound = pd.Timestamp(value)
    if bound.tzinfo is not None:
        bound = bound.tz_convert("UTC").tz_localize(None)
    return bound.normalize() if type_name == "date" else bound


def _bound_check(bound: Any, type_name: str, *, lower: bool) -> Callable[[pd.Series], pd.Series]:
    limit = _as_bound(bound, type_name)

    def within(series: pd.Series) -> pd.Series:
        values = _as_comparable(series, type_name)
        # a value of the wrong type is the type rule's failure, not this one's
        outside = values < limit if lower else values > limit
        return ~outside.fillna(False).astype(bool)

    return within


def _allowed_values_check(allowed: list[Any]) -> Callable[[pd.Series], pd.Series]:
    def is_allowed(series: pd.Series) -> pd.Series:
        try:
            return series.isin(allowed)
        except TypeError:  # unhashable values are never allowed values
            return series.map(lambda value: any(value == a for a in allowed))

    return is_allowed


def _unique_check(series: pd.Series) -> pd.Series:
    try:
        return ~series.duplicated(keep=False)
    except TypeError:  # unhashable values (lists, dicts): compare their text
        return ~series.map(repr).duplicated(keep=False)


def _column_checks(
    entry: ColumnEntry, *, inferred_bounds: bool, max_failure_cases: int
) -> list[pa.Check]:
    def check(fn: Callable[[pd.Series], pd.Series], rule: str, error: str) -> pa.Check:
        return pa.Check(fn, name=rule, error=error, n_failure_cases=max_failure_cases)

    checks = [check(_type_check(entry.type), "type", f"values must be {entry.type}")]
    enforce = set(entry.declared) if not inferred_bounds else {
        "minimum", "maximum", "allowed_values"
    }
    comparable = entry.type in NUMERIC_TYPES or entry.type in TEMPORAL_TYPES
    if comparable and entry.minimum is not None and "minimum" in enforce:
        checks.append(check(_bound_check(entry.minimum, entry.type, lower=True), "minimum",
                            f"values must be at least {entry.minimum}"))
    if comparable and entry.maximum is not None and "maximum" in enforce:
        checks.append(check(_bound_check(entry.maximum, entry.type, lower=False), "maximum",
                            f"values must be at most {entry.maximum}"))
    if entry.allowed_values is not None and "allowed_values" in enforce:
        checks.append(check(_allowed_values_check(list(entry.allowed_values)),
                            "allowed_values", "values must be one of the allowed values"))
    if entry.unique:
        # a check rather than Column(unique=True): it caps failure cases like the others
        # and survives unhashable values
        checks.append(check(_unique_check, "unique", "values must be unique"))
    return checks


def build_schema(
    dictionary: DataDictionary,
    *,
    inferred_bounds: bool = True,
    max_failure_cases: int = DEFAULT_MAX_FAILURE_CASES,
) -> pa.DataFrameSchema:
    """A strict Pandera schema holding every promise of the dictionary.

    inferred_bounds: enforce ranges and allowed values observed in the data the dictionary
    was inferred from (use a published version's dictionary to catch new extremes); with
    False only those the spec declared are enforced. Types, nullability and uniqueness are
    always enforced.
    """
    columns = {
        entry.name: pa.Column(
            None,  # logical types are checked on values: several dtypes hold one type
            checks=_column_checks(
                entry, inferred_bounds=inferred_bounds, max_failure_cases=max_failure_cases
            ),
            nullable=entry.nullable,
            required=True,
            name=entry.name,
        )
        for entry in dictionary.columns
    }
    return pa.DataFrameSchema(columns, strict=True, name="data dictionary")


# --- validate -----------------------------------------------------------------------------

_REASON_RULES = {
    SchemaErrorReason.COLUMN_NOT_IN_DATAFRAME: "present",
    SchemaErrorReason.COLUMN_NOT_IN_SCHEMA: "unexpected",
    SchemaErrorReason.SERIES_CONTAINS_NULLS: "not_null",
    SchemaErrorReason.SERIES_CONTAINS_DUPLICATES: "unique",
}


def _rule_of(error: SchemaError) -> str:
    if error.reason_code in _REASON_RULES:
        return _REASON_RULES[error.reason_code]
    check = error.check
    name = getattr(check, "name", None)
    return str(name) if name else str(check)


def _failure_frame(cases: Any) -> pd.DataFrame:
    """Pandera's failure cases of one error as a frame with `index` and `failure_case`."""
    if isinstance(cases, pd.DataFrame):
        frame = cases
        if "failure_case" not in frame.columns:
            frame = frame.rename(columns={frame.columns[-1]: "failure_case"})
        if "index" not in frame.columns:
            frame = frame.rename_axis("index").reset_index()
        return frame[["index", "failure_case"]]
    if isinstance(cases, pd.Series):
        return cases.rename("failure_case").rename_axis("index").reset_index()
    return pd.DataFrame({"index": [None], "failure_case": [cases]})


def validate(
    df: pd.DataFrame,
    dictionary: DataDictionary,
    *,
    inferred_bounds: bool = True,
    max_failure_cases: int = DEFAULT_MAX_FAILURE_CASES,
) -> ValidationOutcome:
    """Validate `df` against the dictionary's schema; bad data gives a failing outcome."""
    schema = build_schema(
        dictionary, inferred_bounds=inferred_bounds, max_failure_cases=max_failure_cases
    )
    row_count = len(df)
    outcome = ValidationOutcome(
        passed=True,
        row_count=row_count,
        checked_values=row_count * len(dictionary.columns),
    )
    try:
        schema.validate(df, lazy=True, inplace=True)
        return outcome
    except SchemaErrors as errors:
        schema_errors = list(errors.schema_errors)
    except SchemaError as error:  # raised eagerly by a few frame-level checks
        schema_errors = [error]

    outcome.passed = False
    cases: list[dict[str, Any]] = []
    invalid: dict[str, int] = {}
    for schema_error in schema_errors:
        rule = _rule_of(schema_error)
        column = getattr(schema_error, "column_name", None)
        frame = _failure_frame(schema_error.failure_cases)
        if rule in ("present", "unexpected"):
            for name in frame["failure_case"]:
                name = str(name)
                outcome.failure_counts[f"{name}:{rule}"] = 1
                if rule == "present":
                    outcome.missing_columns.append(name)
                    invalid[name] = row_count
                else:
                    outcome.unexpected_columns.append(name)
                cases.append({"column": name, "rule": rule, "value": name, "index": None})
            continue
        column = str(column) if column is not None else "(frame)"
        output = schema_error.check_output
        if isinstance(output, pd.Series) and output.dtype == bool:
            count = int((~output).sum())
        else:
            count = len(frame)
        key = f"{column}:{rule}"
        outcome.failure_counts[key] = outcome.failure_counts.get(key, 0) + count
        invalid[column] = min(row_count, invalid.get(column, 0) + count)
        for index, value in frame.head(max_failure_cases).itertuples(index=False):
            cases.append({
                "column": column,
                "rule": rule,
                "value": json_safe_value(value),
                "index": json_safe_value(index),
            })

    outcome.invalid_values_by_column = invalid
    outcome.failure_cases = _first_cases(cases, max_failure_cases)
    return outcome


def _first_cases(cases: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """Column-level problems first, then failing values in row order."""
    def order(case: dict[str, Any]) -> tuple[int, Any]:
        index = case["index"]
        if index is None:
            return (0, 0)
        return (1, index) if isinstance(index, (int, float)) else (2, str(index))

    return sorted(cases, key=order)[:limit]

