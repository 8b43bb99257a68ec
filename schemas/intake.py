"""What intake answers an agency whose submission it cannot register."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from schemas.application import Part
from schemas.envelope import Contract

# The Kafka header in which the trusted agency gateway names the sending agency; production binds
# it to the authenticated Kafka principal. Intake acts only for the agency it names.
AGENCY_HEADER = "caseflow-agency"


class Deficiency(Part):
    """One thing wrong with a submission, precise enough for the agency to fix it."""

    code: str = Field(description="Stable machine-readable code, e.g. `missing_field`.")
    path: str = Field(description="JSON path of the offending value, e.g. `$.items[0].currency`.")
    message: str = Field(description="What is wrong, in plain words.")


class SubmissionRejected(Contract):
    """Event: a submission was not registered; every deficiency is listed."""

    event_type = "SubmissionRejected"

    submitting_agency: str | None = Field(description="The agency, if it could be read.")
    agency_reference: str | None = Field(description="The agency's reference, if readable.")
    rejected_at: datetime
    deficiencies: list[Deficiency] = Field(min_length=1)
    raw_message: str = Field(description="Where the raw message lies: topic/partition/offset.")
