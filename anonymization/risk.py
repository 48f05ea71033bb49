"""Re-identification risk over declared quasi-identifiers.

An equivalence class is the set of records sharing one combination of quasi-identifier
values; a missing value is a value of its own (a null can single a record out just as
well). Everything is computed from integer class codes, so a million records and five
quasi-identifiers take a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

# Re-factorize the running code before the combined code space could overflow int64.
_MAX_CODE_SPACE = 2**62


class RiskInputError(ValueError):
    """Risk metrics were asked for columns the table does not have."""


@dataclass(frozen=True)
class RiskMetrics:
    """Risk of one table. `k`: smallest class; `l`: fewest distinct sensitive values in a class."""

    k: int
    l: int | None  # noqa: E741 - the l of l-diversity
    records_at_risk_share: float  # records in classes smaller than k_threshold
    prosecutor_risk_max: float  # 1 / smallest class
    prosecutor_risk_avg: float  # mean over records of 1 / class size
    n_records: int
    n_classes: int
    k_threshold: int
    quasi_identifiers: tuple[str, ...] = field(default_factory=tuple)
    sensitive_attributes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        out = asdict(self)
        out["quasi_identifiers"] = list(self.quasi_identifiers)
        out["sensitive_attributes"] = list(self.sensitive_attributes)
        return out


def _codes(series: pd.Series) -> tuple[np.ndarray, int]:
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    return codes.astype(np.int64, copy=False), max(len(uniques), 1)


def equivalence_classes(df: pd.DataFrame, quasi_identifiers: Sequence[str]) -> np.ndarray:
    """Dense class code (0..n_classes-1) of every record, by position."""
    _require_columns(df, quasi_identifiers)
    combined = np.zeros(len(df), dtype=np.int64)
    space = 1
    for column in quasi_identifiers:
        codes, cardinality = _codes(df[column])
        if space * cardinality >= _MAX_CODE_SPACE:
            combined, uniques = pd.factorize(combined)
            space = max(len(uniques), 1)
        combined = combined * cardinality + codes
        space *= cardinality
    dense, _ = pd.factorize(combined)
    return dense.astype(np.int64, copy=False)


def distinct_sensitive_per_class(
    df: pd.DataFrame, classes: np.ndarray, sensitive: str
) -> np.ndarray:
    """Number of distinct values of one sensitive attribute in each class."""
    n_classes = int(classes.max()) + 1 if len(classes) else 0
    codes, cardinality = _codes(df[sensitive])
    pairs = pd.unique(classes * cardinality + codes)  # hashing beats np.unique's sort here
    return np.bincount(pairs // cardinality, minlength=n_classes)


def l_per_class(
    df: pd.DataFrame, classes: np.ndarray, sensitive_attributes: Sequence[str]
) -> np.ndarray | None:
    """Distinct l of each class: the minimum over sensitive attributes."""
    if not sensitive_attributes:
        return None
    _require_columns(df, sensitive_attributes)
    per_attribute = [distinct_sensitive_per_class(df, classes, s) for s in sensitive_attributes]
    return np.minimum.reduce(per_attribute)


def compute_risk(
    df: pd.DataFrame,
    quasi_identifiers: Sequence[str],
    sensitive_attributes: Sequence[str] = (),
    *,
    k_threshold: int = 5,
) -> RiskMetrics:
    """k-anonymity, distinct l-diversity and prosecutor risk of a table.

    With no quasi-identifiers the whole table is one class. An empty table has k = 0
    and no risk.
    """
    quasi_identifiers = tuple(quasi_identifiers)
    sensitive_attributes = tuple(sensitive_attributes)
    n = len(df)
    if n == 0:
        _require_columns(df, quasi_identifiers + sensitive_attributes)
        return RiskMetrics(0, 0 if sensitive_attributes else None, 0.0, 0.0, 0.0, 0, 0,
                           k_threshold, quasi_identifiers, sensitive_attributes)
    classes = equivalence_classes(df, quasi_identifiers)
    sizes = np.bincount(classes)
    k = int(sizes.min())
    record_sizes = sizes[classes]
    l_values = l_per_class(df, classes, sensitive_attributes)
    return RiskMetrics(
        k=k,
        l=int(l_values.min()) if l_values is not None else None,
        records_at_risk_share=float((record_sizes < k_threshold).mean()),
        prosecutor_risk_max=1.0 / k,
        # each class contributes size * (1 / size) = 1, so the mean is classes / records
        prosecutor_risk_avg=len(sizes) / n,
        n_records=n,
        n_classes=len(sizes),
        k_threshold=k_threshold,
        quasi_identifiers=quasi_identifiers,
        sensitive_attributes=sensitive_attributes,
    )


def format_risk_text(metrics: RiskMetrics) -> str:
    """Plain-text summary for the command line (`civic risk`)."""
    l_text = "n/a (no sensitive attributes declared)" if metrics.l is None else str(metrics.l)
    lines = [
        f"records                   {metrics.n_records:,}",
        f"quasi-identifiers         {', '.join(metrics.quasi_identifiers) or '(none)'}",
        f"equivalence classes       {metrics.n_classes:,}",
        f"k-anonymity (min class)   {metrics.k}",
        f"l-diversity (distinct)    {l_text}",
        f"records in classes < {metrics.k_threshold:<3}  {metrics.records_at_risk_share:.2%}",
        f"prosecutor risk, max      {metrics.prosecutor_risk_max:.4f}",
        f"prosecutor risk, average  {metrics.prosecutor_risk_avg:.4f}",
    ]
    if metrics.sensitive_attributes:
        lines.insert(2, f"sensitive attributes      {', '.join(metrics.sensitive_attributes)}")
    return "\n".join(lines)


def _require_columns(df: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise RiskInputError(
            f"column(s) {', '.join(map(repr, missing))} not in the table; "
            f"it has: {', '.join(map(str, df.columns))}"
        )
