"""More of ARX's privacy models: t-closeness, journalist and marketer risk, δ-presence.

t-closeness (Li, Li and Venkatasubramanian, 2007) bounds how far the distribution of a
sensitive attribute inside any equivalence class may be from its distribution in the
whole table, measured by the Earth Mover's Distance: with *equal* ground distance for
categories (EMD = half the L1 distance), with *ordered* distance for ordinal or numeric
values (EMD = sum of |cumulative differences| / (m - 1)).

Journalist and marketer risk (El Emam and Dankar, 2008) need the population the
published table is a sample of: an attacker who knows someone is in the population,
not necessarily in the sample, matches on the quasi-identifiers. δ-presence (Nergiz,
Atzori and Clifton, 2007) bounds the probability that a person of the population is
in the published table at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from anonymization.risk import RiskInputError, _require_columns, equivalence_classes


@dataclass(frozen=True)
class TCloseness:
    attribute: str
    t: float  # the largest distance of any class from the whole table
    distance: str  # "equal" or "ordered"
    n_classes: int
    classes_over: int  # classes farther than t_threshold, if one was given

    def to_dict(self) -> dict:
        return asdict(self)


def _class_distributions(classes: np.ndarray, codes: np.ndarray,
                         m: int) -> tuple[np.ndarray, np.ndarray]:
    n_classes = int(classes.max()) + 1
    counts = np.bincount(classes * m + codes, minlength=n_classes * m).reshape(n_classes, m)
    per_class = counts / counts.sum(axis=1, keepdims=True)
    overall = counts.sum(axis=0) / counts.sum()
    return per_class, overall


def t_closeness(
    df: pd.DataFrame,
    quasi_identifiers: Sequence[str],
    sensitive: str,
    *,
    distance: str = "equal",
    order: Sequence | None = None,
    t_threshold: float | None = None,
) -> TCloseness:
    """The t of a table for one sensitive attribute.

    `distance="equal"`: every two categories are distance 1 apart. `distance="ordered"`:
    values are ranked (by `order` if given, else numerically or lexically) and adjacent
    ranks are 1/(m-1) apart. A missing sensitive value counts as a category of its own
    (first in the order).
    """
    _require_columns(df, [*quasi_identifiers, sensitive])
    if len(df) == 0:
        return TCloseness(sensitive, 0.0, distance, 0, 0)
    values = df[sensitive]
    if distance == "equal":
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        m = max(len(uniques), 1)
    elif distance == "ordered":
        codes, m = _ordered_codes(values, order)
    else:
        raise RiskInputError(f"t-closeness distance must be 'equal' or 'ordered', got {distance!r}")
    classes = equivalence_classes(df, quasi_identifiers)
    per_class, overall = _class_distributions(classes, codes.astype(np.int64), m)
    difference = per_class - overall
    if distance == "equal" or m == 1:
        emd = 0.5 * np.abs(difference).sum(axis=1)
    else:
        emd = np.abs(np.cumsum(difference, axis=1)).sum(axis=1) / (m - 1)
    t = float(emd.max())
    over = int((emd > t_threshold + 1e-12).sum()) if t_threshold is not None else 0
    return TCloseness(sensitive, t, distance, len(emd), over)


def _ordered_codes(values: pd.Series, order: Sequence | None) -> tuple[np.ndarray, int]:
    """Rank of each value in its order (nulls first) and the number of ranks."""
    if order is not None:
        ranks = {v: i + 1 for i, v in enumerate(order)}
        missing = set(values.dropna().unique()) - set(ranks)
        if missing:
            raise RiskInputError(
                f"t-closeness order lacks value(s) {sorted(map(str, missing))[:5]} of "
                f"{values.name!r}")
        codes = values.map(ranks).fillna(0).to_numpy(dtype=np.int64)
        if not values.isna().any():
            return codes - 1, max(len(order), 1)
        return codes, len(order) + 1
    numeric = pd.to_numeric(values, errors="coerce")
    if numeric.notna().sum() == values.notna().sum():
        values = numeric
    distinct = np.sort(np.asarray(pd.unique(values.dropna())))
    rank_of = pd.Series(np.arange(1, len(distinct) + 1), index=distinct)
    codes = values.map(rank_of).fillna(0).to_numpy(dtype=np.int64)
    has_null = bool(values.isna().any())
    if not has_null:
        return codes - 1, max(len(distinct), 1)
    return codes, len(distinct) + 1


@dataclass(frozen=True)
class PopulationRisk:
    """Risks against a population the published table is a sample of."""

    journalist_risk_max: float  # 1 / smallest population class matching a published record
    journalist_risk_avg: float  # mean over published records of 1 / population class size
    journalist_records_at_risk_share: float  # published records whose population class < k
    marketer_risk: float  # expected share of published records re-identified: sum(f/F) / n
    marketer_risk_sample_only: float  # the same with the table as its own population: J / n
    n_records: int
    population_size: int
    k_threshold: int

    def to_dict(self) -> dict:
        return asdict(self)


def _population_counts(sample: pd.DataFrame, population: pd.DataFrame,
                       quasi_identifiers: Sequence[str], count_column: str | None
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per published record: its class in the sample, the sample class sizes and the
    matching population class size (at least the sample's own)."""
    qis = list(quasi_identifiers)
    _require_columns(sample, qis)
    _require_columns(population, qis + ([count_column] if count_column else []))
    weights = (population[count_column].to_numpy(dtype=np.int64) if count_column
               else np.ones(len(population), dtype=np.int64))
    both = pd.concat([sample[qis], population[qis]], ignore_index=True)
    codes = equivalence_classes(both, qis)
    sample_codes, population_codes = codes[:len(sample)], codes[len(sample):]
    n_codes = int(codes.max()) + 1 if len(codes) else 0
    f = np.bincount(sample_codes, minlength=n_codes)
    big_f = np.bincount(population_codes, weights=weights, minlength=n_codes).astype(np.int64)
    # a population that misses a published record is incomplete: count the record itself
    big_f = np.maximum(big_f, f)
    return sample_codes, f, big_f


def population_risk(sample: pd.DataFrame, population: pd.DataFrame,
                    quasi_identifiers: Sequence[str], *, k_threshold: int = 5,
                    count_column: str | None = None) -> PopulationRisk:
    """Journalist and marketer risk of a published table drawn from `population` (records,
    or one row per combination with its size in `count_column`)."""
    sample_codes, f, big_f = _population_counts(sample, population, quasi_identifiers,
                                                count_column)
    n = len(sample)
    if n == 0:
        return PopulationRisk(0.0, 0.0, 0.0, 0.0, 0.0, 0, int(big_f.sum()), k_threshold)
    record_f = big_f[sample_codes]
    present = f > 0
    return PopulationRisk(
        journalist_risk_max=float(1.0 / record_f.min()),
        journalist_risk_avg=float((1.0 / record_f).mean()),
        journalist_records_at_risk_share=float((record_f < k_threshold).mean()),
        marketer_risk=float((f[present] / big_f[present]).sum() / n),
        marketer_risk_sample_only=float(present.sum() / n),
        n_records=n,
        population_size=int(len(population) if count_column is None
                            else population[count_column].sum()),
        k_threshold=k_threshold,
    )


@dataclass(frozen=True)
class DeltaPresence:
    delta_min: float  # smallest share of a population class that is published
    delta_max: float  # largest: the probability an individual is known to be in the table
    n_population_classes: int

    def satisfies(self, delta_min: float, delta_max: float) -> bool:
        return delta_min <= self.delta_min and self.delta_max <= delta_max

    def to_dict(self) -> dict:
        return asdict(self)


def delta_presence(sample: pd.DataFrame, population: pd.DataFrame,
                   quasi_identifiers: Sequence[str], *,
                   count_column: str | None = None) -> DeltaPresence:
    """(δmin, δmax) over the population's classes: δ = published / population records."""
    _, f, big_f = _population_counts(sample, population, quasi_identifiers, count_column)
    populated = big_f > 0
    if not populated.any():
        return DeltaPresence(0.0, 0.0, 0)
    delta = f[populated] / big_f[populated]
    return DeltaPresence(float(delta.min()), float(delta.max()), int(populated.sum()))
