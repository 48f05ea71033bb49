"""Which columns can single a person out: every column classified, undeclared
quasi-identifiers found, and the k each would give.

A quasi-identifier is a column that is not personal on its own but, combined with the
others, narrows a record down to few people: where (neighbourhood, postal area, ward),
when (a timestamp, a date) and who (age, sex, language). The spec declares its
quasi-identifiers; `undeclared_quasi_identifiers` checks that choice against the
published table so a forgotten geographic column or an exact timestamp cannot slip by.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from anonymization import patterns as pt
from anonymization.detection import PiiDetection, detect_pii
from anonymization.kinds import DIRECT_IDENTIFIERS, PiiKind
from anonymization.risk import compute_risk, equivalence_classes


class ColumnRole(StrEnum):
    DIRECT_IDENTIFIER = "direct_identifier"
    QUASI_IDENTIFIER = "quasi_identifier"
    SENSITIVE = "sensitive"
    OTHER = "other"


class QuasiKind(StrEnum):
    LOCATION = "location"
    TIME = "time"
    DEMOGRAPHIC = "demographic"


LOCATION_WORDS = frozenset({
    "neighbourhood", "neighborhood", "quartier", "ward", "district", "borough", "arrondissement",
    "city", "ville", "municipality", "municipalite", "town", "region", "area", "zone", "sector",
    "secteur", "postal", "postcode", "postalcode", "fsa", "zip", "zipcode", "zip3", "tract",
    "census", "block", "street", "rue", "intersection", "location", "lieu", "lat", "latitude",
    "lon", "lng", "longitude", "geom", "geometry", "precinct", "nc", "council", "province",
    "state", "county", "community", "village", "parish", "address", "adresse",
})
TIME_WORDS = frozenset({
    "date", "time", "timestamp", "datetime", "created", "closed", "opened", "updated",
    "submitted", "received", "resolved", "reported", "at", "on", "when", "year", "month", "day",
    "week", "hour", "heure", "jour", "mois", "annee", "semaine", "dt", "ts",
})
DEMOGRAPHIC_WORDS = frozenset({
    "age", "ages", "agerange", "agegroup", "sex", "gender", "genre", "sexe", "race", "ethnicity",
    "ethnic", "ethnie", "language", "langue", "marital", "maritalstatus", "education",
    "nationality", "citizenship", "country", "nativecountry", "birthplace", "household",
    "children", "dependents", "veteran", "indigenous", "immigrant", "immigration",
})
SENSITIVE_WORDS = frozenset({
    "diagnosis", "disease", "condition", "health", "medical", "sante", "religion", "religious",
    "orientation", "income", "salary", "salaryclass", "wage", "revenu", "disability",
    "handicap", "criminal", "offence", "offense", "charge", "conviction", "benefit", "welfare",
    "occupation", "hiv", "pregnancy", "union", "political",
})
# A duration or a count is not a point in time, whatever its name says.
NOT_TIME_WORDS = frozenset({"hours", "minutes", "seconds", "days", "duration", "elapsed",
                            "response", "count", "number", "total", "age"})
FSA = re.compile(r"^[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z]$")
# the detected kinds that make a column a quasi-identifier (the rest are direct identifiers)
QUASI_IDENTIFIER_KINDS = frozenset({PiiKind.POSTAL_CODE, PiiKind.COORDINATES, PiiKind.AGE,
                                    PiiKind.DATE_OF_BIRTH})


@dataclass(frozen=True)
class ColumnClass:
    column: str
    role: ColumnRole
    quasi_kind: QuasiKind | None
    reason: str
    distinct: int

    def to_dict(self) -> dict:
        return {"column": self.column, "role": str(self.role),
                "quasi_kind": str(self.quasi_kind) if self.quasi_kind else None,
                "reason": self.reason, "distinct": self.distinct}


def _looks_like_dates(series: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return True
    if not (pd.api.types.is_string_dtype(series.dtype) or series.dtype == object):
        return False
    sample = series.dropna().astype("str").head(200)
    dated = sample.str.contains("[0-9]{4}|[0-9]{1,2}[/-][0-9]{1,2}", regex=True)
    if sample.empty or not dated.all():
        return False
    parsed = pd.to_datetime(sample, errors="coerce", format="mixed")
    return bool(parsed.notna().mean() >= 0.9)


def classify_column(series: pd.Series, column: str,
                    detection: PiiDetection | None = None) -> ColumnClass:
    """The role of one column, from its name and content (and a PII detection if any)."""
    tokens = pt.column_tokens(column)
    distinct = int(series.nunique(dropna=True))
    if detection is not None:
        kinds = {detection.kind, *detection.contains}
        direct = kinds & DIRECT_IDENTIFIERS
        if detection.kind in DIRECT_IDENTIFIERS or (detection.kind is PiiKind.FREE_TEXT
                                                    and direct):
            return ColumnClass(column, ColumnRole.DIRECT_IDENTIFIER, None,
                               f"holds {', '.join(sorted(map(str, direct or kinds)))}", distinct)
        if detection.kind in (PiiKind.POSTAL_CODE, PiiKind.COORDINATES):
            return ColumnClass(column, ColumnRole.QUASI_IDENTIFIER, QuasiKind.LOCATION,
                               f"holds {detection.kind}", distinct)
        if detection.kind in (PiiKind.AGE, PiiKind.DATE_OF_BIRTH):
            return ColumnClass(column, ColumnRole.QUASI_IDENTIFIER, QuasiKind.DEMOGRAPHIC,
                               f"holds {detection.kind}", distinct)
    if tokens & SENSITIVE_WORDS:
        return ColumnClass(column, ColumnRole.SENSITIVE, None,
                           f"name says {min(tokens & SENSITIVE_WORDS)}", distinct)
    if tokens & DEMOGRAPHIC_WORDS:
        return ColumnClass(column, ColumnRole.QUASI_IDENTIFIER, QuasiKind.DEMOGRAPHIC,
                           f"name says {min(tokens & DEMOGRAPHIC_WORDS)}", distinct)
    if tokens & LOCATION_WORDS:
        return ColumnClass(column, ColumnRole.QUASI_IDENTIFIER, QuasiKind.LOCATION,
                           f"name says {min(tokens & LOCATION_WORDS)}", distinct)
    text = series.dropna().astype("str").head(500)
    if len(text) and text.str.upper().str.strip().map(lambda v: bool(FSA.match(v))).mean() >= 0.9:
        return ColumnClass(column, ColumnRole.QUASI_IDENTIFIER, QuasiKind.LOCATION,
                           "values are postal areas (FSA)", distinct)
    if _looks_like_dates(series):
        return ColumnClass(column, ColumnRole.QUASI_IDENTIFIER, QuasiKind.TIME,
                           "values are dates or timestamps", distinct)
    if tokens & TIME_WORDS and not tokens & NOT_TIME_WORDS and not pd.api.types.is_float_dtype(
            series.dtype):
        return ColumnClass(column, ColumnRole.QUASI_IDENTIFIER, QuasiKind.TIME,
                           f"name says {min(tokens & TIME_WORDS)}", distinct)
    return ColumnClass(column, ColumnRole.OTHER, None, "no sign of personal information",
                       distinct)


def classify_columns(df: pd.DataFrame, *,
                     detections: Sequence[PiiDetection] | None = None) -> list[ColumnClass]:
    """Every column's role: direct identifier, quasi-identifier (location, time,
    demographic), sensitive, or other."""
    if detections is None:
        detections = detect_pii(df)
    by_column = {d.column: d for d in detections}
    return [classify_column(df[c], str(c), by_column.get(str(c))) for c in df.columns]


@dataclass(frozen=True)
class UndeclaredQuasiIdentifier:
    """A likely quasi-identifier the spec neither declares nor accepts, and what it costs."""

    column: str
    quasi_kind: QuasiKind
    reason: str
    k_declared: int  # smallest class over the declared quasi-identifiers
    k_with_column: int  # smallest class once this column is added to them
    records_at_risk_share: float  # records in classes under k_threshold, column added
    unique_records: int  # records alone in their class, column added

    def message(self, k_threshold: int) -> str:
        return (f"{self.column!r} looks like a {self.quasi_kind} quasi-identifier "
                f"({self.reason}) but is not declared: with it, k = {self.k_with_column} "
                f"(declared only: {self.k_declared}), {self.records_at_risk_share:.1%} of records "
                f"in classes under {k_threshold}, {self.unique_records:,} unique")

    def to_dict(self) -> dict:
        return {"column": self.column, "quasi_kind": str(self.quasi_kind), "reason": self.reason,
                "k_declared": self.k_declared, "k_with_column": self.k_with_column,
                "records_at_risk_share": self.records_at_risk_share,
                "unique_records": self.unique_records}


def undeclared_quasi_identifiers(
    df: pd.DataFrame,
    declared: Iterable[str],
    accepted: Iterable[str] = (),
    *,
    k_threshold: int = 5,
    classes: Sequence[ColumnClass] | None = None,
) -> list[UndeclaredQuasiIdentifier]:
    """Published columns that look like quasi-identifiers, are neither declared nor
    explicitly accepted, with the k each would give added to the declared ones."""
    declared = [c for c in declared if c in df.columns]
    skip = set(declared) | set(accepted)
    if classes is None:
        classes = classify_columns(df)
    base = equivalence_classes(df, declared)
    k_declared = int(np.bincount(base).min()) if len(df) else 0
    found = []
    for item in classes:
        if item.role is not ColumnRole.QUASI_IDENTIFIER or item.column in skip:
            continue
        risk = compute_risk(df, [*declared, item.column], k_threshold=k_threshold)
        combined = equivalence_classes(df, [*declared, item.column])
        unique = int((np.bincount(combined) == 1).sum()) if len(df) else 0
        found.append(UndeclaredQuasiIdentifier(
            column=item.column, quasi_kind=item.quasi_kind or QuasiKind.LOCATION,
            reason=item.reason, k_declared=k_declared, k_with_column=risk.k,
            records_at_risk_share=risk.records_at_risk_share, unique_records=unique,
        ))
    return sorted(found, key=lambda u: (u.k_with_column, -u.records_at_risk_share))
