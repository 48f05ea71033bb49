"""Recall and false positives per identifier type on a corpus the detector never saw.

Corpus (`bench/pii_corpus.py`): Faker's names from 40 Latin-script locales and Faker's
identifiers, in 311-style sentences written in English and French, plus negatives
(streets and parks named after people, numbers failing validation). Baselines measured
in the same run: for names, our name lists alone (the detector before the model); for
the other kinds, presidio-analyzer's pattern recognizers where presidio has one.

Run alone: `python -m bench.bench_pii_recall` (prints the table).
"""

from __future__ import annotations

from collections import defaultdict

from anonymization.kinds import PiiKind
from anonymization.recognizers import find_pii_many
from anonymization.recognizers import names as name_recognizer
from anonymization.recognizers.base import DEFAULT_MIN_CONFIDENCE
from bench.common import BenchResult, result
from bench.pii_corpus import Example, identifier_examples, name_examples, negative_examples
from bench.presidio_baseline import ENTITY_KINDS, presidio_spans


def covered(text: str, value: str, spans: list[tuple[PiiKind, int, int]],
            kind: PiiKind | None) -> bool:
    """Every letter and digit of the planted value lies inside a span (of `kind`, if given)."""
    start = text.find(value)
    if start < 0:
        return False
    inside = [False] * len(value)
    for span_kind, s, e in spans:
        if kind is not None and span_kind is not kind:
            continue
        for i in range(max(s, start), min(e, start + len(value))):
            inside[i - start] = True
    return all(flag for flag, c in zip(inside, value, strict=True) if c.isalnum())


def ours(examples: list[Example]) -> list[list[tuple[PiiKind, int, int]]]:
    found = find_pii_many([e.text for e in examples], min_confidence=DEFAULT_MIN_CONFIDENCE)
    return [[(s.kind, s.start, s.end) for s in found.get(i, [])] for i in range(len(examples))]


def lists_only(examples: list[Example]) -> list[list[tuple[PiiKind, int, int]]]:
    """The name lists and titles with no model: how names were found before."""
    out = []
    for e in examples:
        spans = name_recognizer._rule_spans(e.text)
        out.append([(s.kind, s.start, s.end) for s in spans
                    if s.recognizer in ("name_list", "name_title")
                    and s.confidence >= DEFAULT_MIN_CONFIDENCE])
    return out


def measure() -> dict[str, dict[PiiKind, tuple[float, float, int]]]:
    """{detector: {kind: (recall, false-positive rate on negatives, n positives)}}."""
    positives = name_examples() + identifier_examples()
    negatives = negative_examples()
    everything = positives + negatives
    detectors = {
        "ours": ours(everything),
        "presidio": [presidio_spans(e.text) for e in everything],
        "lists": lists_only(everything),
    }
    table: dict[str, dict[PiiKind, tuple[float, float, int]]] = {}
    for name, spans in detectors.items():
        hits: dict[PiiKind, int] = defaultdict(int)
        totals: dict[PiiKind, int] = defaultdict(int)
        false_hits: dict[PiiKind, int] = defaultdict(int)
        for example, found in zip(everything, spans, strict=True):
            if example.kind is None:
                for kind in {k for k, _, _ in found}:
                    false_hits[kind] += 1
                continue
            totals[example.kind] += 1
            hits[example.kind] += covered(example.text, example.value, found, example.kind)
        kinds = set(totals) | set(false_hits)
        table[name] = {k: (hits[k] / totals[k] if totals[k] else float("nan"),
                           false_hits[k] / len(negatives), totals[k]) for k in kinds}
    return table


def held_out_names() -> dict[str, float]:
    """Names in templates never used for tuning: recall, and the share of sentences with a
    name span beside the planted one (a street or place taken for a person)."""
    examples = name_examples(held_out=True)
    found = {"ours": ours(examples), "lists": lists_only(examples)}
    out: dict[str, float] = {"n": len(examples)}
    for name, spans in found.items():
        out[f"{name}_recall"] = sum(covered(e.text, e.value, s, PiiKind.PERSON_NAME)
                                    for e, s in zip(examples, spans, strict=True)) / len(examples)
    extra = 0
    for e, spans in zip(examples, found["ours"], strict=True):
        start = e.text.find(e.value)
        end = start + len(e.value)
        extra += any(k is PiiKind.PERSON_NAME and (b <= start or a >= end) for k, a, b in spans)
    out["extra_span_rate"] = extra / len(examples)
    return out


def print_table(table) -> None:
    kinds = sorted({k for rows in table.values() for k in rows}, key=str)
    print(f"{'kind':<16} {'n':>5} {'recall':>8} {'FP rate':>8}   {'presidio':>8} {'FP':>6}"
          f"   {'lists':>6}")
    for kind in kinds:
        recall, fp, n = table["ours"].get(kind, (float("nan"), 0.0, 0))
        p_recall, p_fp, _ = table["presidio"].get(kind, (float("nan"), 0.0, 0))
        covered_by_presidio = kind in ENTITY_KINDS.values()
        l_recall = table["lists"].get(kind, (float("nan"), 0, 0))[0]
        print(f"{kind:<16} {n:>5} {recall:>8.1%} {fp:>8.1%}   "
              f"{(f'{p_recall:.1%}' if covered_by_presidio else '—'):>8} "
              f"{(f'{p_fp:.1%}' if covered_by_presidio else '—'):>6}   "
              f"{(f'{l_recall:.1%}' if kind is PiiKind.PERSON_NAME else ''):>6}")


def print_held_out(held: dict[str, float]) -> None:
    print(f"person_name, held-out templates: n {held['n']:.0f}, recall "
          f"{held['ours_recall']:.1%} (lists alone {held['lists_recall']:.1%}), sentences with "
          f"another span taken for a name {held['extra_span_rate']:.1%}")


def run() -> list[BenchResult]:
    table = measure()
    print_table(table)
    held = held_out_names()
    print_held_out(held)
    name_recall = table["ours"][PiiKind.PERSON_NAME][0]
    results = [result("person-name recall, model + lists (Faker, 40 locales)", 100 * name_recall,
                      "%", "name lists alone", 100 * table["lists"][PiiKind.PERSON_NAME][0]),
               result("person-name recall, held-out templates", 100 * held["ours_recall"], "%",
                      "name lists alone", 100 * held["lists_recall"])]
    for kind in sorted(set(ENTITY_KINDS.values()), key=str):
        if kind in table["ours"] and kind in table["presidio"]:
            results.append(result(f"{kind} recall (Faker values)", 100 * table["ours"][kind][0],
                                  "%", "presidio patterns", 100 * table["presidio"][kind][0]))
    return results


if __name__ == "__main__":
    for line in run():
        print(line.line())
