"""Per-agency delivery: each agency reads its own cases' events on its own topic, nothing more.

`caseflow.cases` is internal: it carries every agency's cases and fields meant for caseflow's
services only. Intake, which knows whose each case is, forwards the events an agency may see to
`caseflow.agency.<CODE>.cases`: its own cases only, and decisions without the officers' names.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from schemas.agency import DecisionIssued
from schemas.cases import CaseAmended, CaseDecided, CaseReceived, CaseStatusChanged, CaseWithdrawn
from schemas.envelope import Contract, Envelope, derived_id
from schemas.intake import SubmissionRejected
from schemas.licences import AGENCY_LICENCE_EVENTS
from schemas.topics import Topic, agency_topic

SOURCE = "caseflow/intake"

# Case events an agency sees as they are: its own application, amendments, withdrawals and the
# statuses it is told of (on_hold: information was requested), and its licences' events (issue,
# shipments recorded or refused, suspension, revocation, conditions due). Deadlines, escalations and
# committee business stay internal.
AS_THEY_ARE: tuple[type[Contract], ...] = (
    CaseReceived,
    CaseAmended,
    CaseWithdrawn,
    CaseStatusChanged,
    *AGENCY_LICENCE_EVENTS,
)
# Every case event intake follows: those it forwards, and the decision (forwarded as issued).
FOLLOWED: tuple[type[Contract], ...] = (*AS_THEY_ARE, CaseDecided)


@dataclass(frozen=True)
class AgencyFacing:
    """An internal case event an agency may see, as the agency will read it."""

    source_id: uuid.UUID
    case_id: str
    correlation_id: str
    data: Contract

    def to(self, agency: str) -> tuple[Topic, Envelope[Contract]]:
        """Addressed to the case's agency; the same event always gets the same id."""
        envelope = Envelope[Contract].wrap(
            self.data,
            source=SOURCE,
            subject=self.case_id,
            correlation_id=self.correlation_id,
            event_id=derived_id("agency-delivery", str(self.source_id)),
        )
        return agency_topic(agency), envelope


def agency_facing(envelope: Envelope[Contract]) -> AgencyFacing | None:
    """The agency's view of a cases-topic event, or None for events agencies do not see."""
    data: Contract = envelope.data
    if not isinstance(data, FOLLOWED):
        return None
    if isinstance(data, CaseDecided):
        data = DecisionIssued.of(data)
    return AgencyFacing(envelope.id, envelope.subject, envelope.correlation_id, data)


def refusal_for_agency(
    agency: str | None,
    known_agencies: frozenset[str],
    refusal: Envelope[SubmissionRejected],
) -> tuple[Topic, Envelope[SubmissionRejected]] | None:
    """A refusal for the agency that sent the message (as the gateway vouched), if it is one.

    The sender named by the gateway, not the agency named in the message, gets the refusal: a
    message naming another agency must tell that agency nothing.
    """
    if agency is None or agency not in known_agencies:
        return None
    copy = refusal.model_copy(update={"id": derived_id("agency-delivery", str(refusal.id))})
    return agency_topic(agency), copy
