"""Risk across releases: what comparing a release with the previous one reveals.

Two releases that each hold k >= 5 can still single people out together: subtract one
from the other and the records added, removed or changed stand out, and if a class
gained or lost fewer than k of them, those few records (and their sensitive values)
are exposed: a differencing attack. Rows are compared whole (as a multiset, or by a key
when the table has a stable one), then grouped by their quasi-identifier class.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from anonymization.risk import _require_columns, equivalence_classes

CHANGE_COLUMN = "_change"


@dataclass(frozen=True)
class ReleaseDifference:
    added: int  # rows in the current release only
    removed: int  # rows in the previous release only
    changed: int  # keyed rows whose values changed (counted in added and removed too)
    classes_touched: int  # quasi-identifier classes whose rows differ
    classes_singling_out: int  # of those, classes that differ by fewer than k rows
    singled_out: pd.DataFrame  # those rows, with `_change` = added / removed
    k: int

    @property
    def flagged(self) -> bool:
        return self.classes_singling_out > 0

    def message(self) -> str:
        return (f"{self.added:,} rows added, {self.removed:,} removed"
                + (f" ({self.changed:,} changed)" if self.changed else "")
                + f"; {len(self.singled_out):,} of them in {self.classes_singling_out:,} "
                f"class(es) that differ by fewer than {self.k} rows, which a comparison of the "
                "two releases singles out")

    def to_dict(self) -> dict:
        return {"added": self.added, "removed": self.removed, "changed": self.changed,
                "classes_touched": self.classes_touched,
                "classes_singling_out": self.classes_singling_out,
                "records_singled_out": len(self.singled_out), "k": self.k,
                "flagged": self.flagged}


def _row_hashes(df: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    return pd.util.hash_pandas_object(df[list(columns)], index=False).to_numpy()


def _only_in(left: pd.DataFrame, right: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """Positions of `left` rows with no counterpart in `right` (multiset difference)."""
    left_hash, right_hash = _row_hashes(left, columns), _row_hashes(right, columns)
    available = pd.Series(right_hash).value_counts()
    occurrence = pd.Series(left_hash).groupby(left_hash).cumcount().to_numpy()
    counterpart = pd.Series(left_hash).map(available).fillna(0).to_numpy()
    return np.flatnonzero(occurrence >= counterpart)


def compare_releases(previous: pd.DataFrame, current: pd.DataFrame,
                     quasi_identifiers: Sequence[str], *, k: int = 5,
                     key: str | None = None) -> ReleaseDifference:
    """The rows that differ between two releases, and those a differencing attack exposes
    (their class gained plus lost fewer than k rows)."""
    qis = list(quasi_identifiers)
    _require_columns(previous, qis + ([key] if key else []))
    _require_columns(current, qis + ([key] if key else []))
    columns = [c for c in current.columns if c in previous.columns]
    added_at = _only_in(current, previous, columns)
    removed_at = _only_in(previous, current, columns)
    added = current.iloc[added_at]
    removed = previous.iloc[removed_at]
    changed = 0
    if key is not None:
        changed = len(set(added[key].dropna()) & set(removed[key].dropna()))
    diff = pd.concat([added.assign(**{CHANGE_COLUMN: "added"}),
                      removed.assign(**{CHANGE_COLUMN: "removed"})], ignore_index=True)
    if diff.empty:
        return ReleaseDifference(0, 0, 0, 0, 0, diff, k)
    classes = equivalence_classes(diff, qis)
    per_class = np.bincount(classes)
    small = per_class[classes] < k
    return ReleaseDifference(
        added=len(added), removed=len(removed), changed=changed,
        classes_touched=len(per_class), classes_singling_out=int((per_class < k).sum()),
        singled_out=diff.loc[small].reset_index(drop=True), k=k,
    )
