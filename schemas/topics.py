"""Kafka topics: one name per flow of events, created with their partitions by the stack.

Every topic here is internal to caseflow's services except two: agencies write
`caseflow.intake.submissions`, and each agency reads its own `caseflow.agency.<CODE>.cases`
(see `agency_topic`), never `caseflow.cases` or another agency's topic.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    """A Kafka topic and the number of partitions it is created with."""

    name: str
    partitions: int
    description: str


SUBMISSIONS = Topic("caseflow.intake.submissions", 4, "Agency submissions, amendments, withdrawals")
REJECTIONS = Topic("caseflow.intake.rejections", 4, "Submissions refused, with every deficiency")
CASES = Topic("caseflow.cases", 4, "Case lifecycle events, CaseReceived to CaseDecided (internal)")
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

AGENCY_TOPIC_PREFIX = "caseflow.agency."
AGENCY_TOPIC_PARTITIONS = 2
# Kafka topic names allow these characters only; an agency code becomes part of one.
_AGENCY_CODE = re.compile(r"[A-Za-z0-9_-]+")


def agency_topic(agency: str) -> Topic:
    """The one topic an agency reads: what it may see of its own cases, and its refusals."""
    if not _AGENCY_CODE.fullmatch(agency):
        raise ValueError(f"agency code {agency!r} cannot name a Kafka topic")
    return Topic(
        f"{AGENCY_TOPIC_PREFIX}{agency}.cases",
        AGENCY_TOPIC_PARTITIONS,
        f"What agency {agency} may see of its own cases, and its refused submissions",
    )


def agency_topics(agencies: Iterable[str]) -> tuple[Topic, ...]:
    """One delivery topic per agency, in the order given."""
    return tuple(agency_topic(agency) for agency in agencies)
