"""The re-identification risk of one release, and how it moved since the last publication.

Each candidate stores its risk (`catalog.candidates.risk`, copied to `catalog.versions` when
it is published), so the next candidate is compared with the release the public has: the
measures side by side, and the rows a comparison of the two tables singles out (a
differencing attack: a class that gained or lost fewer than k rows exposes those rows).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from anonymization import AnonymizationPolicy, AnonymizationReport, ReleaseDifference
from anonymization import compare_releases as compare_tables

# (key in the risk document, label, format); "%" shares, "f" ratios, "d" counts
MEASURES: list[tuple[str, str, str]] = [
    ("rows", "records", "d"),
    ("n_classes", "equivalence classes", "d"),
    ("k", "k (smallest class)", "d"),
    ("l", "l (fewest distinct sensitive values)", "d"),
    ("records_at_risk_share", "records in classes < k", "%"),
    ("prosecutor_risk_max", "prosecutor risk, max", "f"),
    ("prosecutor_risk_avg", "prosecutor risk, average", "f"),
    ("marketer_risk", "marketer risk (share re-identified)", "f"),
    ("share_suppressed", "records suppressed", "%"),
    ("generalization_intensity", "generalization intensity", "%"),
    ("discernibility_normalized", "discernibility (normalized)", "f"),
]
# at most this many singled-out classes are listed for the reviewer
LISTED_CLASSES = 10


def release_risk(report: AnonymizationReport, policy: AnonymizationPolicy) -> dict[str, Any]:
    """The risk document of one release: what `catalog.candidates.risk` holds.

    Marketer risk is measured with the release as its own population (the share of
    records an attacker matching every record would re-identify, J/n): journalist risk
    needs a population table the spec does not give.
    """
    risk: dict[str, Any] = {
        "rows": report.rows_out,
        "k_threshold": policy.k,
        "quasi_identifiers": list(policy.quasi_identifiers),
        "sensitive_attributes": list(policy.sensitive_attributes),
        "accepted_quasi_identifiers": [a.model_dump() for a in
                                       policy.accepted_quasi_identifiers],
    }
    after = report.risk_after
    if after is not None:
        risk.update({
            "k": after.k, "l": after.l, "n_classes": after.n_classes,
            "records_at_risk_share": after.records_at_risk_share,
            "prosecutor_risk_max": after.prosecutor_risk_max,
            "prosecutor_risk_avg": after.prosecutor_risk_avg,
            "marketer_risk": after.n_classes / after.n_records if after.n_records else 0.0,
        })
    if report.t_closeness:
        risk["t_closeness"] = {t.attribute: t.t for t in report.t_closeness}
    if report.utility is not None:
        utility = report.utility
        risk.update({
            "share_suppressed": utility.share_suppressed,
            "generalization_intensity": utility.generalization_intensity,
            "discernibility_normalized": utility.discernibility_normalized,
            "average_class_size": utility.average_class_size,
        })
    return risk


def comparable(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The columns as text: a table read back from PostgreSQL and the same table fresh
    from pandas then compare by value, whatever dtypes each side has."""
    return pd.DataFrame({column: frame[column].astype("string") for column in columns},
                        index=frame.index)


def compare_with_previous(previous: pd.DataFrame, current: pd.DataFrame,
                          policy: AnonymizationPolicy, *,
                          key: str | None) -> ReleaseDifference | None:
    """What comparing the candidate with the last published table reveals, over the
    quasi-identifiers (declared and accepted) both releases publish; None when they
    share none."""
    measured = [*policy.quasi_identifiers, *policy.accepted_columns()]
    qis = [c for c in measured if c in previous.columns and c in current.columns]
    if not qis:
        return None
    columns = [c for c in current.columns if c in previous.columns]
    if key is not None and key not in columns:
        key = None
    return compare_tables(comparable(previous, columns), comparable(current, columns), qis,
                          k=policy.k, key=key)


def singled_out_classes(difference: ReleaseDifference, qis: list[str]) -> list[dict[str, Any]]:
    """The classes a comparison exposes, with how many rows each gained and lost (the
    quasi-identifier values only: a reviewer needs where to look, not the records)."""
    rows = difference.singled_out
    if rows.empty:
        return []
    present = [q for q in qis if q in rows.columns]
    counts = (rows.assign(_n=1)
              .pivot_table(index=present, columns="_change", values="_n", aggfunc="sum",
                           fill_value=0, dropna=False)
              .reset_index())
    counts = counts[[c for c in counts.columns if c in (*present, "added", "removed")]]
    listed = counts.head(LISTED_CLASSES).astype(object)
    listed = listed.where(listed.notna(), None)
    return [{str(k): v for k, v in row.items()} for row in listed.to_dict(orient="records")]


def _cell(value: Any, fmt: str) -> str:
    if value is None:
        return "–"
    if fmt == "%":
        return f"{value:.2%}"
    if fmt == "f":
        return f"{value:.4f}"
    return f"{value:,}"


def _change(before: Any, after: Any, fmt: str) -> str:
    if before is None or after is None:
        return ""
    delta = after - before
    if not delta:
        return "="
    if fmt == "%":
        return f"{delta * 100:+.2f} pt"
    if fmt == "f":
        return f"{delta:+.4f}"
    return f"{delta:+,}"


def risk_change(previous: dict[str, Any] | None, current: dict[str, Any],
                difference: ReleaseDifference | None) -> dict[str, Any]:
    """The change from the last publication, as stored in the anonymization report.

    previous: {version, risk} of the last published version, or None before the first.
    """
    change: dict[str, Any] = {
        "previous_version": previous["version"] if previous else None,
        "previous": (previous or {}).get("risk") or {},
        "current": current,
    }
    if difference is not None:
        change["difference"] = difference.to_dict()
    return change


def risk_change_markdown(change: dict[str, Any]) -> str:
    """The section the anonymization report gains: this release next to the last one."""
    version = change.get("previous_version")
    if version is None:
        return "\n### Change from the previous release\n\nFirst publication: nothing to compare.\n"
    before, after = change.get("previous") or {}, change["current"]
    lines = ["", f"### Change from the previous release (version {version})", "",
             f"| measure | version {version} | this candidate | change |",
             "| --- | ---: | ---: | ---: |"]
    for key, label, fmt in MEASURES:
        if before.get(key) is None and after.get(key) is None:
            continue
        lines.append(f"| {label} | {_cell(before.get(key), fmt)} | "
                     f"{_cell(after.get(key), fmt)} | "
                     f"{_change(before.get(key), after.get(key), fmt)} |")
    for attribute in sorted({*before.get("t_closeness", {}), *after.get("t_closeness", {})}):
        was = before.get("t_closeness", {}).get(attribute)
        now = after.get("t_closeness", {}).get(attribute)
        lines.append(f"| t-closeness of {attribute} | {_cell(was, 'f')} | {_cell(now, 'f')} | "
                     f"{_change(was, now, 'f')} |")
    if before.get("quasi_identifiers") != after.get("quasi_identifiers"):
        lines += ["", "The quasi-identifiers changed: "
                  f"{', '.join(before.get('quasi_identifiers') or []) or 'none'} → "
                  f"{', '.join(after.get('quasi_identifiers') or []) or 'none'}."]
    difference = change.get("difference")
    if difference:
        lines += ["", (f"Compared row by row with version {version}: "
                       f"{difference['added']:,} added, {difference['removed']:,} removed"
                       + (f" ({difference['changed']:,} changed)" if difference["changed"]
                          else "")
                       + f"; {difference['records_singled_out']:,} record(s) in "
                       f"{difference['classes_singling_out']:,} class(es) that differ by fewer "
                       f"than {difference['k']} rows.")]
    return "\n".join(lines) + "\n"
