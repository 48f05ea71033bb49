"""The residual scan against presidio-analyzer's pattern recognizers, and the cost of the
person-name model.

(a) Speed on the same values, at the same recall: 311-style descriptions, every one
    distinct (so neither side gains from repeated values), 5 % carrying a Faker
    identifier of a kind presidio also covers (e-mail, phone, SIN, SSN, card, IBAN, IP,
    postal code). Our `scan_residual_pii` limited to those kinds against presidio's
    offline `AnalyzerEngine` with its pattern recognizers for them, one value at a time
    as presidio works. Recall is measured on the planted values for both; the speed
    figure is only meaningful while ours is at least presidio's.
(b) The name model: seconds per million characters of 311 text through spaCy's
    `fr_core_news_sm` (tokenizer + NER), against our pattern scan of the same text.

Run alone: `python -m bench.bench_residual_scan`.
"""

from __future__ import annotations

import random

import numpy as np
import pandas as pd

from anonymization import scan_residual_pii
from anonymization.detectors import column_values
from anonymization.recognizers import names as name_recognizer
from bench.common import BenchResult, result, stopwatch
from bench.pii_corpus import identifier_examples
from bench.presidio_baseline import ENTITY_KINDS, presidio_spans

N_VALUES = 200_000
N_PRESIDIO = 4_000  # presidio's rate is measured on a slice: it would take minutes on all
N_NER = 4_000
KINDS = frozenset(ENTITY_KINDS.values())
PHRASES = (
    "Large pothole in the right lane, cars swerving to avoid it",
    "Streetlight has been out for a week near the bus stop",
    "Graffiti on the side of the community centre wall",
    "Loud music late at night from the house across the street",
    "Garbage was not collected on the scheduled day",
    "Branches hanging low over the sidewalk after the storm",
    "Nid-de-poule profond devant l'école primaire",
    "Déneigement incomplet sur la piste cyclable",
    "Water pooling on the road, possibly a broken main",
    "Swings in the playground are broken and unsafe",
)
PLACES = ("near the library", "by the arena", "behind the school", "at the corner",
          "près du parc", "devant le dépanneur", "along the river path", "beside the rink")


def _tag(i: int) -> str:
    """A distinct lower-case word per value (letters only, so no recognizer reacts)."""
    letters = []
    while True:
        i, r = divmod(i, 26)
        letters.append(chr(97 + r))
        if i == 0:
            return "".join(letters)


def corpus(n: int, seed: int = 7) -> tuple[list[str], dict[int, tuple[str, str]]]:
    """n distinct descriptions; {position: (planted value, kind)} for the 5 % with one."""
    rng = random.Random(seed)
    examples = [e for e in identifier_examples(seed=seed, per_kind=400) if e.kind in KINDS]
    texts, planted = [], {}
    for i in range(n):
        text = f"{rng.choice(PHRASES)} {rng.choice(PLACES)}, lamp post {_tag(i)}."
        if rng.random() < 0.05:
            example = rng.choice(examples)
            text = f"{text} {example.text}"
            planted[i] = (example.value, example.kind)
        texts.append(text)
    return texts, planted


def _our_hits(texts: list[str], planted: dict[int, tuple[str, str]]) -> int:
    """Planted values the scan reports (per value: the scan's own masks)."""
    masks = column_values(pd.Series(texts, dtype="str"), "description", kinds=KINDS).masks
    return sum(bool(masks.get(kind, np.zeros(len(texts), bool))[i])
               for i, (_, kind) in planted.items())


def run() -> list[BenchResult]:
    texts, planted = corpus(N_VALUES)
    frame = pd.DataFrame({"description": pd.Series(texts, dtype="str")})
    scan_residual_pii(frame.head(1000), kinds=KINDS)  # warm-up: compile patterns
    with stopwatch() as ours:
        scan_residual_pii(frame, kinds=KINDS)
    our_rate = N_VALUES / ours["seconds"]

    presidio_spans("warm-up 613-555-0199")
    sliced = texts[:N_PRESIDIO]
    with stopwatch() as theirs:
        presidio_found = [presidio_spans(t) for t in sliced]
    presidio_rate = N_PRESIDIO / theirs["seconds"]

    in_slice = {i: v for i, v in planted.items() if i < N_PRESIDIO}
    presidio_hits = sum(any(k is kind for k, _, _ in presidio_found[i])
                        for i, (_, kind) in in_slice.items())
    our_hits = _our_hits(sliced, in_slice)
    print(f"  recall on {len(in_slice)} planted values: ours {our_hits / len(in_slice):.1%}, "
          f"presidio {presidio_hits / len(in_slice):.1%}")

    ner_texts = texts[:N_NER]
    characters = sum(len(t) for t in ner_texts)
    name_recognizer.ner_model()  # loading is paid once per process, not per text
    with stopwatch() as ner:
        name_recognizer.find_names_many(ner_texts)
    with stopwatch() as patterns:
        scan_residual_pii(pd.DataFrame({"description": pd.Series(ner_texts, dtype="str")}),
                          kinds=KINDS)
    per_million = 1_000_000 / characters
    return [
        result(f"residual scan, {N_VALUES:,} distinct values (8 kinds)", our_rate, "values/s",
               "presidio pattern recognizers", presidio_rate),
        result("residual scan recall on planted values", 100 * our_hits / len(in_slice), "%",
               "presidio pattern recognizers", 100 * presidio_hits / len(in_slice)),
        result("name model (fr_core_news_sm) per 1M characters", ner["seconds"] * per_million,
               "s", "pattern scan of the same text", patterns["seconds"] * per_million),
    ]


if __name__ == "__main__":
    for line in run():
        print(line.line())
