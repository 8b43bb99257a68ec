"""The register builds a case's record from its events, and pseudonymises it past retention."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from entrypoints.register_samples import END_USER, decided_case
from schemas.register import RecordedEvent, Retention
from services.register.domain import NotACaseEvent, build_case_file, recorded, summarise
from services.register.retention import RetentionPolicy, is_past_retention, pseudonymise
from workflows.closed_cases import closed_case_view

DECIDED = datetime(2020, 3, 2, 12, 0, tzinfo=UTC)
POLICY = RetentionPolicy.load()


def _events(case_id: str = "case-1") -> list[RecordedEvent]:
    return [
        recorded(envelope, topic) for topic, envelope in decided_case(case_id, "Z100001", DECIDED)
    ]


def _retention() -> Retention:
    return Retention(keep_until=POLICY.keep_until(DECIDED), source=POLICY.source)


def test_a_decided_case_s_file_holds_application_screening_actors_decision_and_timeline() -> None:
    events = _events()

    case = build_case_file("case-1", list(reversed(events)), _retention())  # any arrival order

    assert (case.control_number, case.status, case.outcome, case.closed) == (
        "Z100001",
        "decided",
        "denied",
        True,
    )
    assert case.risk_level == "high"
    assert case.application is not None
    assert case.application["destination_country"] == "AE"
    assert [a["reviewer_id"] for a in case.reviewer_actions] == [
        "officer-1",
        "officer-1",
        "senior-1",
    ]
    assert case.decision is not None
    assert case.decision["countersigned_by"] == "senior-1"
    assert case.timeline[0].event == "CaseReceived"
    assert case.timeline[-1].status == "decided"
    assert "decided: denied by officer-1, countersigned by senior-1" in [
        line.note for line in case.timeline
    ]


def test_fields_an_event_gains_later_flow_into_the_record_unchanged() -> None:
    topic, envelope = decided_case("case-1", "Z100001", DECIDED)[-2]
    data = envelope["data"]
    assert isinstance(data, dict)
    data["assessment"] = {"conclusion": "deny", "sources": ["UN OHCHR report"]}

    case = build_case_file("case-1", [recorded(envelope, topic)], _retention())

    assert case.decision is not None
    assert case.decision["assessment"] == {"conclusion": "deny", "sources": ["UN OHCHR report"]}


def test_an_event_naming_no_case_is_not_recorded() -> None:
    envelope: dict[str, Any] = {
        "id": "9b0b1b0e-3a52-4f0c-9f4e-9d2f7c5b8a11",
        "type": "ListUpdated.v1",
        "time": DECIDED.isoformat(),
        "data": {"list_name": "csl"},
    }
    with pytest.raises(NotACaseEvent):
        recorded(envelope, "caseflow.screening.results")


def test_retention_is_five_years_after_the_decision_by_eu_2021_821_art_27() -> None:
    assert POLICY.keep_years_after_decision == 5
    assert "2021/821" in POLICY.source
    assert "Art. 27" in POLICY.source
    assert POLICY.keep_until(DECIDED) == datetime(2025, 3, 2, 12, 0, tzinfo=UTC)
    assert not is_past_retention(POLICY, DECIDED, datetime(2025, 3, 2, 11, 59, tzinfo=UTC))
    assert is_past_retention(POLICY, DECIDED, datetime(2025, 3, 2, 12, 0, tzinfo=UTC))


def test_a_decision_on_29_february_is_kept_until_28_february() -> None:
    leap = datetime(2024, 2, 29, tzinfo=UTC)
    assert POLICY.keep_until(leap) == datetime(2029, 2, 28, tzinfo=UTC)


def test_pseudonymising_replaces_individuals_and_actors_and_keeps_the_decision() -> None:
    events = _events()

    done = pseudonymise(events, b"k" * 32)

    text = json.dumps([event.data for event in done.events])
    for personal in (END_USER, "officer-1", "senior-1"):
        assert personal not in text
    case = build_case_file("case-1", done.events, _retention())
    assert case.decision is not None
    assert (case.outcome, case.decided_at) == ("denied", DECIDED)
    assert case.decision["human_rights_assessment"] == (
        "Surveillance of journalists documented; no mitigation suffices."
    )
    decided_by, countersigned_by = case.decision["decided_by"], case.decision["countersigned_by"]
    assert str(decided_by).startswith("person-")
    assert decided_by != countersigned_by
    # The same person has the same pseudonym throughout the case: who did what stays readable.
    assert case.reviewer_actions[0]["reviewer_id"] == decided_by
    assert "Risk of serious human-rights abuse by the end user person-" in str(
        case.decision["rationale"]
    )
    application: Any = case.application
    assert application["end_users"][0]["address"]["street"] == "(pseudonymised)"
    assert "CaseDecided$.decided_by" in done.fields
    assert "CaseReceived$.application.end_users[0].name" in done.fields
    # Organisations are no one's personal data: they stay.
    registered: Any = events[0].data["application"]
    assert application["applicant"] == registered["applicant"]


def test_digests_survive_pseudonymisation_so_the_audit_chain_still_vouches_for_the_case() -> None:
    events = _events()
    done = pseudonymise(events, b"k" * 32)
    assert [e.digest for e in done.events] == [e.digest for e in events]


def test_the_case_line_names_the_case_without_personal_data() -> None:
    line = summarise("case-1", _events())
    assert (line.submitting_agency, line.destination_country, line.outcome) == (
        "NL-CDIU",
        "AE",
        "denied",
    )
    assert END_USER not in line.model_dump_json()


def test_a_closed_case_from_the_register_reads_as_every_case_view_does() -> None:
    case = build_case_file("case-1", _events(), _retention())

    view = closed_case_view(case)

    assert (view.control_number, view.status.value, view.open_actions) == ("Z100001", "decided", [])
    assert view.decided is not None
    assert (view.decided.outcome.value, view.decided.countersigned_by) == ("denied", "senior-1")
    assert view.screening is not None
    assert view.screening.risk_level.value == "high"
    assert view.application.end_users[0].name == END_USER
    assert "register of record" in view.alert
    assert len(view.timeline) == len(case.timeline)
