"""Change of a candidate against the last publication, from compact profiles.

Each published version stores `profile_frame(df, key_columns)`: a small JSON document
(row count, every column's logical type and empty share, and for key columns either the
value shares of a categorical or 101 quantiles of a numeric or date column). A candidate
is compared with the stored profile, so the previous data is never read again.

`compare_to_previous` flags, in words:
- a record count change above `threshold` (relative, both directions);
- columns added or removed, and logical type changes;
- a column whose empty share rose by more than `null_share_increase`;
- a distribution shift on a key column: for categoricals the total variation distance
  (half the L1 distance between value shares, "share of records that changed category")
  and the population stability index (PSI; 0.25 is the usual "significant shift" line);
  for numbers and dates the Kolmogorov-Smirnov statistic, evaluated from the two stored
  quantile functions with numpy, and the mean shift in previous standard deviations.
A flag is never swallowed: `flags` lists them and `needs_attention` is true if any.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from metadata.column_types import infer_column_type

PROFILE_VERSION = 1
QUANTILE_POINTS = np.linspace(0.0, 1.0, 101)
MAX_PROFILE_CATEGORIES = 50
OTHER = "(other)"
MISSING = "(empty)"
PSI_FLOOR = 1e-4


class ProfileError(ValueError):
    """A stored profile cannot be read (unknown version or shape)."""


# --- profiles ------------------------------------------------------------------------------


def profile_frame(
    df: pd.DataFrame,
    key_columns: Iterable[str] = (),
    *,
    max_categories: int = MAX_PROFILE_CATEGORIES,
) -> dict[str, Any]:
    """A compact, JSON-serializable profile of `df` to store with a published version."""
    columns: dict[str, dict[str, Any]] = {}
    null_shares = df.isna().mean() if len(df) else pd.Series(0.0, index=df.columns)
    for name in df.columns:
        columns[str(name)] = {
            "type": infer_column_type(df[name]),
            "dtype": str(df[name].dtype),
            "null_share": float(null_shares[name]),
        }
    keys = {}
    for name in key_columns:
        if name not in df.columns:
            continue
        keys[name] = _profile_key_column(df[name], columns[name]["type"], max_categories)
    return {
        "profile_version": PROFILE_VERSION,
        "row_count": len(df),
        "columns": columns,
        "key_columns": keys,
    }


def _profile_key_column(series: pd.Series, type_name: str, max_categories: int) -> dict[str, Any]:
    if type_name in ("integer", "number", "date", "datetime"):
        values = _as_float(series, type_name)
        values = values[~np.isnan(values)]
        if len(values) and (type_name != "integer" or np.unique(values[:10_000]).size > 30):
            return {
                "kind": "numeric",
                "type": type_name,
                "count": len(values),
                "mean": float(values.mean()),
                "std": float(values.std()),
                "quantiles": [float(q) for q in np.quantile(values, QUANTILE_POINTS)],
            }
    counts = series.astype("string").fillna(MISSING).value_counts()
    total = int(counts.sum())
    shares = {
        str(value): int(count) / total for value, count in counts.head(max_categories).items()
    }
    other = 1.0 - sum(shares.values()) if len(counts) > max_categories else 0.0
    if other > 0:
        shares[OTHER] = other
    return {"kind": "categorical", "type": type_name, "count": total, "shares": shares}


def _as_float(series: pd.Series, type_name: str) -> np.ndarray:
    """Numbers as float64; dates as days since 1970-01-01 (NaN where not a value)."""
    if type_name in ("date", "datetime"):
        stamps = pd.to_datetime(series, errors="coerce", utc=True)
        days = stamps.dt.tz_localize(None).to_numpy(dtype="datetime64[s]").astype("float64")
        days[pd.isna(stamps).to_numpy()] = np.nan
        return days / 86_400.0
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


# --- report ----------------------------------------------------------------------------


@dataclass
class DistributionShift:
    column: str
    kind: str  # categorical | numeric
    # categorical: total_variation, psi; numeric: ks, mean_shift_sd
    statistics: dict[str, float]
    flagged: bool
    detail: str = ""


@dataclass
class DriftReport:
    """Change of a candidate against the previous publication; JSON via to_dict/from_dict."""

    previous_row_count: int | None
    current_row_count: int
    row_count_change: float | None  # relative: -0.3 is a 30% drop
    threshold: float
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    type_changes: dict[str, list[str]] = field(default_factory=dict)  # column -> [old, new]
    null_share_changes: dict[str, list[float]] = field(default_factory=dict)
    distribution_shifts: list[DistributionShift] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    first_publication: bool = False

    @property
    def needs_attention(self) -> bool:
        return bool(self.flags)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["needs_attention"] = self.needs_attention
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DriftReport:
        fields = {k: v for k, v in data.items() if k != "needs_attention"}
        fields["distribution_shifts"] = [
            DistributionShift(**shift) for shift in fields.get("distribution_shifts", [])
        ]
        return cls(**fields)

    def to_markdown(self) -> str:
        if self.first_publication:
            return (f"First publication: {self.current_row_count:,} records, "
                    "nothing to compare with.")
        change = f"{self.row_count_change:+.1%}" if self.row_count_change is not None else "n/a"
        counts = (f"Records: {self.previous_row_count:,} → {self.current_row_count:,} "
                  f"({change}; threshold ±{self.threshold:.0%})")
        lines = [counts, ""]
        if self.flags:
            lines.append("**Needs attention:**")
            lines += [f"- {flag}" for flag in self.flags]
        else:
            lines.append("No change above the thresholds.")
        if self.distribution_shifts:
            lines += ["", "| key column | kind | statistics | flagged |",
                      "| --- | --- | --- | --- |"]
            for shift in self.distribution_shifts:
                stats = ", ".join(f"{k} {v:.3f}" for k, v in shift.statistics.items())
                lines.append(f"| `{shift.column}` | {shift.kind} | {stats} | "
                             f"{'yes' if shift.flagged else 'no'} |")
        return "\n".join(lines)


def compare_to_previous(
    current: pd.DataFrame | Mapping[str, Any],
    previous_profile: Mapping[str, Any] | None,
    *,
    threshold: float = 0.2,
    key_columns: Iterable[str] | None = None,
    total_variation_threshold: float = 0.1,
    psi_threshold: float = 0.25,
    ks_threshold: float = 0.1,
    mean_shift_threshold: float = 0.5,
    null_share_increase: float = 0.1,
) -> DriftReport:
    """Compare a candidate (a DataFrame or its profile) with the previous version's profile.

    key_columns: columns whose distributions are compared; by default those profiled in
    both. With no previous profile (first publication) nothing is flagged.
    """
    if previous_profile is not None:
        _check_profile(previous_profile)
    previous_keys = list((previous_profile or {}).get("key_columns", {}))
    wanted = list(key_columns) if key_columns is not None else previous_keys
    if isinstance(current, pd.DataFrame):
        current_profile = profile_frame(current, wanted)
    else:
        current_profile = dict(current)
        _check_profile(current_profile)

    report = DriftReport(
        previous_row_count=None,
        current_row_count=int(current_profile["row_count"]),
        row_count_change=None,
        threshold=threshold,
    )
    if previous_profile is None:
        report.first_publication = True
        return report

    _compare_row_counts(report, int(previous_profile["row_count"]))
    _compare_columns(report, previous_profile["columns"], current_profile["columns"],
                     null_share_increase)
    for name in wanted:
        before = previous_profile.get("key_columns", {}).get(name)
        after = current_profile.get("key_columns", {}).get(name)
        if before is None or after is None:
            if name in current_profile["columns"] and name in previous_profile["columns"]:
                report.flags.append(f"key column `{name}` has no stored distribution to "
                                    "compare with (profile it at publication)")
            continue
        shift = _compare_distribution(
            name, before, after,
            total_variation_threshold=total_variation_threshold,
            psi_threshold=psi_threshold,
            ks_threshold=ks_threshold,
            mean_shift_threshold=mean_shift_threshold,
        )
        report.distribution_shifts.append(shift)
        if shift.flagged:
            report.flags.append(shift.detail)
    return report


def _check_profile(profile: Mapping[str, Any]) -> None:
    version = profile.get("profile_version")
    if version != PROFILE_VERSION or "row_count" not in profile or "columns" not in profile:
        raise ProfileError(
            f"stored profile has version {version!r}; expected {PROFILE_VERSION} with "
            "row_count and columns — re-profile the published version"
        )


def _compare_row_counts(report: DriftReport, previous: int) -> None:
    report.previous_row_count = previous
    current = report.current_row_count
    if previous == 0:
        report.row_count_change = None if current == 0 else float("inf")
        if current:
            report.flags.append(f"record count went from 0 to {current:,}")
        return
    change = (current - previous) / previous
    report.row_count_change = change
    if abs(change) > report.threshold:
        direction = "fell" if change < 0 else "rose"
        report.flags.append(
            f"record count {direction} {abs(change):.1%} ({previous:,} → {current:,}), "
            f"beyond the {report.threshold:.0%} threshold"
        )


def _compare_columns(
    report: DriftReport,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    null_share_increase: float,
) -> None:
    report.columns_added = [c for c in after if c not in before]
    report.columns_removed = [c for c in before if c not in after]
    for name in report.columns_removed:
        report.flags.append(f"column `{name}` was removed")
    for name in report.columns_added:
        report.flags.append(f"column `{name}` was added")
    for name in after:
        if name not in before:
            continue
        old_type, new_type = before[name]["type"], after[name]["type"]
        if old_type != new_type:
            report.type_changes[name] = [old_type, new_type]
            report.flags.append(f"column `{name}` changed type from {old_type} to {new_type}")
        old_null, new_null = before[name]["null_share"], after[name]["null_share"]
        if new_null - old_null > null_share_increase:
            report.null_share_changes[name] = [old_null, new_null]
            report.flags.append(
                f"column `{name}` is {new_null:.0%} empty, up from {old_null:.0%}"
            )


def _compare_distribution(
    name: str,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    *,
    total_variation_threshold: float,
    psi_threshold: float,
    ks_threshold: float,
    mean_shift_threshold: float,
) -> DistributionShift:
    if before["kind"] == "numeric" and after["kind"] == "numeric":
        ks = ks_from_quantiles(before["quantiles"], after["quantiles"])
        sd = before["std"] or 0.0
        mean_shift = abs(after["mean"] - before["mean"]) / sd if sd > 0 else 0.0
        flagged = ks > ks_threshold or mean_shift > mean_shift_threshold
        unit = " days" if before.get("type") in ("date", "datetime") else ""
        detail = (
            f"distribution of `{name}` shifted: KS statistic {ks:.2f} (threshold "
            f"{ks_threshold:.2f}), mean {before['mean']:,.4g}{unit} → {after['mean']:,.4g}{unit}"
        )
        return DistributionShift(name, "numeric", {"ks": ks, "mean_shift_sd": mean_shift},
                                 flagged, detail if flagged else "")
    if before["kind"] != after["kind"]:
        return DistributionShift(
            name, "changed", {}, True,
            f"`{name}` was profiled as {before['kind']} and is now {after['kind']}",
        )
    p, q = before["shares"], after["shares"]
    categories = sorted(set(p) | set(q))
    old = np.array([p.get(c, 0.0) for c in categories])
    new = np.array([q.get(c, 0.0) for c in categories])
    total_variation = float(0.5 * np.abs(new - old).sum())
    old_f, new_f = np.maximum(old, PSI_FLOOR), np.maximum(new, PSI_FLOOR)
    psi = float(((new_f - old_f) * np.log(new_f / old_f)).sum())
    flagged = total_variation > total_variation_threshold or psi > psi_threshold
    detail = ""
    if flagged:
        moved = sorted(categories, key=lambda c: -abs(q.get(c, 0.0) - p.get(c, 0.0)))[:3]
        moves = ", ".join(
            f"'{c}' {p.get(c, 0.0):.0%} → {q.get(c, 0.0):.0%}" for c in moved
        )
        detail = (
            f"value shares of `{name}` shifted: total variation {total_variation:.2f}, "
            f"PSI {psi:.2f} ({moves})"
        )
    return DistributionShift(
        name, "categorical", {"total_variation": total_variation, "psi": psi}, flagged, detail
    )


def ks_from_quantiles(before: list[float], after: list[float]) -> float:
    """Kolmogorov-Smirnov statistic between two distributions given as quantile functions.

    Each distribution's CDF is the inverse of its stored quantiles (right-continuous where
    several quantiles tie, as with discrete values); the statistic is the largest gap
    between the two CDFs over all stored quantile values.
    """
    grid = np.union1d(before, after)
    return float(np.abs(_cdf(before, grid) - _cdf(after, grid)).max())


def _cdf(quantiles: list[float], points: np.ndarray) -> np.ndarray:
    values = np.asarray(quantiles, dtype="float64")
    probs = np.linspace(0.0, 1.0, len(values))
    # keep the last (highest) probability of each tied value: F(x) = P(X <= x)
    unique_values, last = np.unique(values[::-1], return_index=True)
    unique_probs = probs[::-1][last]
    return np.interp(points, unique_values, unique_probs, left=0.0, right=1.0)

