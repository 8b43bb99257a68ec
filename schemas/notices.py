"""A denial, risk or approval-despite-denial notice as a list of notices shows it: what
consultation's API answers for those this state shared, screening's for those partners sent."""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field


class ListedKind(StrEnum):
    """A notice's kind, as the notice records it."""

    DENIAL = "denial"
    RISK = "risk"
    APPROVAL_DESPITE_DENIAL = "approval_despite_denial"


class NoticeListed(BaseModel):
    """One notice: when it was shared or received, its kind, issuer, destination, parties and
    reason (or, for an approval despite a denial, the explanation)."""

    at: datetime = Field(description="When this state shared it, or received it.")
    kind: ListedKind
    issuing_state: str
    notice_id: str
    destination_country: str
    case_id: str = Field(default="", description="The case it was shared from (ours only).")
    parties: list[str] = Field(description="The parties' names as the notice gives them.")
    about: str = Field(description="The reason given, or the explanation of an approval.")

    @classmethod
    def of_stored(cls, at: datetime, notice: str, case_id: str = "") -> NoticeListed:
        """The listing of a notice kept as its JSON (a PartnerNotice or ApprovalDespiteDenial)."""
        fields = json.loads(notice)
        return cls(
            at=at,
            kind=ListedKind(fields["kind"]),
            issuing_state=fields["issuing_state"],
            notice_id=fields["notice_id"],
            destination_country=fields.get("destination_country", ""),
            case_id=case_id,
            parties=[party["name"] for party in fields.get("parties", [])],
            about=fields.get("reason") or fields.get("explanation") or "",
        )
