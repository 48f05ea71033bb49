"""Each operator on its own."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from anonymization import MissingSecretError, PiiKind
from anonymization import operators as ops
from anonymization.risk import compute_risk


def test_mask_keeps_last_characters_and_hides_short_values():
    out, count = ops.mask(pd.Series(["613-555-0199", None, "ab"]))
    assert out.tolist()[0] == "********0199" and pd.isna(out[1]) and out[2] == "**"
    assert count == 2


def test_pseudonymization_is_stable_keyed_and_requires_a_key(monkeypatch):
    s = pd.Series(["marie@example.ca", " Marie@Example.ca", "john@example.ca", None])
    a, _ = ops.pseudonymize(s, ops.resolve_secret("k" * 32))
    b, _ = ops.pseudonymize(s, ops.resolve_secret("k" * 32))
    c, _ = ops.pseudonymize(s, ops.resolve_secret("z" * 32))
    assert a.tolist()[:3] == b.tolist()[:3]
    assert a[0] == a[1] != a[2] and pd.isna(a[3])
    assert set(a[:3]).isdisjoint(set(c[:3]))
    assert all(len(t) == 16 and "marie" not in t for t in a[:3])
    with pytest.raises(MissingSecretError, match="CIVIC_PSEUDONYM_KEY"):
        ops.resolve_secret(None)
    with pytest.raises(MissingSecretError, match="at least"):
        ops.resolve_secret("short")
    # the library reads no environment: the caller passes the key
    monkeypatch.setenv(ops.SECRET_ENV, "e" * 32)
    with pytest.raises(MissingSecretError):
        ops.resolve_secret(None)
    assert ops.resolve_secret("e" * 32) == b"e" * 32


def test_generalizations():
    ages, n = ops.generalize_range(pd.Series([0, 37, 39, 85, None]), width=10, top=80)
    assert ages.tolist()[:4] == ["0-9", "30-39", "30-39", "80+"] and pd.isna(ages[4]) and n == 4
    binned, _ = ops.generalize_bins(pd.Series([5, 18, 70]), bins=[0, 18, 65, 200],
                                    labels=["child", "adult", "senior"])
    assert binned.tolist() == ["child", "adult", "senior"]
    when = pd.Series(pd.to_datetime(["2026-03-15 10:42", "2025-12-01 00:01"]))
    assert ops.generalize_date(when, to="month")[0].tolist() == [
        pd.Timestamp("2026-03-01"), pd.Timestamp("2025-12-01")]
    local = when.dt.tz_localize("America/Toronto")  # March 8th 2026 is a DST change
    assert ops.generalize_date(local, to="month")[0][0] == pd.Timestamp(
        "2026-03-01", tz="America/Toronto")
    assert ops.generalize_date(when, to="year")[0].tolist() == [2026, 2025]
    assert ops.generalize_date(when, to="day")[0][0] == pd.Timestamp("2026-03-15")
    fsa, _ = ops.generalize_postal(pd.Series(["K1A 0B1", "k2p1b2", "90210", "garbage"]))
    assert fsa.tolist()[:3] == ["K1A", "K2P", "902"] and pd.isna(fsa[3])


def test_aggregate_to_area_with_points_and_wkt(boundaries, tmp_path):
    df = pd.DataFrame({"lat": [45.36, 45.44, 10.0], "lon": [-75.79, -75.61, 10.0]})
    areas = ops.aggregate_to_area(df, boundaries, latitude="lat", longitude="lon")
    assert areas.tolist()[:2] == ["Centretown", "Old Ottawa South"] and pd.isna(areas[2])
    path = tmp_path / "areas.geojson"
    boundaries.to_file(path, driver="GeoJSON")
    wkt = pd.DataFrame({"where": ["POINT (-75.79 45.36)", None]})
    named = ops.aggregate_to_area(wkt, path, point="where")
    assert named[0] == "Centretown" and pd.isna(named[1])
    with pytest.raises(ops.OperatorError, match="no 'label' property"):
        ops.aggregate_to_area(df, boundaries, latitude="lat", longitude="lon",
                              name_property="label")


def test_redaction_replaces_pii_with_tokens_and_keeps_the_rest():
    text = pd.Series([
        "Call Marie Tremblay at 613-555-0199 or marie@example.ca about 12 Bank Street today.",
        "SIN 130 692 544 and NAS 130692544, postal code K1A 0B1.",
        "Order 123456789 shipped on 2024-03-15 for $19.99.",
        None,
    ])
    out, counts = ops.redact(text, [k for k in PiiKind if k is not PiiKind.FREE_TEXT])
    assert out[0] == ("Call <PERSON_NAME> at <PHONE> or <EMAIL> about <STREET_ADDRESS> today.")
    assert out[1] == "SIN <CA_SIN> and NAS <CA_SIN>, postal code <POSTAL_CODE>."
    assert out[2] == text[2] and pd.isna(out[3])
    assert counts[PiiKind.CA_SIN] == 2 and counts[PiiKind.EMAIL] == 1
    with pytest.raises(ops.OperatorError, match="does not hold text"):
        ops.redact(pd.Series([1, 2]), [PiiKind.EMAIL])


@pytest.mark.parametrize("mode", ["rows", "values"])
def test_suppression_reaches_k(mode):
    rng = np.random.default_rng(5)
    df = pd.DataFrame({"a": rng.integers(0, 8, 3000), "b": rng.choice(list("xyzuvw"), 3000),
                       "c": rng.integers(0, 10, 3000)})
    assert compute_risk(df, ["a", "b", "c"]).k < 5
    out, suppressed, _ = ops.suppress_small_cells(df, ["a", "b", "c"], k=5, mode=mode)
    assert suppressed > 0
    assert compute_risk(out, ["a", "b", "c"]).k >= 5
    if mode == "values":
        assert out[["a", "b", "c"]].isna().all(axis=1).sum() >= 5
