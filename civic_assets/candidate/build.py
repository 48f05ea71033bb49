"""Build a candidate: anonymize the mart, document it, and decide its checks.

No Dagster here: `candidate/asset.py` wraps this in the `<slug>/candidate` asset; tests call
it directly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import psycopg
from psycopg import sql

from anonymization import (
    AnonymizationPolicy,
    Finding,
    QuasiKind,
    ReleaseDifference,
    UndeclaredQuasiIdentifier,
    anonymize,
    classify_columns,
    detect_pii,
    scan_residual_pii,
    undeclared_quasi_identifiers,
)
from anonymization.policy import KeepRule
from anonymization.quasi_identifiers import QUASI_IDENTIFIER_KINDS
from catalog.audit import append_audit
from catalog.candidates import (
    create_candidate,
    record_checks,
    set_candidate_table,
    supersede_pending_candidates,
)
from catalog.versions import latest_version_summary
from civic_assets.candidate.release_risk import (
    compare_with_previous,
    release_risk,
    risk_change,
    risk_change_markdown,
    singled_out_classes,
)
from civic_assets.settings import get_settings
from civic_assets.tables import read_table, write_table
from metadata.completeness import CompletenessReport, completeness
from metadata.dictionary import ColumnEntry, DataDictionary, infer_dictionary
from metadata.spatial import bbox_from_frame
from metadata.specs import DatasetSpec
from quality.drift import DriftReport, compare_to_previous, profile_frame
from quality.report_card import quality_report
from quality.validation import ValidationOutcome, validate

# name -> (blocking, description); the asset's AssetCheckSpecs are built from this
CHECKS: dict[str, tuple[bool, str]] = {
    "pandera_schema": (True, ("The candidate matches its data dictionary (Pandera): columns, "
                              "types, ranges, allowed values, nullability, key uniqueness.")),
    "residual_pii": (True, "No value of the candidate is detected as personal information."),
    "k_anonymity": (True, ("Every combination of quasi-identifiers is shared by at least k "
                           "records (the policy's k).")),
    "quasi_identifiers": (True, ("Every published column that looks like a quasi-identifier "
                                 "(location, time, demographics) is declared in the policy, or "
                                 "accepted there with a written reason.")),
    "metadata_completeness": (True, ("Enough of the recommended DCAT metadata is filled "
                                     "(the dataset's completeness threshold).")),
    "change_since_last_publication": (False, ("Record count, columns and key distributions "
                                              "against the last publication; a flag sets the "
                                              "candidate's 'needs attention' status.")),
    "release_difference": (False, ("Compared row by row with the last published version, no "
                                   "class of quasi-identifiers gained or lost fewer than k "
                                   "records (a differencing attack would single them out); a "
                                   "flag sets the candidate's 'needs attention' status.")),
}


PREVIEW_ROWS = 20


@dataclass
class CheckOutcome:
    name: str
    passed: bool
    summary: str
    details: dict[str, Any] = field(default_factory=dict)
    markdown: str | None = None

    @property
    def blocking(self) -> bool:
        return CHECKS[self.name][0]

    def to_dict(self) -> dict[str, Any]:
        return {"passed": self.passed, "blocking": self.blocking, "summary": self.summary,
                "details": self.details}


@dataclass
class CandidateBundle:
    frame: pd.DataFrame
    anonymization: dict[str, Any]
    anonymization_markdown: str
    dictionary: dict[str, Any]
    dictionary_markdown: str
    quality: dict[str, Any]
    quality_markdown: str
    check_results: list[CheckOutcome]
    needs_attention: bool
    # the release's re-identification risk, stored with the candidate and its version
    risk: dict[str, Any] = field(default_factory=dict)

    @property
    def row_count(self) -> int:
        return len(self.frame)

    @property
    def checks_passed(self) -> bool:
        return all(r.passed for r in self.check_results if r.blocking)

    @staticmethod
    def table_name(candidate_id: int) -> str:
        return f"candidate_{candidate_id}"

    def preview(self, rows: int = PREVIEW_ROWS) -> list[dict[str, Any]]:
        """The first rows of the anonymized candidate, JSON-ready, for the approval pages
        (the API's role cannot read the review table itself)."""
        return json.loads(self.frame.head(rows).to_json(orient="records", date_format="iso"))

    def columns(self) -> list[dict[str, str]]:
        types = {c["name"]: c["type"] for c in self.dictionary.get("columns", [])}
        return [{"name": str(c), "type": types.get(str(c), "text")} for c in self.frame.columns]



def _boundaries_path(spec: DatasetSpec) -> str | None:
    from catalog.database import PROJECT_ROOT

    path = spec.anonymization.boundaries
    return str(PROJECT_ROOT / path) if path else None


def schema_dictionary(spec: DatasetSpec, dictionary: DataDictionary) -> DataDictionary:
    """The dictionary the Pandera schema gates on.

    With no `dictionary:` in the spec it is the inferred one (every column of the data).
    When the spec declares columns, those are the promise: a data column it does not
    declare is unexpected, and a declared column absent from the data is missing.
    """
    if not spec.dictionary:
        return dictionary
    present = {entry.name: entry for entry in dictionary.columns}
    entries = []
    for name, override in spec.dictionary.items():
        if name in present:
            entries.append(present[name])
            continue
        entries.append(ColumnEntry(
            name=name, type=override.type or "text",
            nullable=override.nullable if override.nullable is not None else True,
            unique=bool(override.unique), declared=["type"]))
    return DataDictionary(columns=entries, row_count=dictionary.row_count,
                          primary_key=dictionary.primary_key,
                          override_problems=list(dictionary.override_problems))


def build_candidate(conn: psycopg.Connection, spec: DatasetSpec, *,
                    upstream_table: tuple[str, str], log: Any = None,
                    dbt_test_results: list[dict[str, Any]] | None = None) -> CandidateBundle:
    """Read the upstream table and produce everything a reviewer needs to decide.

    dbt_test_results: the latest result of each dbt test of the dataset's models
    ({name, status}), counted in the quality report card.
    """
    schema, table = upstream_table
    source = read_table(conn, schema, table)
    previous = latest_version_summary(conn, slug=spec.slug)

    # the boundaries go in resolved from the project root, not as the spec names them
    policy = spec.anonymization.model_copy(update={"boundaries": None})
    frame, report = anonymize(source, policy, boundaries=_boundaries_path(spec),
                              secret=get_settings().pseudonym_secret())
    report_dict = report.to_dict()
    if log:
        log.info(f"anonymized {len(source):,} → {len(frame):,} rows")
    quasi = _quasi_identifiers_in(frame, policy)
    difference = _difference_from(conn, previous, frame, policy, key=spec.primary_key)
    risk = release_risk(report, policy)
    report_dict["quasi_identifiers"] = [u.to_dict() for u in quasi]
    report_dict["release_change"] = risk_change(previous, risk, difference)

    primary_key = spec.primary_key if spec.primary_key in frame.columns else None
    dictionary = infer_dictionary(frame, overrides=spec.dictionary, primary_key=primary_key)
    # only declared limits gate: ranges inferred from this very data would always pass
    outcome = validate(frame, schema_dictionary(spec, dictionary), inferred_bounds=False)
    key_columns = [c for c in spec.validation.key_columns if c in frame.columns]
    profile = profile_frame(frame, key_columns)
    drift = compare_to_previous(
        profile, (previous or {}).get("quality", {}).get("profile"),
        threshold=spec.validation.record_count_change_threshold, key_columns=key_columns)
    quality = quality_report(frame, dictionary=dictionary, validation_outcome=outcome,
                             spec_validation=spec.validation, schedule=spec.schedule,
                             update_frequency=spec.metadata.update_frequency,
                             dbt_test_results=dbt_test_results,
                             timestamp_resolution=_generalized_to(
                                 policy, spec.validation.timestamp_column))
    quality_dict = {**quality.to_dict(), "profile": profile}

    checks = [
        _schema_check(outcome, dictionary),
        # a column the policy keeps, with its reason, was judged not personal by a person
        _residual_pii_check(scan_residual_pii(
            frame, columns=[c for c in frame.columns if c not in _kept(policy)])),
        _k_anonymity_check(report_dict, spec),
        _quasi_identifier_check(quasi, policy, personal_in_source=any(
            d.column not in _kept(policy) for d in report.detected)),
        _completeness_check(
            completeness(spec, columns=dictionary.to_dict().get("columns"),
                         has_bbox=_has_bbox(spec, frame),
                         has_temporal=_has_timestamps(spec, frame)),
            spec.metadata.completeness_threshold),
        _change_check(drift, first_publication=previous is None),
        _release_difference_check(difference, previous, policy),
    ]
    return CandidateBundle(
        frame=frame,
        anonymization=report_dict,
        anonymization_markdown=(report.to_markdown()
                                + risk_change_markdown(report_dict["release_change"])),
        dictionary=dictionary.to_dict(),
        dictionary_markdown=dictionary.to_markdown(),
        quality=quality_dict,
        quality_markdown=quality.to_markdown(),
        check_results=checks,
        needs_attention=drift.needs_attention or bool(difference and difference.flagged),
        risk=risk,
    )


def _kept(policy: AnonymizationPolicy) -> set[str]:
    """Columns the policy publishes as they are (`keep`): detected as personal, and not."""
    return {name for name, rule in policy.columns.items() if isinstance(rule, KeepRule)}


def _quasi_identifiers_in(frame: pd.DataFrame,
                          policy: AnonymizationPolicy) -> list[UndeclaredQuasiIdentifier]:
    """Published columns that look like quasi-identifiers and are not declared (accepted
    ones included, with the k they cost), classified from the anonymized table itself."""
    # direct identifiers are the residual scan's; the name model is not needed here
    detections = detect_pii(frame, sample_size=policy.detection.sample_size,
                            seed=policy.detection.seed,
                            min_confidence=policy.detection.min_confidence,
                            kinds=QUASI_IDENTIFIER_KINDS)
    return undeclared_quasi_identifiers(
        frame, policy.quasi_identifiers, k_threshold=policy.k,
        classes=classify_columns(frame, detections=detections))


def _difference_from(conn: psycopg.Connection, previous: dict[str, Any] | None,
                     frame: pd.DataFrame, policy: AnonymizationPolicy, *,
                     key: str | None) -> ReleaseDifference | None:
    """The candidate against the table of the last published version, read as the
    pipeline (the public sees the same rows)."""
    if previous is None:
        return None
    published = read_table(conn, "published", previous["table_name"])
    return compare_with_previous(published, frame, policy, key=key)


def _has_bbox(spec: DatasetSpec, frame: pd.DataFrame) -> bool:
    """Publishing computes a bbox from coordinates or the policy's boundary polygons."""
    return bool(spec.anonymization.boundaries) or bbox_from_frame(frame) is not None


def _has_timestamps(spec: DatasetSpec, frame: pd.DataFrame) -> bool:
    """Publishing computes the temporal coverage from the spec's timestamp column."""
    column = spec.validation.timestamp_column
    return bool(column) and column in frame.columns and bool(frame[column].notna().any())


def _schema_check(outcome: ValidationOutcome, dictionary: DataDictionary) -> CheckOutcome:
    failing = sum(outcome.failure_counts.values())
    problems = dictionary.override_problems
    summary = f"{failing:,} failing values; {len(problems)} dictionary override problem(s)"
    if outcome.failure_counts:
        summary += f"; failing rules: {', '.join(sorted(outcome.failure_counts))}"
    markdown = outcome.to_markdown()
    if problems:
        markdown += ("\n\n**Dictionary overrides that no longer match the data**\n\n"
                     + "\n".join(f"- {p}" for p in problems))
    return CheckOutcome(
        "pandera_schema", outcome.passed and not problems, summary,
        {"failing_values": failing,
         "failed_rules": sorted(outcome.failure_counts),
         "failure_counts": outcome.failure_counts,
         "missing_columns": outcome.missing_columns,
         "unexpected_columns": outcome.unexpected_columns,
         "override_problems": problems,
         "first_failures": outcome.failure_cases},
        markdown)


def _residual_pii_check(findings: list[Finding]) -> CheckOutcome:
    summary = "no personal information found" if not findings else (
        f"{len(findings)} finding(s): "
        + ", ".join(f"{f.column} ({f.kind}, {f.count:,})" for f in findings))
    return CheckOutcome("residual_pii", not findings, summary,
                        {"findings": [f.to_dict() for f in findings]})


def _k_anonymity_check(report: dict[str, Any], spec: DatasetSpec) -> CheckOutcome:
    required = int(report.get("policy", {}).get("k") or spec.anonymization.k)
    k = (report.get("risk_after") or {}).get("k")
    if k is None:
        return CheckOutcome("k_anonymity", True, "no quasi-identifiers declared",
                            {"k": -1, "k_required": required})
    return CheckOutcome("k_anonymity", k >= required,
                        f"k = {k} (policy requires k ≥ {required})",
                        {"k": k, "k_required": required})


def _about_people(found: list[UndeclaredQuasiIdentifier], policy: AnonymizationPolicy, *,
                  personal_in_source: bool) -> bool:
    """Whether the records describe people, so that a column can single one out: the
    policy says so (it declares or accepts quasi-identifiers), the source held personal
    information, or a published column is a demographic (age, sex, language...). A
    budget's year or a boundary's area name describe no one."""
    return bool(policy.quasi_identifiers or policy.accepted_quasi_identifiers
                or personal_in_source
                or any(u.quasi_kind is QuasiKind.DEMOGRAPHIC for u in found))


def _quasi_identifier_check(found: list[UndeclaredQuasiIdentifier],
                            policy: AnonymizationPolicy, *,
                            personal_in_source: bool) -> CheckOutcome:
    reasons = {a.column: a.reason for a in policy.accepted_quasi_identifiers}
    accepted = [{**u.to_dict(), "reason": reasons[u.column]} for u in found
                if u.column in reasons]
    undeclared = [u for u in found if u.column not in reasons]
    if not _about_people(found, policy, personal_in_source=personal_in_source):
        return CheckOutcome(
            "quasi_identifiers", True,
            "no quasi-identifier declared and no personal information in the source: the "
            "records describe no one"
            + (f" (location or time columns: {', '.join(u.column for u in found)})"
               if found else ""),
            {"undeclared": [], "accepted": [], "columns": [], "k_with_column": {},
             "not_about_people": [u.column for u in found]})
    if undeclared:
        summary = "; ".join(u.message(policy.k) for u in undeclared) + (
            ". Declare each under anonymization.quasi_identifiers (and generalize it until "
            "k holds), drop it, or accept it under anonymization.accepted_quasi_identifiers "
            "with the reason it may be published")
    else:
        summary = (f"every likely quasi-identifier is declared "
                   f"({', '.join(policy.quasi_identifiers) or 'none'})")
        if accepted:
            summary += "; accepted: " + ", ".join(
                f"{a['column']} (k = {a['k_with_column']} with it)" for a in accepted)
    markdown = None
    if undeclared or accepted:
        markdown = "\n".join(
            ["| column | kind | why | k with it | k declared only | unique records | status |",
             "| --- | --- | --- | ---: | ---: | ---: | --- |"]
            + [f"| {u.column} | {u.quasi_kind} | {u.reason} | {u.k_with_column:,} | "
               f"{u.k_declared:,} | {u.unique_records:,} | "
               + (f"accepted: {reasons[u.column]}" if u.column in reasons else "**undeclared**")
               + " |" for u in found])
    return CheckOutcome(
        "quasi_identifiers", not undeclared, summary,
        {"undeclared": [u.to_dict() for u in undeclared], "accepted": accepted,
         "columns": [u.column for u in undeclared],
         "k_with_column": {u.column: u.k_with_column for u in undeclared}},
        markdown)


def _release_difference_check(difference: ReleaseDifference | None,
                              previous: dict[str, Any] | None,
                              policy: AnonymizationPolicy) -> CheckOutcome:
    if previous is None:
        return CheckOutcome("release_difference", True, "first publication")
    qis = [*policy.quasi_identifiers, *policy.accepted_columns()]
    if not qis:
        return CheckOutcome("release_difference", True,
                            "no quasi-identifier declared or accepted: no class in which a "
                            "comparison of releases could single a record out")
    if difference is None:
        return CheckOutcome("release_difference", True,
                            f"version {previous['version']} publishes none of the "
                            f"quasi-identifiers ({', '.join(qis)}): the releases cannot be "
                            "linked by class")
    summary = f"against version {previous['version']}: {difference.message()}"
    flags = [summary] if difference.flagged else []
    return CheckOutcome(
        "release_difference", not difference.flagged, summary,
        {**difference.to_dict(), "previous_version": previous["version"], "flags": flags,
         "classes": singled_out_classes(difference, qis)})


def _completeness_check(report: CompletenessReport, threshold: float) -> CheckOutcome:
    summary = f"{report.score:.0%} of recommended metadata filled (threshold {threshold:.0%})"
    if report.missing:
        summary += f"; missing: {', '.join(report.missing)}"
    return CheckOutcome("metadata_completeness", report.passed(threshold), summary,
                        {"score": report.score, "missing": report.missing},
                        report.to_markdown())


def _change_check(drift: DriftReport, *, first_publication: bool) -> CheckOutcome:
    if first_publication:
        summary = "first publication"
    else:
        summary = "; ".join(drift.flags) if drift.flags else "no significant change"
    return CheckOutcome("change_since_last_publication", not drift.needs_attention, summary,
                        drift.to_dict(), drift.to_markdown())


def register_candidate(conn: psycopg.Connection, spec: DatasetSpec, bundle: CandidateBundle,
                       *, run_id: str | None = None) -> int:
    """Write the candidate table and its catalogue row, audit every anonymization step.

    One transaction: a failure leaves neither a table nor a row behind.
    """
    with conn.transaction():
        candidate_id = create_candidate(
            conn, slug=spec.slug, table_name="pending", row_count=bundle.row_count,
            columns=bundle.columns(), anonymization=bundle.anonymization,
            dictionary=bundle.dictionary, quality=bundle.quality, run_id=run_id,
            preview=bundle.preview(), risk=bundle.risk)
        table = bundle.table_name(candidate_id)
        write_table(conn, bundle.frame, "review", table)
        set_candidate_table(conn, candidate_id=candidate_id, table_name=table)
        supersede_pending_candidates(conn, slug=spec.slug, newer_than=candidate_id)
        for step in bundle.anonymization.get("steps", []):
            append_audit(conn, actor="pipeline", action="anonymization.step", slug=spec.slug,
                         details={"candidate_id": candidate_id, **step})
        # publishing a quasi-identifier without counting it in k is a decision on record
        k_with = {q["column"]: q["k_with_column"]
                  for q in bundle.anonymization.get("quasi_identifiers", [])}
        for item in spec.anonymization.accepted_quasi_identifiers:
            append_audit(conn, actor="pipeline", action="quasi_identifier.accepted",
                         slug=spec.slug,
                         details={"candidate_id": candidate_id, "column": item.column,
                                  "reason": item.reason,
                                  "k_with_column": k_with.get(item.column)})
        record_checks(conn, candidate_id=candidate_id, passed=bundle.checks_passed,
                      checks={r.name: r.to_dict() for r in bundle.check_results},
                      needs_attention=bundle.needs_attention)
        append_audit(conn, actor="pipeline", action="candidate.created", slug=spec.slug,
                     details={"candidate_id": candidate_id, "rows": bundle.row_count,
                              "checks_passed": bundle.checks_passed,
                              "needs_attention": bundle.needs_attention})
        conn.execute(sql.SQL("COMMENT ON TABLE review.{} IS {}").format(
            sql.Identifier(table),
            sql.Literal(json.dumps({"slug": spec.slug, "candidate_id": candidate_id}))))
    return candidate_id


def _generalized_to(policy: AnonymizationPolicy, column: str | None) -> str | None:
    """The period a timestamp column is generalized to by the policy, if any."""
    rule = policy.columns.get(column) if column else None
    return getattr(rule, "to", None) if getattr(rule, "operator", None) == "generalize" else None
