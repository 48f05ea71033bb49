"""Apply a dataset's anonymization policy to a table and say what was done."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from anonymization import operators as ops
from anonymization.detection import PiiDetection, detect_pii
from anonymization.kinds import PiiKind
from anonymization.policy import (
    AggregateAreaRule,
    AnonymizationPolicy,
    DropRule,
    GeneralizeRule,
    KeepRule,
    MaskRule,
    PolicyError,
    PseudonymizeRule,
    RedactRule,
    parse_policy,
)
from anonymization.privacy_models import t_closeness
from anonymization.report import AnonymizationReport, AppliedStep
from anonymization.risk import compute_risk
from anonymization.utility import compute_utility

ALL_TEXT_KINDS = [k for k in PiiKind if k is not PiiKind.FREE_TEXT]


class UndeclaredPiiError(RuntimeError):
    """Personal information was found in columns the policy does not mention."""

    def __init__(self, detections: list[PiiDetection]):
        self.detections = detections
        listed = "; ".join(
            f"{d.column} ({d.kind}, confidence {d.confidence:.2f})" for d in detections
        )
        super().__init__(
            f"personal information found in column(s) the anonymization policy does not "
            f"mention: {listed}. Add a rule for each under `anonymization.columns` "
            "(drop, mask, pseudonymize, generalize, redact, or keep if it is not personal)."
        )


def anonymize(
    df: pd.DataFrame,
    policy: AnonymizationPolicy | Mapping[str, Any],
    *,
    boundaries=None,
    secret: str | bytes | None = None,
) -> tuple[pd.DataFrame, AnonymizationReport]:
    """Detect, transform, suppress and measure; the input frame is left untouched.

    `boundaries`: polygons for `aggregate_area` (GeoDataFrame or GeoJSON path) unless
    the rule names its own file. `secret`: the pseudonymization key (the library reads
    no environment; the pipeline passes $CIVIC_PSEUDONYM_KEY).
    """
    policy = parse_policy(policy)
    _check_columns_exist(df, policy)
    report = AnonymizationReport(rows_in=len(df), columns_in=[str(c) for c in df.columns])
    report.policy = {
        "k": policy.k, "l": policy.l, "suppression": policy.suppression,
        "quasi_identifiers": list(policy.quasi_identifiers),
        "sensitive_attributes": list(policy.sensitive_attributes),
        "accepted_quasi_identifiers": [a.model_dump() for a in policy.accepted_quasi_identifiers],
        "undeclared_pii": policy.undeclared_pii, "redact_free_text": policy.redact_free_text,
    }
    report.detected = detect_pii(
        df,
        sample_size=policy.detection.sample_size,
        seed=policy.detection.seed,
        min_confidence=policy.detection.min_confidence,
    )
    report.risk_before = _risk_before(df, policy, report)

    # copy-on-write (pandas 3): a shallow copy, columns replaced rather than mutated
    out = df.copy(deep=False)
    for column, rule in policy.columns.items():
        out = _apply_rule(out, column, rule, policy, report, boundaries=boundaries, secret=secret)
    out = _handle_undeclared(out, policy, report)

    missing = [c for c in policy.quasi_identifiers + policy.sensitive_attributes
               if c not in out.columns]
    if missing:
        raise PolicyError(
            f"anonymization.quasi_identifiers/sensitive_attributes: {', '.join(missing)} not in "
            f"the anonymized table (columns: {', '.join(map(str, out.columns))})"
        )
    if policy.quasi_identifiers:
        out = _suppress(out, policy, report)
        report.risk_after = compute_risk(
            out, policy.quasi_identifiers, policy.sensitive_attributes, k_threshold=policy.k
        )
        sources = {output: source for source, output in policy.output_names().items()}
        report.utility = compute_utility(
            df, out, {qi: sources.get(qi, qi) for qi in policy.quasi_identifiers})
        report.t_closeness = [
            t_closeness(out, policy.quasi_identifiers, s,
                        distance="ordered" if pd.api.types.is_numeric_dtype(out[s].dtype)
                        else "equal")
            for s in policy.sensitive_attributes
        ]
    report.rows_out = len(out)
    report.columns_out = [str(c) for c in out.columns]
    return out, report


def _check_columns_exist(df: pd.DataFrame, policy: AnonymizationPolicy) -> None:
    missing = [c for c in policy.mentioned_columns() if c not in df.columns]
    if missing:
        raise PolicyError(
            f"anonymization.columns: {', '.join(sorted(missing))} not in the table "
            f"(columns: {', '.join(map(str, df.columns))})"
        )


def _risk_before(df: pd.DataFrame, policy: AnonymizationPolicy, report: AnonymizationReport):
    """Risk of the input over the quasi-identifiers' source columns, where they exist."""
    if not policy.quasi_identifiers:
        return None
    source_of = {output: source for source, output in policy.output_names().items()}
    qis = []
    for qi in policy.quasi_identifiers:
        source = qi if qi in df.columns else source_of.get(qi)
        if source is None or source not in df.columns:
            report.warnings.append(
                f"quasi-identifier {qi!r} does not exist before anonymization; "
                "risk before is measured without it"
            )
            continue
        qis.append(source)
    sensitive = [s for s in policy.sensitive_attributes if s in df.columns]
    return compute_risk(df, qis, sensitive, k_threshold=policy.k)


def _apply_rule(out: pd.DataFrame, column: str, rule, policy: AnonymizationPolicy,
                report: AnonymizationReport, *, boundaries, secret) -> pd.DataFrame:
    series = out[column]
    try:
        if isinstance(rule, DropRule):
            report.steps.append(AppliedStep("drop", [column], "policy", {"columns_dropped": 1}))
            return out.drop(columns=[column])
        if isinstance(rule, KeepRule):
            if rule.reason:
                report.steps.append(AppliedStep("keep", [column], "policy",
                                                details={"reason": rule.reason}))
            return out
        if isinstance(rule, MaskRule):
            new, count = ops.mask(series, keep_last=rule.keep_last, keep_first=rule.keep_first,
                                  char=rule.char)
            report.steps.append(AppliedStep("mask", [column], "policy", {"values_masked": count}))
        elif isinstance(rule, PseudonymizeRule):
            key = ops.resolve_secret(secret)
            new, count = ops.pseudonymize(series, key, length=rule.length, prefix=rule.prefix,
                                          normalize=rule.normalize)
            report.steps.append(AppliedStep("pseudonymize", [column], "policy",
                                            {"values_pseudonymized": count}))
        elif isinstance(rule, GeneralizeRule):
            new, count = _generalize(series, rule)
            report.steps.append(AppliedStep("generalize", [column], "policy",
                                            {"values_generalized": count}, {"to": rule.to}))
        elif isinstance(rule, RedactRule):
            new, per_kind = ops.redact(series, rule.kinds)
            report.steps.append(_redact_step(column, series, new, per_kind, "policy"))
        elif isinstance(rule, AggregateAreaRule):
            return _aggregate(out, column, rule, report, boundaries, policy.boundaries)
        else:  # pragma: no cover - the policy model admits no other rule
            raise PolicyError(f"anonymization.columns.{column}: unknown rule {rule!r}")
    except (ops.OperatorError, ValueError, TypeError) as exc:
        if isinstance(exc, PolicyError):
            raise
        raise ops.OperatorError(f"anonymization.columns.{column} ({rule.operator}): {exc}") from exc

    out = out.assign(**{column: new})
    target = getattr(rule, "rename_to", None)
    if target:
        if target in out.columns:
            raise PolicyError(
                f"anonymization.columns.{column}.rename_to: {target!r} already exists"
            )
        out = out.rename(columns={column: target})
    return out


def _generalize(series: pd.Series, rule: GeneralizeRule) -> tuple[pd.Series, int]:
    if rule.to == "range":
        return ops.generalize_range(series, width=rule.width or 10, top=rule.top)
    if rule.to == "bins":
        return ops.generalize_bins(series, bins=rule.bins or [], labels=rule.labels)
    if rule.to == "fsa":
        return ops.generalize_postal(series)
    return ops.generalize_date(series, to=rule.to)


def _redact_step(column: str, before: pd.Series, after: pd.Series, per_kind, reason: str):
    changed = int((before.astype("str") != after.astype("str")).fillna(False).sum())
    return AppliedStep(
        "redact", [column], reason,
        {"values_redacted": sum(per_kind.values())},
        {"cells_changed": changed, "by_kind": {str(k): v for k, v in per_kind.items() if v}},
    )


def _aggregate(out: pd.DataFrame, column: str, rule: AggregateAreaRule,
               report: AnonymizationReport, boundaries, policy_boundaries) -> pd.DataFrame:
    # explicit `is None` tests: a GeoDataFrame has no truth value
    source = next((b for b in (rule.boundaries, boundaries, policy_boundaries) if b is not None),
                  None)
    if source is None:
        raise PolicyError(
            f"anonymization.columns.{column}: aggregate_area needs boundary polygons: set "
            "`boundaries:` to a GeoJSON path or pass boundaries= to anonymize()"
        )
    if rule.longitude:
        areas = ops.aggregate_to_area(out, source, latitude=column, longitude=rule.longitude,
                                      name_property=rule.name_property, crs=rule.crs)
        dropped = [column, rule.longitude]
    else:
        areas = ops.aggregate_to_area(out, source, point=column,
                                      name_property=rule.name_property, crs=rule.crs)
        dropped = [column]
    had_points = int(out[column].notna().sum())
    matched = int(areas.notna().sum())
    if rule.output in out.columns and rule.output not in dropped:
        report.warnings.append(
            f"aggregate_area replaced the existing column {rule.output!r} with area names "
            "from the boundary polygons"
        )
    out = out.drop(columns=dropped).assign(**{rule.output: areas})
    report.steps.append(AppliedStep(
        "aggregate_area", [*dropped, rule.output], "policy",
        {"values_aggregated": matched, "columns_dropped": len(dropped)},
        {"points_outside_areas": had_points - matched, "output": rule.output},
    ))
    return out


def _handle_undeclared(out: pd.DataFrame, policy: AnonymizationPolicy,
                       report: AnonymizationReport) -> pd.DataFrame:
    mentioned = policy.mentioned_columns()
    declared = set(policy.quasi_identifiers) | set(policy.sensitive_attributes)
    undeclared = []
    for detection in report.detected:
        column = detection.column
        if column in mentioned or column not in out.columns:
            continue
        if column in declared:
            report.warnings.append(
                f"{column!r} looks like {detection.kind} (confidence "
                f"{detection.confidence:.2f}) and is published as a declared quasi-identifier "
                "or sensitive attribute with no operator"
            )
            continue
        if detection.kind is PiiKind.FREE_TEXT and policy.redact_free_text:
            new, per_kind = ops.redact(out[column], ALL_TEXT_KINDS)
            report.steps.append(_redact_step(column, out[column], new, per_kind,
                                             "redact_free_text"))
            out = out.assign(**{column: new})
            continue
        undeclared.append(detection)
    if undeclared and policy.undeclared_pii == "fail":
        raise UndeclaredPiiError(undeclared)
    if undeclared:
        columns = [d.column for d in undeclared]
        report.steps.append(AppliedStep(
            "drop", columns, "undeclared_pii", {"columns_dropped": len(columns)},
            {"kinds": {d.column: str(d.kind) for d in undeclared}},
        ))
        out = out.drop(columns=columns)
    return out


def _suppress(out: pd.DataFrame, policy: AnonymizationPolicy,
              report: AnonymizationReport) -> pd.DataFrame:
    out, suppressed, removed = ops.suppress_small_cells(
        out, policy.quasi_identifiers, k=policy.k, mode=policy.suppression,
        sensitive=policy.sensitive_attributes, l=policy.l,
    )
    if policy.suppression == "rows":
        counts = {"rows_suppressed": suppressed}
    else:
        counts = {"values_suppressed": (suppressed - removed) * len(policy.quasi_identifiers),
                  "rows_suppressed": removed}
    report.steps.append(AppliedStep(
        "suppress", list(policy.quasi_identifiers), "policy", counts,
        {"k": policy.k, "l": policy.l, "mode": policy.suppression, "records_in_small_classes":
         suppressed},
    ))
    return out
