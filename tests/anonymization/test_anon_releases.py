"""Differencing: two releases one record apart are flagged; identical ones are not."""

from __future__ import annotations

import numpy as np
import pandas as pd

from anonymization import compute_risk
from anonymization.releases import compare_releases

QIS = ["neighbourhood", "age_range"]


def _release(n: int = 2000, seed: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "request_id": [f"SR-{i:05d}" for i in range(n)],
        "neighbourhood": rng.choice(["Glebe", "Vanier", "Westboro"], n),
        "age_range": rng.choice(["30-39", "40-49"], n),
        "status": rng.choice(["Open", "Closed"], n),
    })


def test_one_record_apart_is_flagged_and_the_record_named():
    previous = _release()
    newcomer = pd.DataFrame({"request_id": ["SR-99999"], "neighbourhood": ["Vanier"],
                             "age_range": ["30-39"], "status": ["Open"]})
    current = pd.concat([previous, newcomer], ignore_index=True)
    assert compute_risk(previous, QIS).k >= 5 and compute_risk(current, QIS).k >= 5
    diff = compare_releases(previous, current, QIS, k=5)
    assert diff.flagged and (diff.added, diff.removed) == (1, 0)
    assert diff.singled_out["request_id"].tolist() == ["SR-99999"]
    assert diff.singled_out["_change"].tolist() == ["added"]
    assert "fewer than 5" in diff.message()


def test_removed_and_changed_records_are_singled_out_too():
    previous = _release()
    current = previous.drop(index=[10]).copy()
    current.loc[20, "status"] = "Closed" if previous.loc[20, "status"] == "Open" else "Open"
    diff = compare_releases(previous, current, QIS, k=5, key="request_id")
    assert (diff.added, diff.removed, diff.changed) == (1, 2, 1)
    assert set(diff.singled_out["request_id"]) == {previous.loc[10, "request_id"],
                                                   previous.loc[20, "request_id"]}


def test_identical_and_reordered_releases_are_clean_and_large_changes_pass():
    previous = _release()
    assert not compare_releases(previous, previous.sample(frac=1, random_state=1), QIS).flagged
    # a batch of new records spread so that each class gains at least k
    batch = _release(60, seed=9).assign(request_id=[f"SR-9{i:04d}" for i in range(60)])
    batch = batch.sort_values(QIS)
    sizes = batch.groupby(QIS).size()
    big = sizes[sizes >= 5].index
    batch = batch.set_index(QIS).loc[big].reset_index()
    diff = compare_releases(previous, pd.concat([previous, batch], ignore_index=True), QIS)
    assert diff.added == len(batch) and not diff.flagged
