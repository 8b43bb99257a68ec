"""Registration rules: each deficiency class reported exactly, every one of them listed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from entrypoints.samples import sample_applications, submission
from services.intake.config import load_policy
from services.intake.domain import Deficient, Examined, Submission, examine_message

POLICY = load_policy()


def sample_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(submission(sample_applications()[1]).to_bytes())
    return document


def examine(raw: bytes, agency: str | None = "NL-CDIU") -> Examined:
    """Examine as sent through the gateway by `agency` (the sample's agency by default)."""
    return examine_message(raw, POLICY, agency)


def refused(document: object) -> Deficient:
    raw = document if isinstance(document, bytes) else json.dumps(document).encode()
    data = document.get("data") if isinstance(document, dict) else None
    agency = data.get("submitting_agency") if isinstance(data, dict) else "NL-CDIU"
    result = examine(raw, agency if isinstance(agency, str) else "NL-CDIU")
    assert isinstance(result, Deficient), "expected the submission to be refused"
    return result


def codes_and_paths(result: Deficient) -> set[tuple[str, str]]:
    return {(deficiency.code, deficiency.path) for deficiency in result.deficiencies}


def test_a_complete_application_is_registrable() -> None:
    result = examine(json.dumps(sample_document()).encode())
    assert isinstance(result, Submission)
    assert result.application.agency_reference.startswith("CDIU-26-7731")


def test_bytes_that_are_not_utf8_are_refused_as_such() -> None:
    result = refused(b'{"id": "\xff\xfe"}')
    assert codes_and_paths(result) == {("not_utf8", "$")}


def test_text_that_is_not_json_is_refused_with_its_position() -> None:
    result = refused(b'{"id": ')
    assert codes_and_paths(result) == {("not_json", "$")}
    assert "line 1" in result.deficiencies[0].message


def test_an_oversized_message_is_refused_before_parsing() -> None:
    result = refused(b"[" * (POLICY.max_message_bytes + 1))
    assert codes_and_paths(result) == {("too_large", "$")}


def test_a_json_array_is_not_an_envelope() -> None:
    assert codes_and_paths(refused([1, 2])) == {("not_an_object", "$")}


def test_an_unknown_schema_version_is_named() -> None:
    document = sample_document()
    document["type"] = "SubmitApplication.v9"
    assert ("unsupported_version", "$.type") in codes_and_paths(refused(document))


def test_an_unknown_message_type_is_named() -> None:
    document = sample_document()
    document["type"] = "OrderPizza.v1"
    assert ("unknown_type", "$.type") in codes_and_paths(refused(document))


def test_missing_fields_are_listed_with_their_paths() -> None:
    document = sample_document()
    del document["data"]["ultimate_consignee"]
    del document["data"]["items"][0]["currency"]
    assert codes_and_paths(refused(document)) == {
        ("missing_field", "$.data.ultimate_consignee"),
        ("missing_field", "$.data.items[0].currency"),
    }


def test_an_application_without_items_is_refused() -> None:
    document = sample_document()
    document["data"]["items"] = []
    assert ("invalid_value", "$.data.items") in codes_and_paths(refused(document))


def test_an_application_without_end_users_is_refused() -> None:
    document = sample_document()
    document["data"]["end_users"] = []
    assert ("invalid_value", "$.data.end_users") in codes_and_paths(refused(document))


@pytest.mark.parametrize("code", ["5A01.j", "ABC", "5a001", "EAR-99", "5A001.J"])
def test_malformed_control_codes_are_refused(code: str) -> None:
    document = sample_document()
    document["data"]["items"][0]["control_code"] = code
    result = refused(document)
    assert codes_and_paths(result) == {("malformed_control_code", "$.data.items[0].control_code")}
    assert code in result.deficiencies[0].message


@pytest.mark.parametrize("code", ["5A001.j", "4A005", "EAR99", "4E001.c", "1C350.b.1", "0A981"])
def test_wellformed_control_codes_are_accepted(code: str) -> None:
    document = sample_document()
    document["data"]["items"][0]["control_code"] = code
    assert isinstance(examine(json.dumps(document).encode()), Submission)


def test_unknown_country_and_currency_codes_are_refused() -> None:
    document = sample_document()
    document["data"]["destination_country"] = "XX"
    document["data"]["applicant"]["address"]["country"] = "de"
    document["data"]["items"][1]["currency"] = "EUD"
    assert codes_and_paths(refused(document)) == {
        ("unknown_country", "$.data.destination_country"),
        ("unknown_country", "$.data.applicant.address.country"),
        ("unknown_currency", "$.data.items[1].currency"),
    }


def test_quantities_and_values_must_be_positive() -> None:
    document = sample_document()
    document["data"]["items"][0]["quantity"] = "0"
    document["data"]["items"][0]["unit_value"] = "-5"
    paths = {path for code, path in codes_and_paths(refused(document)) if code == "invalid_value"}
    assert {"$.data.items[0].quantity", "$.data.items[0].unit_value"} <= paths


def test_a_total_that_is_not_quantity_times_unit_value_is_refused() -> None:
    document = sample_document()
    document["data"]["items"][0]["total_value"] = "1"
    assert codes_and_paths(refused(document)) == {
        ("total_value_mismatch", "$.data.items[0].total_value")
    }


@pytest.mark.parametrize("statement", ["civil use", "TBD", "for the customer"])
def test_an_end_use_statement_without_substance_is_refused(statement: str) -> None:
    document = sample_document()
    document["data"]["end_use_statement"] = statement
    assert codes_and_paths(refused(document)) == {
        ("end_use_not_specific", "$.data.end_use_statement")
    }


def test_due_diligence_not_performed_or_thin_is_refused() -> None:
    document = sample_document()
    document["data"]["due_diligence"]["performed"] = False
    document["data"]["due_diligence"]["end_user_assessed"] = False
    document["data"]["due_diligence"]["summary"] = "all fine"
    assert codes_and_paths(refused(document)) == {
        ("due_diligence_not_performed", "$.data.due_diligence.performed"),
        ("end_user_not_assessed", "$.data.due_diligence.end_user_assessed"),
        ("due_diligence_too_thin", "$.data.due_diligence.summary"),
    }


def test_an_agency_outside_the_registry_is_refused() -> None:
    document = sample_document()
    document["data"]["submitting_agency"] = "XX-NOBODY"
    result = refused(document)
    assert codes_and_paths(result) == {("unknown_agency", "$.data.submitting_agency")}
    assert result.agency == "XX-NOBODY"


def test_unknown_fields_are_refused() -> None:
    document = sample_document()
    document["data"]["items"][0]["colour"] = "green"
    assert codes_and_paths(refused(document)) == {("unknown_field", "$.data.items[0].colour")}


def test_schema_errors_and_rule_breaches_are_listed_together() -> None:
    document = sample_document()
    document["data"]["submitting_agency"] = "XX-NOBODY"
    document["data"]["end_use_statement"] = "n/a"
    del document["data"]["purchaser"]
    assert codes_and_paths(refused(document)) == {
        ("unknown_agency", "$.data.submitting_agency"),
        ("end_use_not_specific", "$.data.end_use_statement"),
        ("missing_field", "$.data.purchaser"),
    }


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(raw=st.binary(max_size=400))
def test_random_bytes_never_crash_validation(raw: bytes) -> None:
    result = examine(raw)
    assert isinstance(result, Deficient)
    assert result.deficiencies


@settings(max_examples=300, deadline=None)
@given(path_choice=st.integers(min_value=0, max_value=10_000), replacement=json_values)
def test_mutated_submissions_never_crash_and_refusals_name_a_deficiency(
    path_choice: int, replacement: object
) -> None:
    document = sample_document()
    containers = list(_containers(document))
    container, key = containers[path_choice % len(containers)]
    container[key] = replacement
    result = examine(json.dumps(document).encode())
    if isinstance(result, Deficient):
        assert result.deficiencies
        assert all(
            deficiency.code and deficiency.path.startswith("$")
            for deficiency in result.deficiencies
        )


def _containers(value: Any) -> Any:
    if isinstance(value, dict):
        for key, child in value.items():
            yield value, key
            yield from _containers(child)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield value, index
            yield from _containers(child)


def test_an_agency_cannot_submit_in_another_agencys_name() -> None:
    raw = json.dumps(sample_document()).encode()
    result = examine(raw, agency="DE-BAFA")
    assert isinstance(result, Deficient)
    assert [(d.code, d.path) for d in result.deficiencies] == [
        ("not_your_case", "$.data.submitting_agency")
    ]


def test_an_amended_application_is_checked_like_a_new_one_at_its_own_path() -> None:
    document = sample_document()
    application = document["data"]
    application["end_use_statement"] = "TBD"
    application["items"][0]["currency"] = "XYZ"
    amend = {
        **document,
        "type": "AmendApplication.v1",
        "data": {
            "submitting_agency": application["submitting_agency"],
            "agency_reference": application["agency_reference"],
            "reason": "updated quantities",
            "application": application,
        },
    }
    assert codes_and_paths(refused(amend)) == {
        ("end_use_not_specific", "$.data.application.end_use_statement"),
        ("unknown_currency", "$.data.application.items[0].currency"),
    }
