"""Refusals are counted under the class of their most basic deficiency."""

from __future__ import annotations

from services.intake.reasons import reason_class, refusal_class


def test_unreadable_bytes_count_as_unreadable() -> None:
    assert refusal_class(["not_json"]) == "unreadable"


def test_a_schema_error_outranks_the_registration_rules_it_comes_with() -> None:
    assert refusal_class(["end_use_not_specific", "missing_field"]) == "schema"


def test_a_message_from_no_gateway_counts_as_a_sender_refusal() -> None:
    assert refusal_class(["missing_field", "sender_unknown"]) == "sender"


def test_registration_rules_and_reference_problems_have_classes_of_their_own() -> None:
    assert refusal_class(["due_diligence_too_thin"]) == "registration_rule"
    assert refusal_class(["reference_conflict"]) == "reference"


def test_a_validator_code_not_listed_is_a_schema_error() -> None:
    assert reason_class("unknown_country") == "schema"
    assert reason_class("malformed_control_code") == "schema"
