"""What anonymization costs: information loss, discernibility, share suppressed.

- Loss per quasi-identifier (Iyengar's loss metric, as ARX's "Loss"): a published value
  that stands for m of the M distinct original values loses (m - 1) / (M - 1); 0 when
  nothing was generalized, 1 when everything became one value (or was suppressed).
  With no hierarchy to read, m is counted from the data: how many distinct original
  values ended up under each published value.
- Generalization intensity: the mean loss over the quasi-identifiers.
- Discernibility (Bayardo and Agrawal): each record costs the size of its class, and a
  suppressed record the size of the whole input: sum of |E|^2 + suppressed x n.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from anonymization.risk import equivalence_classes


@dataclass(frozen=True)
class UtilityMetrics:
    rows_in: int
    rows_out: int
    share_suppressed: float  # of input records removed
    discernibility: float
    discernibility_normalized: float  # discernibility / n^2: 1/n (all distinct) .. 1 (one class)
    average_class_size: float
    loss_per_quasi_identifier: dict[str, float] = field(default_factory=dict)
    generalization_intensity: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


def _loss(before: pd.Series, positions: np.ndarray, after: pd.Series) -> float:
    """Iyengar's loss of one column. `positions`: where each published row is in `before`;
    M counts the distinct values of the whole original column (suppressed rows too)."""
    codes, uniques = pd.factorize(before, use_na_sentinel=False)
    total = len(uniques)
    if total <= 1 or len(positions) == 0:
        return 0.0
    original_codes = codes[positions].astype(np.int64)
    published_codes, _ = pd.factorize(after, use_na_sentinel=False)
    pairs = pd.unique(published_codes.astype(np.int64) * total + original_codes)
    per_published = np.bincount(pairs // total)
    m = per_published[published_codes]
    # a value suppressed to null stands for every original value
    suppressed = pd.isna(after).to_numpy() & ~pd.isna(before).to_numpy()[positions]
    m = np.where(suppressed, total, m)
    return float(((m - 1) / (total - 1)).mean())


def compute_utility(before: pd.DataFrame, after: pd.DataFrame,
                    quasi_identifier_sources: Mapping[str, str]) -> UtilityMetrics:
    """Utility of `after` (published rows keep their index in `before`) over the
    quasi-identifiers, given as {published column: original column}."""
    n_in, n_out = len(before), len(after)
    suppressed = n_in - n_out
    qis = [q for q in quasi_identifier_sources if q in after.columns]
    if n_out:
        sizes = np.bincount(equivalence_classes(after, qis))
        discernibility = float((sizes.astype(np.float64) ** 2).sum() + suppressed * n_in)
        average = n_out / len(sizes)
    else:
        discernibility, average = float(suppressed * n_in), 0.0
    losses = {}
    # published rows are matched to their originals by index label
    if before.index.is_unique:
        positions = before.index.get_indexer(after.index)
        if (positions >= 0).all():
            for published, original in quasi_identifier_sources.items():
                if published in after.columns and original in before.columns:
                    losses[published] = _loss(before[original], positions, after[published])
    return UtilityMetrics(
        rows_in=n_in, rows_out=n_out,
        share_suppressed=suppressed / n_in if n_in else 0.0,
        discernibility=discernibility,
        discernibility_normalized=discernibility / n_in**2 if n_in else 0.0,
        average_class_size=float(average),
        loss_per_quasi_identifier=losses,
        generalization_intensity=float(np.mean(list(losses.values()))) if losses else 0.0,
    )
