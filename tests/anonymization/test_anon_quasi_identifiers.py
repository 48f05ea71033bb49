"""Column roles, undeclared quasi-identifiers with the k they would give, time generalization."""

from __future__ import annotations

import pandas as pd
import pytest

from anonymization import anonymize, compute_risk, parse_policy
from anonymization import operators as ops
from anonymization.quasi_identifiers import (
    ColumnRole,
    QuasiKind,
    classify_columns,
    undeclared_quasi_identifiers,
)
from anonymization.synthetic import POLICY_311

SECRET = "test-key-0123456789abcdef-not-for-production"


def test_every_column_of_the_311_table_gets_a_role(frame_311):
    roles = {c.column: (c.role, c.quasi_kind) for c in classify_columns(frame_311)}
    direct = {c for c, (role, _) in roles.items() if role is ColumnRole.DIRECT_IDENTIFIER}
    assert direct == {"requester_name", "requester_phone", "requester_email", "street_address",
                      "description"}
    assert roles["neighbourhood"] == (ColumnRole.QUASI_IDENTIFIER, QuasiKind.LOCATION)
    assert roles["ward"] == (ColumnRole.QUASI_IDENTIFIER, QuasiKind.LOCATION)
    assert roles["postal_code"] == (ColumnRole.QUASI_IDENTIFIER, QuasiKind.LOCATION)
    assert roles["created_at"] == (ColumnRole.QUASI_IDENTIFIER, QuasiKind.TIME)
    assert roles["requester_age"] == (ColumnRole.QUASI_IDENTIFIER, QuasiKind.DEMOGRAPHIC)
    for other in ("request_id", "status", "request_type", "response_time_hours", "priority"):
        assert roles[other][0] is ColumnRole.OTHER, other


def test_adult_columns_by_name():
    adult = pd.DataFrame({"sex": ["Male"], "age": [39], "race": ["White"],
                          "marital-status": ["Never-married"], "native-country": ["Cuba"],
                          "occupation": ["Sales"], "salary-class": ["<=50K"], "fsa": ["K1A"]})
    roles = {c.column: (c.role, c.quasi_kind) for c in classify_columns(adult)}
    for qi in ("sex", "age", "race", "marital-status", "native-country"):
        assert roles[qi] == (ColumnRole.QUASI_IDENTIFIER, QuasiKind.DEMOGRAPHIC), qi
    assert roles["occupation"][0] is roles["salary-class"][0] is ColumnRole.SENSITIVE
    assert roles["fsa"] == (ColumnRole.QUASI_IDENTIFIER, QuasiKind.LOCATION)


def test_undeclared_quasi_identifiers_are_named_with_their_k(frame_311, boundaries):
    out, report = anonymize(frame_311, POLICY_311, boundaries=boundaries, secret=SECRET)
    assert report.risk_after.k >= 5  # over the declared ones only
    declared = POLICY_311["quasi_identifiers"]
    found = {u.column: u for u in undeclared_quasi_identifiers(out, declared)}
    assert {"ward", "created_at", "closed_at"} <= set(found)
    ward = found["ward"]
    expected = compute_risk(out, [*POLICY_311["quasi_identifiers"], "ward"])
    assert (ward.k_declared, ward.k_with_column) == (report.risk_after.k, expected.k)
    assert ward.k_with_column < 5 and "'ward'" in ward.message(5) and "k = " in ward.message(5)
    # an explicitly accepted column is not reported again
    accepted = undeclared_quasi_identifiers(out, POLICY_311["quasi_identifiers"],
                                            accepted=["ward", "created_at", "closed_at"])
    assert {u.column for u in accepted}.isdisjoint({"ward", "created_at", "closed_at"})


def test_a_policy_over_all_quasi_identifiers_holds_k(frame_311, boundaries):
    # the request type is published as a category, not a quasi-identifier, here
    policy = dict(POLICY_311)
    policy["quasi_identifiers"] = ["neighbourhood", "age_range", "postal_fsa", "created_at"]
    policy["columns"] = dict(POLICY_311["columns"]) | {
        "created_at": {"operator": "generalize", "to": "month"},
        "closed_at": "drop", "ward": "drop",
    }
    out, report = anonymize(frame_311, policy, boundaries=boundaries, secret=SECRET)
    assert report.risk_after.k >= 5 and len(out) > 0.8 * len(frame_311)
    assert undeclared_quasi_identifiers(out, policy["quasi_identifiers"]) == []


def test_time_generalizes_to_hour_day_week_month():
    when = pd.Series(pd.to_datetime(["2026-03-12 10:42:07", "2026-03-15 23:59:59", None]))
    hour, count = ops.generalize_date(when, to="hour")
    assert hour[0] == pd.Timestamp("2026-03-12 10:00") and count == 2 and pd.isna(hour[2])
    week, _ = ops.generalize_date(when, to="week")
    assert week.tolist()[:2] == [pd.Timestamp("2026-03-09")] * 2  # both in the week of Monday 9
    assert ops.generalize_date(when, to="day")[0][1] == pd.Timestamp("2026-03-15")
    assert parse_policy({"columns": {"t": {"operator": "generalize", "to": "week"}}})
    with pytest.raises(ops.OperatorError, match="hour, day, week"):
        ops.generalize_date(when, to="decade")
