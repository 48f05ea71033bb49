"""The data dictionary of a dataset: every column's type, meaning, unit and promises.

`infer_dictionary` reads a candidate DataFrame and writes what the data shows (logical
type, range, allowed values of a categorical, nullability, examples), then applies the
spec's `dictionary:` overrides, which are what the data officer promises. An override the
data no longer keeps is not silently trusted: it is listed in `override_problems`, in words
a data officer acts on ("column `status`: override allows ['open', 'closed'] but data has
'pending' (1,203 rows)").

Every entry records in `declared` which of its fields came from the spec, so a caller can
tell a promise (enforced) from an observation (descriptive); see `validation.build_schema`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from metadata.column_types import (
    check_type_name,
    infer_column_type,
    json_safe_value,
    type_mismatch_mask,
)
from metadata.specs import DictionaryColumn

NUMERIC_TYPES = ("integer", "number")
TEMPORAL_TYPES = ("date", "datetime")
MAX_LISTED_VALUES = 5


@dataclass
class ColumnEntry:
    """One column of the data dictionary."""

    name: str
    type: str
    description: dict[str, str] = field(default_factory=lambda: {"en": "", "fr": ""})
    unit: str | None = None
    nullable: bool = True
    unique: bool = False
    allowed_values: list[Any] | None = None
    # numbers for integer/number columns, ISO 8601 strings for date/datetime columns
    minimum: float | int | str | None = None
    maximum: float | int | str | None = None
    null_count: int = 0
    distinct_count: int | None = None
    examples: list[Any] = field(default_factory=list)
    # fields whose value the spec declared (the rest were inferred from the data)
    declared: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ColumnEntry:
        return cls(**dict(data))


@dataclass
class DataDictionary:
    """The dictionary of one dataset version; JSON-serializable with to_dict/from_dict."""

    columns: list[ColumnEntry]
    row_count: int
    primary_key: str | None = None
    override_problems: list[str] = field(default_factory=list)

    @property
    def column_names(self) -> list[str]:
        return [entry.name for entry in self.columns]

    def column(self, name: str) -> ColumnEntry:
        for entry in self.columns:
            if entry.name == name:
                return entry
        raise KeyError(f"column `{name}` is not in the data dictionary")

    def to_dict(self) -> dict[str, Any]:
        return {
            "row_count": self.row_count,
            "primary_key": self.primary_key,
            "columns": [entry.to_dict() for entry in self.columns],
            "override_problems": list(self.override_problems),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DataDictionary:
        return cls(
            columns=[ColumnEntry.from_dict(entry) for entry in data["columns"]],
            row_count=int(data["row_count"]),
            primary_key=data.get("primary_key"),
            override_problems=list(data.get("override_problems", [])),
        )

    def to_markdown(self) -> str:
        lines = [
            f"**{len(self.columns)} columns, {self.row_count:,} rows**"
            + (f" — primary key `{self.primary_key}`" if self.primary_key else ""),
            "",
            "| column | type | nullable | unique | unit | values | description | examples |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for entry in self.columns:
            lines.append(
                "| "
                + " | ".join(
                    [
                        f"`{entry.name}`",
                        entry.type,
                        "yes" if entry.nullable else "no",
                        "yes" if entry.unique else "",
                        _md(entry.unit or ""),
                        _md(_describe_values(entry)),
                        _md(_describe_text(entry)),
                        _md(", ".join(_short(v) for v in entry.examples)),
                    ]
                )
                + " |"
            )
        if self.override_problems:
            lines += ["", "**Spec overrides the data no longer matches:**", ""]
            lines += [f"- {problem}" for problem in self.override_problems]
        return "\n".join(lines)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _short(value: Any, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe_values(entry: ColumnEntry) -> str:
    if entry.allowed_values is not None:
        return "one of " + ", ".join(_short(v, 30) for v in entry.allowed_values)
    if entry.minimum is not None or entry.maximum is not None:
        low = "…" if entry.minimum is None else entry.minimum
        high = "…" if entry.maximum is None else entry.maximum
        return f"{low} – {high}"
    return ""


def _describe_text(entry: ColumnEntry) -> str:
    parts = [entry.description.get("en") or "", entry.description.get("fr") or ""]
    parts = [p for p in parts if p]
    return " / ".join(parts) if parts else "_(no description)_"


def infer_dictionary(
    df: pd.DataFrame,
    *,
    overrides: Mapping[str, DictionaryColumn] | None = None,
    primary_key: str | None = None,
    sample_rows: int = 10_000,
    max_categories: int = 30,
    max_category_share: float = 0.05,
) -> DataDictionary:
    """Infer the data dictionary of `df`, then apply the spec's overrides.

    sample_rows: rows looked at to type `object` columns and to pick examples.
    A text column is a categorical (its values listed as allowed values) when it has at
    most `max_categories` distinct values and fewer than `max_category_share` of rows.
    """
    overrides = dict(overrides or {})
    row_count = len(df)
    columns = [
        _infer_column(
            df[name],
            str(name),
            sample_rows=sample_rows,
            max_categories=max_categories,
            max_category_share=max_category_share,
        )
        for name in df.columns
    ]
    by_name = {entry.name: entry for entry in columns}
    problems: list[str] = []

    if primary_key is not None:
        if primary_key in by_name:
            problems += _apply_primary_key(by_name[primary_key], df[primary_key])
        else:
            problems.append(f"primary key `{primary_key}` is not a column of the data")

    for name, override in overrides.items():
        if name not in by_name:
            problems.append(f"override for column `{name}`, which is not in the data")
            continue
        problems += _apply_override(by_name[name], df[name], override)

    return DataDictionary(
        columns=columns,
        row_count=row_count,
        primary_key=primary_key,
        override_problems=problems,
    )


def _infer_column(
    series: pd.Series,
    name: str,
    *,
    sample_rows: int,
    max_categories: int,
    max_category_share: float,
) -> ColumnEntry:
    type_name = infer_column_type(series, sample_rows=sample_rows)
    null_count = int(series.isna().sum())
    entry = ColumnEntry(name=name, type=type_name, nullable=null_count > 0, null_count=null_count)
    values = series.dropna()
    if values.empty:
        return entry

    if type_name in NUMERIC_TYPES or type_name in TEMPORAL_TYPES:
        entry.minimum, entry.maximum = _value_range(values, type_name)

    if type_name == "geometry":
        entry.examples = [json_safe_value(v) for v in values.head(3)]
        return entry

    entry.distinct_count = int(values.nunique())
    is_categorical = (
        type_name == "text"
        and entry.distinct_count <= max_categories
        and entry.distinct_count < max_category_share * len(series)
    )
    if is_categorical:
        counts = values.value_counts()
        entry.allowed_values = sorted(json_safe_value(v) for v in counts.index)
        entry.examples = [json_safe_value(v) for v in counts.index[:3]]
    else:
        head = values.head(sample_rows).drop_duplicates().head(3)
        entry.examples = [json_safe_value(v) for v in head]
    return entry


def _value_range(values: pd.Series, type_name: str) -> tuple[Any, Any]:
    if type_name in TEMPORAL_TYPES and pd.api.types.is_datetime64_any_dtype(values.dtype):
        low, high = values.min(), values.max()
        if type_name == "date":
            return low.date().isoformat(), high.date().isoformat()
        return low.isoformat(), high.isoformat()
    if pd.api.types.is_numeric_dtype(values.dtype):
        low, high = values.min(), values.max()
        return json_safe_value(low), json_safe_value(high)
    try:  # an object column of Python numbers or dates
        return json_safe_value(values.min()), json_safe_value(values.max())
    except TypeError:
        return None, None


def _apply_primary_key(entry: ColumnEntry, series: pd.Series) -> list[str]:
    problems = []
    entry.unique, entry.nullable = True, False
    entry.declared += ["unique", "nullable"]
    if entry.null_count:
        problems.append(
            f"primary key `{entry.name}` is empty in {_rows(entry.null_count)}"
        )
    duplicated = int(series.dropna().duplicated(keep=False).sum())
    if duplicated:
        problems.append(
            f"primary key `{entry.name}` is not unique: {_rows(duplicated)} share a value "
            f"with another row"
        )
    return problems


def _apply_override(
    entry: ColumnEntry, series: pd.Series, override: DictionaryColumn
) -> list[str]:
    problems: list[str] = []
    name = entry.name

    if override.type is not None:
        declared_type = check_type_name(override.type)
        if _type_family(declared_type) != _type_family(entry.type):
            # the inferred range and values described the data as another kind of thing
            entry.minimum = entry.maximum = entry.allowed_values = None
        entry.type = declared_type
        entry.declared.append("type")
        mismatch = type_mismatch_mask(series, declared_type)
        if mismatch.any():
            sample = series[mismatch].iloc[0]
            problems.append(
                f"column `{name}`: override type '{declared_type}' but "
                f"{_rows(int(mismatch.sum()))} hold other values (e.g. {sample!r})"
            )

    if override.description.en is not None:
        entry.description["en"] = override.description.en
        entry.declared.append("description.en")
    if override.description.fr is not None:
        entry.description["fr"] = override.description.fr
        entry.declared.append("description.fr")
    if override.unit is not None:
        entry.unit = override.unit
        entry.declared.append("unit")

    if override.allowed_values is not None:
        allowed = list(override.allowed_values)
        entry.allowed_values = allowed
        entry.declared.append("allowed_values")
        values = series.dropna()
        outside = values[~values.isin(allowed)]
        if len(outside):
            counts = outside.value_counts()
            listed = ", ".join(
                f"{json_safe_value(value)!r} ({_rows(int(count))})"
                for value, count in counts.head(MAX_LISTED_VALUES).items()
            )
            more = len(counts) - MAX_LISTED_VALUES
            problems.append(
                f"column `{name}`: override allows {allowed!r} but data has {listed}"
                + (f" and {more:,} more values" if more > 0 else "")
            )

    for bound in ("minimum", "maximum"):
        limit = getattr(override, bound)
        if limit is None:
            continue
        setattr(entry, bound, limit)
        entry.declared.append(bound)
        if entry.type not in NUMERIC_TYPES:
            problems.append(
                f"column `{name}`: override {bound} {limit:g} applies to numeric columns "
                f"but the column is {entry.type}"
            )
            continue
        numbers = pd.to_numeric(series, errors="coerce")
        outside = numbers < limit if bound == "minimum" else numbers > limit
        count = int(outside.sum())
        if count:
            extreme = numbers.min() if bound == "minimum" else numbers.max()
            side = "below" if bound == "minimum" else "above"
            problems.append(
                f"column `{name}`: override {bound} {limit:g} but {_rows(count)} are {side} "
                f"it (extreme {extreme:,.6g})"
            )

    if override.nullable is not None:
        entry.nullable = override.nullable
        entry.declared.append("nullable")
        if not override.nullable and entry.null_count:
            problems.append(
                f"column `{name}`: override says it is never empty but "
                f"{_rows(entry.null_count)} are empty"
            )

    if override.unique is not None:
        entry.unique = override.unique
        entry.declared.append("unique")
        if override.unique:
            duplicated = int(series.dropna().duplicated(keep=False).sum())
            if duplicated:
                problems.append(
                    f"column `{name}`: override says values are unique but "
                    f"{_rows(duplicated)} share a value with another row"
                )
    return problems


def _type_family(type_name: str) -> str:
    if type_name in NUMERIC_TYPES:
        return "numeric"
    if type_name in TEMPORAL_TYPES:
        return "temporal"
    return type_name


def _rows(count: int) -> str:
    return f"{count:,} row" + ("" if count == 1 else "s")

