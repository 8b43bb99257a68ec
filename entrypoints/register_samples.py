"""A decided case's events as the services publish them: for tests, the bench and the docs."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from pydantic import JsonValue

from entrypoints.samples import sample_applications
from schemas.application import PartyKind, SubmitApplication
from schemas.cases import CaseDecided, CaseReceived, CaseStatus, CaseStatusChanged, DecisionOutcome
from schemas.envelope import Contract, Envelope
from schemas.review import ReviewerActed
from schemas.screening import Finding, FindingCategory, RiskLevel, ScreeningCompleted
from schemas.topics import CASES, REVIEW_ACTIONS, SCREENING_RESULTS

END_USER = "Maria Fernanda Oliveira"  # an individual end user: personal data


def individual_application(reference: str) -> SubmitApplication:
    """A sample application whose end user is a person, not an organisation."""
    application = sample_applications(reference)[1]
    person = application.end_users[0].model_copy(
        update={"name": END_USER, "kind": PartyKind.INDIVIDUAL}
    )
    return application.model_copy(update={"end_users": [person], "agency_reference": reference})


def decided_case(
    case_id: str, control_number: str, decided_at: datetime, reference: str = "REF-1"
) -> list[tuple[str, dict[str, JsonValue]]]:
    """(topic, envelope) of a denied case: registered, screened, claimed, signed off,
    countersigned, decided."""
    application = individual_application(reference)
    start = decided_at - timedelta(days=20)
    agency = application.submitting_agency

    def wrap(topic: str, data: Contract, at: datetime) -> tuple[str, dict[str, JsonValue]]:
        envelope = Envelope.wrap(
            data, source="caseflow/sample", subject=case_id, correlation_id=case_id
        )
        return topic, envelope.model_copy(update={"time": at}).model_dump(mode="json")

    def status(value: CaseStatus, at: datetime) -> tuple[str, dict[str, JsonValue]]:
        changed = CaseStatusChanged(
            case_id=case_id,
            control_number=control_number,
            submitting_agency=agency,
            agency_reference=reference,
            status=value,
            changed_at=at,
        )
        return wrap(CASES.name, changed, at)

    def acted(
        action: str, who: str, role: str, now: CaseStatus, at: datetime
    ) -> tuple[str, dict[str, JsonValue]]:
        task: dict[str, JsonValue] = {
            "reviewer": {"id": who, "role": role},
            "note": f"{action} by {who}",
        }
        event = ReviewerActed(
            case_id=case_id,
            control_number=control_number,
            action=action,
            reviewer_id=who,
            reviewer_role=role,
            acted_at=at,
            status=now,
            task=task,
        )
        return wrap(REVIEW_ACTIONS.name, event, at)

    received = CaseReceived(
        case_id=case_id, control_number=control_number, registered_at=start, application=application
    )
    screened = ScreeningCompleted(
        request_id=f"{case_id}/screening/1",
        case_id=case_id,
        risk_level=RiskLevel.HIGH,
        findings=[
            Finding(
                category=FindingCategory.END_USE,
                severity=RiskLevel.HIGH,
                evidence=f"end user {END_USER}",
                explanation="The end user is named in reports of surveillance of journalists.",
            )
        ],
        policy_version="policy-1",
        list_version="csl@1",
        screened_at=start + timedelta(hours=1),
    )
    decided = CaseDecided(
        case_id=case_id,
        control_number=control_number,
        submitting_agency=agency,
        agency_reference=reference,
        outcome=DecisionOutcome.DENIED,
        decided_at=decided_at,
        decided_by="officer-1",
        countersigned_by="senior-1",
        rationale=f"Risk of serious human-rights abuse by the end user {END_USER}.",
        human_rights_assessment="Surveillance of journalists documented; no mitigation suffices.",
    )
    return [
        wrap(CASES.name, received, start),
        status(CaseStatus.SCREENING, start + timedelta(minutes=1)),
        wrap(SCREENING_RESULTS.name, screened, start + timedelta(hours=1)),
        status(CaseStatus.UNDER_REVIEW, start + timedelta(hours=1, minutes=1)),
        acted(
            "claim",
            "officer-1",
            "licensing_officer",
            CaseStatus.UNDER_REVIEW,
            start + timedelta(days=2),
        ),
        acted(
            "decide",
            "officer-1",
            "licensing_officer",
            CaseStatus.SIGNED_OFF,
            start + timedelta(days=5),
        ),
        acted("countersign", "senior-1", "senior_officer", CaseStatus.DECIDED, decided_at),
        wrap(CASES.name, decided, decided_at),
        status(CaseStatus.DECIDED, decided_at),
    ]


def new_case_id() -> str:
    """A fresh case id, as intake makes them."""
    return str(uuid.uuid4())
