"""Information sharing between subscribing states: an approval despite a partner's denial, and
what travels between the states' points of contact."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, JsonValue

from schemas.application import TechnologyCategory
from schemas.cases import DecisionOutcome
from schemas.consultation import CaseParty
from schemas.envelope import Contract
from schemas.screening import NoticeParty
from schemas.types import ControlCode, CountryCode, Text

APPROVAL_DESPITE_DENIAL: Literal["approval_despite_denial"] = "approval_despite_denial"


class OverriddenDenial(Contract):
    """A partner state's denial notice that an approval went against."""

    event_type = "OverriddenDenial"

    state: CountryCode = Field(description="The state that issued the denial notice.")
    notice_id: str = Field(min_length=1, max_length=120, description="The issuer's notice id.")


class ShareApprovalDespiteDenial(Contract):
    """Command (from the workflow): tell partner states that this state approved an export
    although a partner's denial of an essentially identical transaction matched (EU 2021/821
    Art. 16)."""

    event_type = "ShareApprovalDespiteDenial"

    case_id: str
    issuing_state: CountryCode
    notice_id: str = Field(min_length=1, max_length=120, description="This state's notice id.")
    overridden: list[OverriddenDenial] = Field(min_length=1)
    decision: DecisionOutcome = Field(description="`approved` or `approved_with_conditions`.")
    explanation: Text = Field(min_length=1, description="The officer's rationale.")
    destination_country: CountryCode
    parties: list[CaseParty] = Field(min_length=1, description="The case's parties.")
    technology_categories: list[TechnologyCategory] = Field(min_length=1)
    control_codes: list[ControlCode] = Field(default_factory=list)


class ApprovalDespiteDenial(Contract):
    """Event: a state approved an export although a partner's denial notice of an essentially
    identical transaction matched; it explains why (on `caseflow.sharing.notices`)."""

    event_type = "ApprovalDespiteDenial"

    kind: Literal["approval_despite_denial"] = APPROVAL_DESPITE_DENIAL
    notice_id: str = Field(min_length=1, max_length=120, description="The issuer's notice id.")
    issuing_state: CountryCode = Field(description="The state that approved.")
    issued_on: date
    overridden: list[OverriddenDenial] = Field(
        min_length=1, description="The denial notices the approval went against, by state."
    )
    decision: DecisionOutcome = Field(description="`approved` or `approved_with_conditions`.")
    explanation: Text = Field(
        min_length=1, description="Why the state approved, names of individuals withheld."
    )
    parties: list[NoticeParty] = Field(
        min_length=1, description="End users and consignees; individuals' names withheld."
    )
    technology_categories: list[TechnologyCategory] = Field(min_length=1)
    control_codes: list[str] = Field(default_factory=list)
    destination_country: CountryCode


class ExchangeKind(StrEnum):
    """What travels between points of contact."""

    DENIAL = "denial"
    RISK = "risk"
    APPROVAL_DESPITE_DENIAL = "approval_despite_denial"
    POLICY_BUNDLE = "policy_bundle"
    KEY_ROTATION = "key_rotation"


class KeyRotated(Contract):
    """A state replaced its signing key: signed with the key it replaces, so partners that trust
    that key can trust the new one (and retire the old one after a grace period)."""

    event_type = "KeyRotated"

    state: CountryCode
    previous_key_id: str = Field(min_length=1, max_length=80)
    key_id: str = Field(min_length=1, max_length=80, description="The new key's id.")
    public_key: str = Field(
        min_length=43, max_length=44, description="The new Ed25519 public key, base64url."
    )
    rotated_at: datetime


class ExchangedNotice(Contract):
    """The body of a request between points of contact: one notice of the issuing state, sent
    again unchanged until the addressee acknowledges it."""

    event_type = "ExchangedNotice"

    issuing_state: CountryCode = Field(description="Must be the signing state.")
    kind: ExchangeKind
    notice_id: str = Field(min_length=1, max_length=120, description="The issuer's notice id.")
    notice: dict[str, JsonValue] = Field(
        description="The notice itself: a PartnerNotice (denial, risk), an ApprovalDespiteDenial "
        "or a KeyRotated, by `kind`."
    )


class RiskNoticeDraft(Contract):
    """What an officer writes to warn partner states of a risk; shared once a senior officer
    countersigns it (one PartnerNotice of kind `risk` per destination)."""

    event_type = "RiskNoticeDraft"

    technology_categories: list[TechnologyCategory] = Field(min_length=1, max_length=20)
    control_codes: list[ControlCode] = Field(default_factory=list, max_length=50)
    destinations: list[CountryCode] = Field(min_length=1, max_length=50)
    end_users: list[NoticeParty] = Field(min_length=1, max_length=50)
    risk: Text = Field(min_length=10, description="The risk seen, in the officer's words.")
    sources: list[Annotated[str, Field(min_length=3, max_length=500)]] = Field(
        min_length=1, max_length=20, description="Where it is known from (reports, findings)."
    )
