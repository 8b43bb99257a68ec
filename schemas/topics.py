"""Kafka topics: one name per flow of events, created with their partitions by the stack."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    """A Kafka topic and the number of partitions it is created with."""

    name: str
    partitions: int
    description: str


SUBMISSIONS = Topic("caseflow.intake.submissions", 4, "Agency submissions, amendments, withdrawals")
REJECTIONS = Topic("caseflow.intake.rejections", 4, "Submissions refused, with every deficiency")
CASES = Topic("caseflow.cases", 4, "Case lifecycle events, CaseReceived to CaseDecided")
SCREENING_REQUESTS = Topic("caseflow.screening.requests", 4, "Requests to screen a case")
SCREENING_RESULTS = Topic("caseflow.screening.results", 4, "Screening results with findings")
CONSULTATION_REQUESTS = Topic("caseflow.consultation.requests", 4, "Requests to consult")
CONSULTATION_RESPONSES = Topic("caseflow.consultation.responses", 4, "Consultation outcomes")
SHARING_NOTICES = Topic("caseflow.sharing.notices", 1, "Denial and risk notices between states")
REVIEW_ACTIONS = Topic("caseflow.review.actions", 4, "Every reviewer task a case accepted")
PARKED = Topic(
    "caseflow.parked", 1, "Messages a consumer gave up on, kept for an operator to replay"
)

ALL_TOPICS: tuple[Topic, ...] = (
    SUBMISSIONS,
    REJECTIONS,
    CASES,
    SCREENING_REQUESTS,
    SCREENING_RESULTS,
    CONSULTATION_REQUESTS,
    CONSULTATION_RESPONSES,
    SHARING_NOTICES,
    REVIEW_ACTIONS,
    PARKED,
)
