"""The quality report card of a candidate: six dimensions, a score, a grade, and advice.

Dimensions, each scored 0-100, and their weights in the overall score:

| dimension    | weight | score                                                              |
| ------------ | -----: | ------------------------------------------------------------------ |
| completeness |   0.25 | 100 x share of non-empty cells (rows x columns)                    |
| validity     |   0.25 | 100 x share of the dictionary's values passing all its rules       |
| consistency  |   0.15 | 100 x mean pass share of the spec's cross-field rules              |
| timeliness   |   0.15 | 100 while the newest record is at most 1.5 update intervals old,   |
|              |        | falling linearly to 0 at 4 intervals                               |
| uniqueness   |   0.10 | 100 x (1 - duplicate row share) x (1 - duplicated key share)       |
| dbt tests    |   0.10 | 100 x share of dbt tests passing (warn counts as passing)          |

A dimension with nothing to assess (no consistency rules, no timestamp column or update
frequency, no dbt results) is shown as "not assessed" and left out; the weights of the
others are rescaled to sum to 1. Grade: A >= 90, B >= 80, C >= 70, D >= 60, else F.

A consistency rule that cannot be evaluated (a typo, a missing column) scores 0: a broken
promise must not read as a kept one. Rows where a column the rule reads is empty are not
counted against it (completeness covers them).

Recommendations are generated from the figures and name columns, values and counts, e.g.
"column `closed_at` is 40% empty for status=closed": empty values are looked at per value
of every low-cardinality column, so a column that is empty by design for some groups
(closed_at of open requests) is not reported, while a gap inside a group is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from metadata.dictionary import TEMPORAL_TYPES, DataDictionary
from metadata.specs import ConsistencyRule, Validation
from metadata.update_frequency import describe_interval, expected_update_interval
from quality.validation import ValidationOutcome, validate

WEIGHTS = {
    "completeness": 0.25,
    "validity": 0.25,
    "consistency": 0.15,
    "timeliness": 0.15,
    "uniqueness": 0.10,
    "dbt_tests": 0.10,
}
GRADES = ((90, "A"), (80, "B"), (70, "C"), (60, "D"), (0, "F"))
TIMELINESS_GRACE_INTERVALS = 1.5
TIMELINESS_ZERO_INTERVALS = 4.0

# completeness advice
EMPTY_SHARE_WORTH_REPORTING = 0.05
STRUCTURALLY_EMPTY_SHARE = 0.95
EXPLAINS_EMPTY_SHARE = 0.25
STANDS_OUT_BY = 0.15
MIN_GROUP_ROWS = 20
MAX_GROUP_VALUES = 12
MAX_RECOMMENDATIONS_PER_DIMENSION = 8

DBT_PASSING = {"pass", "success", "warn"}
DBT_FAILING = {"fail", "error", "runtime error"}


@dataclass
class DimensionScore:
    score: float | None  # None when not assessed
    weight: float
    summary: str
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def assessed(self) -> bool:
        return self.score is not None


@dataclass
class QualityReport:
    """A quality report card; to_dict() is what the catalogue stores and the API serves."""

    overall_score: float
    grade: str
    dimensions: dict[str, DimensionScore]
    recommendations: list[str]
    row_count: int
    column_count: int
    generated_at: str

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for name, dimension in self.dimensions.items():
            data["dimensions"][name]["assessed"] = dimension.assessed
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> QualityReport:
        fields = dict(data)
        fields["dimensions"] = {
            name: DimensionScore(**{k: v for k, v in dim.items() if k != "assessed"})
            for name, dim in data["dimensions"].items()
        }
        return cls(**fields)

    def to_markdown(self) -> str:
        lines = [
            f"### Quality: {self.grade} ({self.overall_score:.0f}/100)",
            "",
            f"{self.row_count:,} rows, {self.column_count} columns; assessed {self.generated_at}.",
            "",
            "| dimension | score | weight | summary |",
            "| --- | ---: | ---: | --- |",
        ]
        for name, dim in self.dimensions.items():
            score = _score_text(dim.score) if dim.score is not None else "not assessed"
            lines.append(f"| {name.replace('_', ' ')} | {score} | {dim.weight:.2f} | "
                         f"{dim.summary.replace('|', '/')} |")
        if self.recommendations:
            lines += ["", "**Recommendations**", ""]
            lines += [f"- {text}" for text in self.recommendations]
        return "\n".join(lines)


def _score_text(score: float) -> str:
    return f"{score:.0f}" if score == round(score) else f"{score:.1f}"


def grade_for(score: float) -> str:
    for floor, letter in GRADES:
        if score >= floor:
            return letter
    return "F"


def quality_report(
    df: pd.DataFrame,
    *,
    dictionary: DataDictionary,
    validation_outcome: ValidationOutcome | None = None,
    spec_validation: Validation | None = None,
    schedule: str | None = None,
    update_frequency: str | None = None,
    now: datetime | None = None,
    dbt_test_results: Sequence[Mapping[str, Any]] | None = None,
    last_updated: datetime | None = None,
    timestamp_resolution: str | None = None,
) -> QualityReport:
    """Score `df` on every dimension and write concrete recommendations.

    validation_outcome: the result of `validation.validate` (run here when omitted).
    spec_validation: the spec's `validation:` block (consistency rules, timestamp column).
    schedule / update_frequency: the spec's cron schedule and `metadata.update_frequency`.
    last_updated: when the data was extracted; used for timeliness when the spec names no
    timestamp column.
    timestamp_resolution: the period ("hour", "day", "week", "month", "year") the timestamp
    column was generalized to; a generalized timestamp stands for its whole period, so the
    newest record may be as late as that period's end.
    """
    spec_validation = spec_validation or Validation()
    now_utc = _utc(now or datetime.now(UTC))
    if validation_outcome is None:
        validation_outcome = validate(df, dictionary)

    recommendations: list[str] = []
    dimensions = {
        "completeness": _completeness(df, dictionary, recommendations),
        "validity": _validity(validation_outcome, recommendations),
        "consistency": _consistency(df, spec_validation.consistency, recommendations),
        "timeliness": _timeliness(df, spec_validation.timestamp_column, now_utc,
                                  expected_update_interval(update_frequency, schedule),
                                  last_updated, recommendations,
                                  resolution=timestamp_resolution),
        "uniqueness": _uniqueness(df, dictionary, recommendations),
        "dbt_tests": _dbt_tests(dbt_test_results, recommendations),
    }
    scored = [(dim.score, dim.weight) for dim in dimensions.values() if dim.score is not None]
    total_weight = sum(weight for _, weight in scored)
    overall = (
        sum(score * weight for score, weight in scored) / total_weight if total_weight else 0.0
    )
    return QualityReport(
        overall_score=round(overall, 1),
        grade=grade_for(overall),
        dimensions=dimensions,
        recommendations=recommendations,
        row_count=len(df),
        column_count=df.shape[1],
        generated_at=now_utc.isoformat(),
    )


def _utc(moment: datetime | pd.Timestamp) -> pd.Timestamp:
    stamp = pd.Timestamp(moment)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _pct(share: float) -> str:
    """A share as a percentage that never rounds a real problem away to 0% or 100%."""
    if 0 < share < 0.01:
        return "<1%"
    if 0.99 < share < 1:
        return ">99%"
    return f"{share:.0%}"


def _rows(count: int) -> str:
    return f"{count:,} row" + ("" if count == 1 else "s")


# --- completeness ------------------------------------------------------------------------


def _group_columns(df: pd.DataFrame, dictionary: DataDictionary) -> dict[str, tuple]:
    """Low-cardinality columns to look at empty values by: name -> (codes, labels)."""
    groups = {}
    known = {entry.name: entry for entry in dictionary.columns}
    for name in df.columns:
        entry = known.get(name)
        few_values = entry is not None and (
            (entry.allowed_values is not None and len(entry.allowed_values) <= MAX_GROUP_VALUES)
            or entry.type == "boolean"
            or (entry.distinct_count is not None and entry.distinct_count <= MAX_GROUP_VALUES
                and entry.type not in ("number", *TEMPORAL_TYPES))
        )
        if not few_values:
            continue
        codes, labels = pd.factorize(df[name], use_na_sentinel=True)
        if 1 < len(labels) <= MAX_GROUP_VALUES:
            groups[str(name)] = (codes, labels)
    return groups


def _completeness(
    df: pd.DataFrame, dictionary: DataDictionary, recommendations: list[str]
) -> DimensionScore:
    rows, cols = df.shape
    if rows == 0 or cols == 0:
        return DimensionScore(None, WEIGHTS["completeness"], "no data to assess")
    null_counts = df.isna().sum()
    filled = {str(c): 1.0 - int(n) / rows for c, n in null_counts.items()}
    overall = 1.0 - int(null_counts.sum()) / (rows * cols)
    findings = _empty_value_findings(df, dictionary, null_counts)
    findings.sort(key=lambda item: -item[0])
    recommendations += [text for _, text in findings[:MAX_RECOMMENDATIONS_PER_DIMENSION]]
    emptiest = min(filled, key=filled.__getitem__)
    summary = f"{overall:.1%} of cells filled"
    if filled[emptiest] < 1:
        summary += f"; emptiest column `{emptiest}` ({_pct(filled[emptiest])} filled)"
    return DimensionScore(
        round(100 * overall, 1), WEIGHTS["completeness"], summary,
        {"overall_filled_share": overall, "filled_share_by_column": filled},
    )


def _empty_value_findings(
    df: pd.DataFrame, dictionary: DataDictionary, null_counts: pd.Series
) -> list[tuple[int, str]]:
    """(affected rows, advice) for columns and groups with unexpected empty values."""
    rows = len(df)
    groups = _group_columns(df, dictionary)
    findings: list[tuple[int, str]] = []
    for name, null_count in null_counts.items():
        null_count = int(null_count)
        if null_count == 0:
            continue
        name = str(name)
        empty = df[name].isna().to_numpy()
        overall = null_count / rows
        by_group = {
            group: _empty_share_by_value(empty, codes, labels)
            for group, (codes, labels) in groups.items()
            if group != name
        }
        explaining = _best_structural_group(by_group, null_count)
        if explaining is not None:
            # empty by design for some values of `explaining`: report gaps in the others
            for label, (share, empties, _) in by_group[explaining].items():
                if EMPTY_SHARE_WORTH_REPORTING <= share < STRUCTURALLY_EMPTY_SHARE:
                    text = (f"column `{name}` is {_pct(share)} empty for {explaining}={label} "
                            f"({_rows(empties)})")
                    findings.append((empties, text))
            continue
        if overall >= EMPTY_SHARE_WORTH_REPORTING:
            text = f"column `{name}` is {_pct(overall)} empty ({_rows(null_count)})"
            findings.append((null_count, text))
        for group, shares in by_group.items():
            for label, (share, empties, _) in shares.items():
                if share - overall >= STANDS_OUT_BY and share >= EMPTY_SHARE_WORTH_REPORTING:
                    text = (f"column `{name}` is {_pct(share)} empty for {group}={label} "
                            f"against {_pct(overall)} overall")
                    findings.append((empties, text))
    return findings


def _empty_share_by_value(
    empty: np.ndarray, codes: np.ndarray, labels: Any
) -> dict[Any, tuple[float, int, int]]:
    """label -> (empty share, empty rows, rows) for groups of at least MIN_GROUP_ROWS rows."""
    size = len(labels) + 1  # code -1 (empty group value) goes to bin 0
    totals = np.bincount(codes + 1, minlength=size)
    empties = np.bincount(codes + 1, weights=empty, minlength=size).astype(int)
    out = {}
    for code, label in enumerate(labels, start=1):
        if totals[code] >= MIN_GROUP_ROWS:
            out[label] = (empties[code] / totals[code], int(empties[code]), int(totals[code]))
    return out


def _best_structural_group(by_group: dict[str, dict], null_count: int) -> str | None:
    """The group column that explains the empty values best: some of its values are
    (nearly) all empty, holding at least EXPLAINS_EMPTY_SHARE of the empty values, while
    others are not — closed_at empty by design for open requests, even when a gap among
    closed ones holds more empty values than the design does."""
    best, best_share = None, EXPLAINS_EMPTY_SHARE
    for group, shares in by_group.items():
        structural = sum(e for share, e, _ in shares.values() if share >= STRUCTURALLY_EMPTY_SHARE)
        filled_values = any(share < STRUCTURALLY_EMPTY_SHARE for share, _, _ in shares.values())
        if filled_values and structural / null_count >= best_share:
            best, best_share = group, structural / null_count
    return best


# --- validity -----------------------------------------------------------------------------


def _validity(outcome: ValidationOutcome, recommendations: list[str]) -> DimensionScore:
    share = outcome.valid_share
    advice = []
    examples: dict[str, Any] = {}
    for case in outcome.failure_cases:
        examples.setdefault(f"{case['column']}:{case['rule']}", case["value"])
    for rule, count in sorted(outcome.failure_counts.items(), key=lambda kv: -kv[1]):
        column, _, check = rule.partition(":")
        example = examples.get(rule)
        eg = f" (e.g. {example!r})" if example is not None else ""
        text = {
            "present": f"column `{column}` is missing: the data dictionary expects it",
            "unexpected": f"column `{column}` is not in the data dictionary: document or "
                          "drop it",
            "not_null": f"column `{column}` has {count:,} empty values but must never be empty",
            "unique": f"column `{column}` must be unique but {_rows(count)} share a value "
                      "with another row",
            "allowed_values": f"column `{column}` has {count:,} values outside its allowed "
                              f"values{eg}",
            "minimum": f"column `{column}` has {count:,} values below its minimum{eg}",
            "maximum": f"column `{column}` has {count:,} values above its maximum{eg}",
            "type": f"column `{column}` has {count:,} values of the wrong type{eg}",
        }.get(check, f"rule `{rule}` failed {count:,} times")
        advice.append(text)
    recommendations += advice[:MAX_RECOMMENDATIONS_PER_DIMENSION]
    summary = f"{share:.1%} of values pass the dictionary's rules"
    if not outcome.passed:
        summary += f"; {len(outcome.failure_counts)} rule(s) failing"
    return DimensionScore(
        round(100 * share, 1), WEIGHTS["validity"], summary,
        {"valid_share": share, "passed": outcome.passed,
         "failure_counts": dict(outcome.failure_counts)},
    )


# --- consistency --------------------------------------------------------------------------

_IDENTIFIER = re.compile(r"`([^`]+)`|\b([A-Za-z_][A-Za-z0-9_]*)\b")
_SIMPLE_COMPARISON = re.compile(r"^\s*`?(\w+)`?\s*(>=|<=|==|!=|>|<)\s*`?(\w+)`?\s*$")
_BROKEN = {  # what a failing row shows, for `a OP b`: (temporal words, other words)
    ">=": ("before", "less than"),
    ">": ("not after", "not greater than"),
    "<=": ("after", "greater than"),
    "<": ("not before", "not less than"),
    "==": ("different from", "different from"),
    "!=": ("equal to", "equal to"),
}


class ConsistencyRuleError(ValueError):
    """A consistency rule's expression cannot be evaluated on the data."""


def _referenced_columns(expression: str, df: pd.DataFrame) -> list[str]:
    names = {quoted or bare for quoted, bare in _IDENTIFIER.findall(expression)}
    return [str(c) for c in df.columns if str(c) in names]


def _evaluate_mask(df: pd.DataFrame, expression: str) -> np.ndarray:
    try:
        result = df.eval(expression, engine="python")
    except (NameError, SyntaxError, TypeError, ValueError, KeyError, AttributeError) as exc:
        raise ConsistencyRuleError(f"`{expression}` cannot be evaluated: {exc}") from exc
    if not isinstance(result, pd.Series) or not (
        pd.api.types.is_bool_dtype(result.dtype) or result.dtype == object
    ):
        raise ConsistencyRuleError(f"`{expression}` does not give true/false for every row")
    return result.fillna(False).to_numpy(dtype=bool)


def evaluate_consistency_rule(df: pd.DataFrame, rule: ConsistencyRule) -> dict[str, Any]:
    """Rows where the rule applies, where it fails, and its pass share (1.0 if none apply)."""
    applies = np.ones(len(df), dtype=bool)
    if rule.where:
        applies &= _evaluate_mask(df, rule.where)
    holds = _evaluate_mask(df, rule.expression)
    for column in _referenced_columns(rule.expression, df):
        applies &= df[column].notna().to_numpy()
    applicable = int(applies.sum())
    failing = int((applies & ~holds).sum())
    return {
        "name": rule.name,
        "expression": rule.expression,
        "where": rule.where,
        "applicable_rows": applicable,
        "failing_rows": failing,
        "pass_share": 1.0 - failing / applicable if applicable else 1.0,
        "error": None,
    }


def _describe_broken_rule(df: pd.DataFrame, rule: ConsistencyRule, failing: int) -> str:
    where = f" where {rule.where}" if rule.where else ""
    match = _SIMPLE_COMPARISON.match(rule.expression)
    if match and match.group(1) in df.columns:
        left, op, right = match.groups()
        temporal = pd.api.types.is_datetime64_any_dtype(df[left].dtype)
        words = _BROKEN[op][0 if temporal else 1]
        return f"{_rows(failing)} have {left} {words} {right}{where} (rule `{rule.name}`)"
    what = rule.description or rule.expression
    return f"{_rows(failing)} break rule `{rule.name}` ({what}){where}"


def _consistency(
    df: pd.DataFrame, rules: Sequence[ConsistencyRule], recommendations: list[str]
) -> DimensionScore:
    if not rules:
        return DimensionScore(None, WEIGHTS["consistency"], "no consistency rules in the spec")
    results = []
    for rule in rules:
        try:
            result = evaluate_consistency_rule(df, rule)
        except ConsistencyRuleError as exc:
            result = {"name": rule.name, "expression": rule.expression, "where": rule.where,
                      "applicable_rows": 0, "failing_rows": 0, "pass_share": 0.0,
                      "error": str(exc)}
            recommendations.append(f"consistency rule `{rule.name}` could not be checked: {exc}")
        else:
            if result["failing_rows"]:
                recommendations.append(_describe_broken_rule(df, rule, result["failing_rows"]))
        results.append(result)
    mean_share = float(np.mean([r["pass_share"] for r in results]))
    broken = sum(1 for r in results if r["failing_rows"] or r["error"])
    summary = f"{broken} of {len(results)} rule(s) broken" if broken else (
        f"all {len(results)} rule(s) hold")
    return DimensionScore(round(100 * mean_share, 1), WEIGHTS["consistency"], summary,
                          {"rules": results})


# --- timeliness ---------------------------------------------------------------------------


def _newest_timestamp(series: pd.Series) -> tuple[pd.Timestamp | None, pd.Series]:
    stamps = pd.to_datetime(series, errors="coerce", utc=True, format="mixed") if not (
        pd.api.types.is_datetime64_any_dtype(series.dtype)) else series
    if getattr(stamps.dt, "tz", None) is None:
        stamps = stamps.dt.tz_localize("UTC")  # naive timestamps are read as UTC
    newest = stamps.max()
    return (None if pd.isna(newest) else newest.tz_convert("UTC")), stamps


def _period_end(start: pd.Timestamp, resolution: str | None) -> pd.Timestamp:
    """How far a timestamp generalized to `resolution` (the period's start) may reach."""
    if resolution == "hour":
        return start + pd.Timedelta(hours=1)
    if resolution == "day":
        return start + pd.Timedelta(days=1)
    if resolution == "week":
        return start + pd.Timedelta(weeks=1)
    if resolution == "month":
        return start + pd.Timedelta(days=start.days_in_month - start.day + 1)
    if resolution == "year":
        return start + pd.Timedelta(days=(366 if start.is_leap_year else 365)
                                    - start.day_of_year + 1)
    return start


def _timeliness(
    df: pd.DataFrame,
    timestamp_column: str | None,
    now: pd.Timestamp,
    interval: timedelta | None,
    last_updated: datetime | None,
    recommendations: list[str],
    *,
    resolution: str | None = None,
) -> DimensionScore:
    weight = WEIGHTS["timeliness"]
    details: dict[str, Any] = {
        "timestamp_column": timestamp_column,
        "expected_interval_days": interval / timedelta(days=1) if interval else None,
    }
    newest = None
    if timestamp_column:
        if timestamp_column not in df.columns:
            recommendations.append(
                f"timestamp column `{timestamp_column}` named in the spec is not in the data"
            )
            return DimensionScore(None, weight, "timestamp column missing", details)
        newest, stamps = _newest_timestamp(df[timestamp_column])
        future = int((stamps > now + pd.Timedelta(days=1)).sum())
        if future and newest is not None:
            recommendations.append(
                f"{_rows(future)} have `{timestamp_column}` in the future (latest "
                f"{newest.date().isoformat()})"
            )
        what = "newest record"
    elif last_updated is not None:
        newest, what = _utc(last_updated), "data"
    else:
        return DimensionScore(None, weight, "no timestamp column or update time", details)
    if newest is None:
        recommendations.append(f"column `{timestamp_column}` holds no timestamps")
        return DimensionScore(0.0, weight, "no timestamps", details)

    if resolution is not None:
        newest = min(_period_end(newest, resolution), now)
        details["resolution"] = resolution
    age = max(now - newest, pd.Timedelta(0))
    age_days = age / pd.Timedelta(days=1)
    details.update({"newest": newest.isoformat(), "age_days": age_days})
    if interval is None:
        return DimensionScore(None, weight,
                              f"{what} is {_age(age_days)} old; no update frequency to judge by",
                              details)
    lag = age / pd.Timedelta(interval)
    details["age_in_intervals"] = lag
    if lag <= TIMELINESS_GRACE_INTERVALS:
        score = 100.0
    else:
        span = TIMELINESS_ZERO_INTERVALS - TIMELINESS_GRACE_INTERVALS
        score = max(0.0, 100.0 * (TIMELINESS_ZERO_INTERVALS - lag) / span)
        recommendations.append(
            f"{what} is {_age(age_days)} old but the dataset is updated "
            f"{describe_interval(interval)}"
        )
    return DimensionScore(round(score, 1), weight,
                          f"{what} is {_age(age_days)} old ({lag:.1f} update intervals)",
                          details)


def _age(days: float) -> str:
    if days < 2:
        hours = days * 24
        return f"{hours:.0f} hour" + ("" if round(hours) == 1 else "s")
    return f"{days:.0f} days"


# --- uniqueness ---------------------------------------------------------------------------


def _row_hashes(df: pd.DataFrame) -> np.ndarray:
    """A 64-bit hash per row over every hashable column (geometry and lists are skipped)."""
    combined: np.ndarray = np.zeros(len(df), dtype=np.uint64)
    for position, name in enumerate(df.columns):
        series = df[name]
        if str(series.dtype) == "geometry":
            continue
        try:
            hashed = pd.util.hash_pandas_object(series, index=False).to_numpy(np.uint64)
        except TypeError:
            continue
        # mix the column position in so (a, b) and (b, a) differ
        combined = combined * np.uint64(1_000_003) ^ (hashed + np.uint64(position))
    return combined


def _uniqueness(
    df: pd.DataFrame, dictionary: DataDictionary, recommendations: list[str]
) -> DimensionScore:
    weight = WEIGHTS["uniqueness"]
    rows = len(df)
    if rows == 0:
        return DimensionScore(None, weight, "no data to assess")
    duplicate_rows = int(pd.Series(_row_hashes(df)).duplicated().sum())
    keys = [e.name for e in dictionary.columns if e.unique and e.name in df.columns]
    duplicated_keys = {
        key: int(df[key].dropna().duplicated().sum()) for key in keys
    }
    worst_key_share = max(duplicated_keys.values(), default=0) / rows
    row_share = duplicate_rows / rows
    if duplicate_rows:
        recommendations.append(
            f"{_rows(duplicate_rows)} ({_pct(row_share)}) are exact copies of another row"
        )
    for key, count in duplicated_keys.items():
        if count:
            recommendations.append(
                f"key `{key}` has {count:,} duplicated values ({_pct(count / rows)} of rows)"
            )
    score = 100.0 * (1 - row_share) * (1 - worst_key_share)
    summary = (f"{_pct(row_share)} duplicate rows; keys "
               + (", ".join(f"`{k}`" for k in keys) if keys else "none declared")
               + (" unique" if keys and not any(duplicated_keys.values())
                  else " with duplicates" if keys else ""))
    return DimensionScore(round(score, 1), weight, summary,
                          {"duplicate_rows": duplicate_rows, "duplicate_row_share": row_share,
                           "duplicated_key_values": duplicated_keys})


# --- dbt tests ----------------------------------------------------------------------------


def _dbt_tests(
    results: Sequence[Mapping[str, Any]] | None, recommendations: list[str]
) -> DimensionScore:
    weight = WEIGHTS["dbt_tests"]
    if not results:
        return DimensionScore(None, weight, "no dbt test results")
    passed, failed, warned, skipped = [], [], [], []
    for result in results:
        name = str(result.get("name") or result.get("unique_id") or "unnamed test")
        status = str(result.get("status", "")).lower()
        if status in DBT_FAILING:
            failed.append(name)
        elif status == "warn":
            warned.append(name)
        elif status in DBT_PASSING:
            passed.append(name)
        else:
            skipped.append(name)
    counted = len(passed) + len(warned) + len(failed)
    for name in failed[:MAX_RECOMMENDATIONS_PER_DIMENSION]:
        recommendations.append(f"dbt test `{name}` failed")
    if len(failed) > MAX_RECOMMENDATIONS_PER_DIMENSION:
        recommendations.append(
            f"… and {len(failed) - MAX_RECOMMENDATIONS_PER_DIMENSION} more failing dbt tests")
    for name in warned[:3]:
        recommendations.append(f"dbt test `{name}` passed with a warning")
    details = {"passed": len(passed), "warned": len(warned), "failed": len(failed),
               "skipped": len(skipped), "failed_tests": failed}
    if not counted:
        return DimensionScore(None, weight, f"{len(skipped)} dbt test(s) skipped", details)
    share = (len(passed) + len(warned)) / counted
    summary = f"{len(passed) + len(warned)} of {counted} dbt test(s) pass"
    return DimensionScore(round(100 * share, 1), weight, summary, details)
