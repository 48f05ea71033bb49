"""What an anonymization run did, for the audit trail and for the reviewers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from anonymization.detection import PiiDetection
from anonymization.privacy_models import TCloseness
from anonymization.risk import RiskMetrics
from anonymization.utility import UtilityMetrics

# Counters a step may carry; `totals()` sums them over steps.
COUNTERS = (
    "columns_dropped",
    "values_masked",
    "values_pseudonymized",
    "values_generalized",
    "values_aggregated",
    "values_redacted",
    "rows_suppressed",
    "values_suppressed",
)


@dataclass
class AppliedStep:
    operator: str
    columns: list[str]
    reason: str  # policy, undeclared_pii or redact_free_text
    counts: dict[str, int] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"operator": self.operator, "columns": list(self.columns), "reason": self.reason,
                "counts": dict(self.counts), "details": dict(self.details)}


@dataclass
class AnonymizationReport:
    rows_in: int
    columns_in: list[str]
    detected: list[PiiDetection] = field(default_factory=list)
    steps: list[AppliedStep] = field(default_factory=list)
    risk_before: RiskMetrics | None = None
    risk_after: RiskMetrics | None = None
    rows_out: int = 0
    columns_out: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    policy: dict[str, Any] = field(default_factory=dict)  # the settings the run used
    utility: UtilityMetrics | None = None  # what the privacy cost, over the quasi-identifiers
    t_closeness: list[TCloseness] = field(default_factory=list)  # per sensitive attribute

    def totals(self) -> dict[str, int]:
        return {name: sum(step.counts.get(name, 0) for step in self.steps) for name in COUNTERS}

    def to_dict(self) -> dict:
        """Plain JSON-serializable structure."""
        return {
            "rows_in": self.rows_in,
            "rows_out": self.rows_out,
            "columns_in": list(self.columns_in),
            "columns_out": list(self.columns_out),
            "detected": [d.to_dict() for d in self.detected],
            "steps": [s.to_dict() for s in self.steps],
            "totals": self.totals(),
            "risk_before": self.risk_before.to_dict() if self.risk_before else None,
            "risk_after": self.risk_after.to_dict() if self.risk_after else None,
            "warnings": list(self.warnings),
            "policy": dict(self.policy),
            "utility": self.utility.to_dict() if self.utility else None,
            "t_closeness": [t.to_dict() for t in self.t_closeness],
        }

    def to_markdown(self) -> str:
        lines = [
            "## Anonymization report",
            "",
            (f"{self.rows_in:,} rows × {len(self.columns_in)} columns in, "
             f"{self.rows_out:,} rows × {len(self.columns_out)} columns out."),
            "",
            "### Personal information detected",
            "",
        ]
        if self.detected:
            lines += ["| column | kind | confidence | evidence | contains |",
                      "| --- | --- | ---: | --- | --- |"]
            lines += [
                f"| {d.column} | {d.kind} | {d.confidence:.2f} | {d.evidence} | "
                f"{', '.join(map(str, d.contains))} |"
                for d in self.detected
            ]
        else:
            lines.append("None.")
        lines += ["", "### Steps applied", ""]
        if self.steps:
            lines += ["| operator | columns | reason | counts |", "| --- | --- | --- | --- |"]
            for step in self.steps:
                counts = ", ".join(f"{k.replace('_', ' ')}: {v:,}" for k, v in step.counts.items())
                lines.append(f"| {step.operator} | {', '.join(step.columns)} | {step.reason} | "
                             f"{counts} |")
        else:
            lines.append("None.")
        lines += ["", "### Re-identification risk", ""]
        lines += _risk_table(self.risk_before, self.risk_after)
        for item in self.t_closeness:
            lines.append(f"| t-closeness of {item.attribute} ({item.distance} distance) | – | "
                         f"{item.t:.4f} |")
        if self.utility is not None:
            lines += ["", "### What privacy cost", "", _utility_text(self.utility)]
        if self.warnings:
            lines += ["", "### Warnings", ""] + [f"- {w}" for w in self.warnings]
        return "\n".join(lines) + "\n"


def _risk_table(before: RiskMetrics | None, after: RiskMetrics | None) -> list[str]:
    if before is None and after is None:
        return ["No quasi-identifiers declared."]

    def cell(metrics: RiskMetrics | None, name: str) -> str:
        if metrics is None:
            return "–"
        value = getattr(metrics, name)
        if value is None:
            return "n/a"
        if isinstance(value, float):
            return f"{value:.2%}" if name == "records_at_risk_share" else f"{value:.4f}"
        return f"{value:,}"

    rows = ["| measure | before | after |", "| --- | ---: | ---: |"]
    for name, label in (
        ("n_records", "records"),
        ("n_classes", "equivalence classes"),
        ("k", "k (smallest class)"),
        ("l", "l (distinct)"),
        ("records_at_risk_share", "records in classes < k"),
        ("prosecutor_risk_max", "prosecutor risk, max"),
        ("prosecutor_risk_avg", "prosecutor risk, average"),
    ):
        rows.append(f"| {label} | {cell(before, name)} | {cell(after, name)} |")
    return rows


def _utility_text(utility: UtilityMetrics) -> str:
    losses = ", ".join(f"{q} {loss:.0%}" for q, loss in utility.loss_per_quasi_identifier.items())
    return (f"{utility.share_suppressed:.2%} of records suppressed; generalization intensity "
            f"{utility.generalization_intensity:.0%} (information loss per quasi-identifier: "
            f"{losses or 'none'}); average class size {utility.average_class_size:,.1f}; "
            f"discernibility {utility.discernibility:,.0f} "
            f"({utility.discernibility_normalized:.4f} of the worst case).")
