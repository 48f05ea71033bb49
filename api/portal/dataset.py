"""What the dataset page shows beyond the stored records: the anonymization report in
plain words, what changed between versions, and the API examples."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# operators of the anonymization report, grouped the way a resident reads them
_OPERATOR_MESSAGES = {
    "drop": "anon_removed",
    "generalize": "anon_generalized",
    "pseudonymize": "anon_pseudonymized",
    "mask": "anon_masked",
    "redact": "anon_redacted",
    "aggregate_area": "anon_aggregated",
}


def anonymization_summary(report: dict[str, Any], policy: dict[str, Any],
                          t: Callable[..., str]) -> list[str]:
    """Sentences: which columns were removed, generalized, ...; the k the published rows
    hold over the quasi-identifiers; how many rare records were withheld."""
    if not report:
        return [t("anon_none")]
    columns: dict[str, list[str]] = {}
    suppressed = 0
    for step in report.get("steps") or []:
        key = _OPERATOR_MESSAGES.get(step.get("operator", ""))
        if key:
            for name in step.get("columns") or []:
                if name not in columns.setdefault(key, []):
                    columns[key].append(name)
        suppressed += int((step.get("counts") or {}).get("rows_suppressed", 0) or 0)
    sentences = [t(key, names=", ".join(names)) for key, names in columns.items()]
    risk = report.get("risk_after") or {}
    quasi = policy.get("quasi_identifiers") or []
    if risk.get("k") is not None and quasi:
        sentences.append(t("anon_k", qi=", ".join(quasi), k=risk["k"]))
    if suppressed:
        sentences.append(t("anon_suppressed", n=f"{suppressed:,}"))
    return sentences or [t("anon_none")]


def version_changes(versions: list[dict[str, Any]], t: Callable[..., str]) -> list[str]:
    """For versions newest first: what each changed against the one before it."""
    changes = []
    for index, version in enumerate(versions):
        if index + 1 == len(versions):
            changes.append(t("first_version"))
            continue
        before = versions[index + 1]
        delta = version["row_count"] - before["row_count"]
        names = [c["name"] for c in version["columns"]]
        old = [c["name"] for c in before["columns"]]
        parts = [t("records_change", sign="+" if delta >= 0 else "-", n=f"{abs(delta):,}")]
        added = [n for n in names if n not in old]
        removed = [n for n in old if n not in names]
        if added:
            parts.append(t("columns_added", names=", ".join(added)))
        if removed:
            parts.append(t("columns_removed", names=", ".join(removed)))
        if not added and not removed:
            parts.append(t("same_columns"))
        changes.append("; ".join(parts))
    return changes


def api_examples(base: str, slug: str, first_filter: str | None) -> dict[str, str]:
    """curl, Python and the CKAN datastore call for this dataset."""
    query = f"?{first_filter}&limit=10" if first_filter else "?limit=10"
    return {
        "curl": f"curl '{base}/datasets/{slug}/data{query}'",
        "python": (
            "import httpx\n\n"
            f"page = httpx.get('{base}/datasets/{slug}/data',\n"
            "                 params={'limit': 10}).json()\n"
            "for row in page['rows']:\n"
            "    print(row)"),
        "ckan": (f"curl '{base}/api/3/action/datastore_search?resource_id={slug}&limit=10'"),
    }


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} B"
