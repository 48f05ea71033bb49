"""The spec model: every field typed, the anonymization policy included, and every
mistake reported with the source and the field."""

from pathlib import Path

import pytest
import yaml

from metadata.specs import DatasetSpec, SpecError, parse_spec
from tests.paths import PROJECT_ROOT

SHIPPED = PROJECT_ROOT / "civic_assets" / "defs" / "datasets" / "service_requests" / "defs.yaml"
VARIABLES = {"CIVIC_VAR_DIR": "/srv/civic"}


def shipped_attributes() -> dict:
    return yaml.safe_load(SHIPPED.read_text())["attributes"]


def problems(data: dict, source: str = "spec.yaml") -> str:
    with pytest.raises(SpecError) as caught:
        parse_spec(data, source=source, variables=VARIABLES)
    return str(caught.value)


def minimal(**fields) -> dict:
    return {"slug": "x_data", "title": {"en": "X"},
            "source": {"type": "file", "path": "a.csv"}, **fields}


def test_the_shipped_spec_is_valid_and_typed():
    spec = parse_spec(shipped_attributes(), source=SHIPPED, variables=VARIABLES)
    assert spec.slug == "service_requests"
    assert spec.source.path == "/srv/civic/dropzone/service_requests"
    assert spec.anonymization.k == 5
    assert spec.anonymization.columns["requester_name"].operator == "drop"
    assert spec.dbt.mart == "service_requests"


def test_errors_name_the_source_and_every_bad_field():
    message = problems({"slug": "bad_dataset", "title": {"en": "Bad"},
                        "source": {"type": "ftp", "path": "x"},
                        "validation": {"record_count_change_threshold": -1},
                        "surprise": True}, source="datasets/bad_dataset/defs.yaml")
    assert message.startswith("datasets/bad_dataset/defs.yaml: ")
    assert "source.type" in message
    assert "validation.record_count_change_threshold" in message
    assert "surprise" in message


@pytest.mark.parametrize(("policy", "field", "says"), [
    ({"columns": {"requester_name": {"operater": "drop"}}},
     "anonymization.columns.requester_name", "operator"),
    ({"columns": {"requester_name": "shred"}}, "anonymization.columns.requester_name", "shred"),
    ({"columns": {"requester_age": {"operator": "generalize", "to": "decade"}}},
     "anonymization.columns.requester_age.generalize.to", "decade"),
    ({"columns": {"description": {"operator": "redact", "kinds": ["emial"]}}},
     "anonymization.columns.description.redact.kinds.0", "emial"),
    ({"suppresion": "rows"}, "anonymization.suppresion", "Extra inputs"),
    ({"quasi_identifiers": ["neighbourhood", "age_rnge"]}, "anonymization",
     "age_rnge is not a column of the spec's dictionary"),
    ({"accepted_quasi_identifiers": [{"column": "department", "reason": "ok"}]},
     "anonymization.accepted_quasi_identifiers.0.reason", "write why"),
    ({"accepted_quasi_identifiers": [{"column": "department"}]},
     "anonymization.accepted_quasi_identifiers.0.reason", "Field required"),
    ({"accepted_quasi_identifiers": [{"column": "wards", "reason": "Wards are public areas."}]},
     "anonymization", "accepted_quasi_identifiers: wards is not a column"),
    ({"accepted_quasi_identifiers": [{"column": "neighbourhood",
                                      "reason": "Neighbourhoods are large here."}]},
     "anonymization", "declare a column, or accept it, not both"),
])
def test_a_typo_in_the_anonymization_policy_names_its_field(policy, field, says):
    data = shipped_attributes()
    data["anonymization"] = {**data["anonymization"], **policy}
    if "columns" in policy:
        data["anonymization"]["columns"] = {**shipped_attributes()["anonymization"]["columns"],
                                            **policy["columns"]}
    message = problems(data, source="service_requests/defs.yaml")
    line = next(line for line in message.splitlines() if line.strip().startswith(f"- {field}:"))
    assert says in line, message


def test_a_quasi_identifier_is_accepted_with_a_written_reason():
    data = shipped_attributes()
    reason = "Departments serve the whole city: the column says nothing about where anyone is."
    data["anonymization"]["accepted_quasi_identifiers"] = [
        {"column": "department", "reason": f"  {reason} "}]
    spec = parse_spec(data, source=SHIPPED, variables=VARIABLES)
    accepted = spec.anonymization.accepted_quasi_identifiers
    assert [(a.column, a.reason) for a in accepted] == [("department", reason)]
    assert spec.anonymization.accepted_columns() == ["department"]
    # a column the policy drops cannot be published, accepted or not
    data["anonymization"]["columns"] = {**data["anonymization"]["columns"], "department": "drop"}
    assert "accepted_quasi_identifiers: department would be dropped" in problems(data)


def test_columns_the_spec_names_must_be_in_its_dictionary():
    message = problems(minimal(dictionary={"a": {"type": "text"}},
                               validation={"key_columns": ["a", "b"], "timestamp_column": "t"}))
    assert "validation: key_columns: b is not a column" in message
    # without a dictionary, columns are known only when the data is there
    assert parse_spec(minimal(validation={"key_columns": ["b"]}), source="s").validation


def test_reviewers_are_roles_of_the_chain():
    message = problems(minimal(approval={"chain": ["data_owner", "final_approver"],
                                         "reviewers": {"data_ownr": ["a@b.ca"]}}))
    assert "approval: reviewers: data_ownr is not a role of the chain" in message


def test_unused_fields_are_gone():
    data = shipped_attributes()
    data["dbt"] = {"source_name": "311", "mart": "service_requests"}
    assert "dbt.source_name: Extra inputs are not permitted" in problems(data)


def test_a_stored_spec_validates_again():
    """The API reads specs back from the catalogue as JSON."""
    spec = parse_spec(shipped_attributes(), source=SHIPPED, variables=VARIABLES)
    stored = spec.model_dump(mode="json")
    assert DatasetSpec.model_validate(stored) == spec.model_copy(update={"spec_path": None})
    assert stored["anonymization"]["columns"]["requester_name"] == {"operator": "drop"}


def test_source_path_variables_are_passed_in_not_read_from_the_environment(monkeypatch):
    data = minimal(source={"type": "file_drop", "path": "${CIVIC_VAR_DIR}/dropzone/drop"})
    assert parse_spec(data, source="s", variables=VARIABLES).source.path == \
        "/srv/civic/dropzone/drop"
    monkeypatch.setenv("CIVIC_VAR_DIR", "/from/the/environment")
    with pytest.raises(SpecError, match=r"source\.path: .*CIVIC_VAR_DIR"):
        parse_spec(data, source="s")


def test_a_spec_must_be_a_mapping(tmp_path: Path):
    with pytest.raises(SpecError, match="must be a mapping"):
        parse_spec(["slug"], source=tmp_path / "defs.yaml")


AREAS = {"dataset": "neighbourhoods", "column": "council_id", "key": "council_id"}


def test_areas_name_a_column_of_the_dictionary_and_another_dataset():
    dictionary = {"council_id": {"type": "integer"}, "requests": {"type": "integer"}}
    spec = parse_spec(minimal(dictionary=dictionary,
                              areas={**AREAS, "label": "council_name",
                                     "measures": ["requests"]}),
                      source="spec.yaml", variables=VARIABLES)
    assert spec.areas.dataset == "neighbourhoods" and spec.areas.measures == ["requests"]

    message = problems(minimal(dictionary=dictionary, areas={**AREAS, "column": "council"}))
    assert "  - areas: column: council is not a column of the spec's dictionary" in message
    message = problems(minimal(dictionary=dictionary, areas={**AREAS, "measures": ["rate"]}))
    assert "  - areas: measures: rate is not a column" in message
    message = problems(minimal(dictionary=dictionary, areas={**AREAS, "dataset": "Not A Slug"}))
    assert "  - areas.dataset: 'Not A Slug' is not a dataset slug" in message
    message = problems(minimal(areas={**AREAS, "dataset": "x_data"}))
    assert "areas: dataset: the areas are another dataset's shapes" in message
    message = problems(minimal(areas={"dataset": "neighbourhoods", "column": "council_id"}))
    assert "areas.key: Field required" in message


@pytest.mark.parametrize("slug", ["la_demand_equity", "la_service_performance",
                                  "la_service_requests"])
def test_the_la_datasets_are_aggregated_to_the_published_councils(slug):
    path = PROJECT_ROOT / "civic_assets" / "defs" / "datasets" / slug / "defs.yaml"
    spec = parse_spec(yaml.safe_load(path.read_text())["attributes"], source=path,
                      variables=VARIABLES)
    assert (spec.areas.dataset, spec.areas.column, spec.areas.key, spec.areas.label) == (
        "neighbourhoods", "council_id", "council_id", "council_name")
