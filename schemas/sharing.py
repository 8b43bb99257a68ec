"""Information sharing between subscribing states: an approval despite a partner's denial, and
what travels between the states' points of contact."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, JsonValue, model_validator

from schemas.application import TechnologyCategory
from schemas.cases import DecisionOutcome
from schemas.consultation import CaseParty
from schemas.envelope import Contract, canonical_json
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
        description="The notice itself: a PartnerNotice (denial, risk), an ApprovalDespiteDenial, "
        "a KeyRotated or a PolicyBundle, by `kind`."
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


class PolicyPart(StrEnum):
    """The parts of a state's policy that travel in a bundle, each one data file of its own."""

    SCREENING_POLICY = "screening_policy"  # services/screening/data/policy.json
    ROUTING_POLICY = "routing_policy"  # services/consultation/data/routing.json
    DESTINATIONS = "destinations"  # services/screening/data/destinations.json


def policy_hash(parts: dict[PolicyPart, dict[str, JsonValue]]) -> str:
    """The content hash of a bundle's parts: SHA-256 of their canonical JSON."""
    canonical = canonical_json({part.value: document for part, document in parts.items()})
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


class PolicyBundle(Contract):
    """A state's best practice as data: its screening policy, routing policy and destination
    register in force, versioned per issuing state and published by a verified officer. A
    partner takes it in as a proposal and adopts what it chooses, key by key."""

    event_type = "PolicyBundle"

    issuing_state: CountryCode
    bundle_version: int = Field(ge=1, description="Increases with every bundle of the issuer.")
    content_hash: str = Field(
        pattern=r"^sha256:[0-9a-f]{64}$", description="`policy_hash` of the parts."
    )
    parts: dict[PolicyPart, dict[str, JsonValue]] = Field(
        min_length=1, description="Each part's document as the issuer has it in force."
    )
    published_by: str = Field(min_length=1, max_length=200, description="From a verified token.")
    published_role: str = Field(min_length=1, max_length=40)
    published_at: datetime
    reason: Text = Field(min_length=3, description="Why the issuer published it.")

    @model_validator(mode="after")
    def _hash_matches(self) -> PolicyBundle:
        if policy_hash(self.parts) != self.content_hash:
            raise ValueError("content_hash does not match the parts")
        return self

    @property
    def notice_id(self) -> str:
        """How the bundle travels between points of contact: `DE/policy/3`."""
        return bundle_notice_id(self.issuing_state, self.bundle_version)


def bundle_notice_id(state: str, version: int) -> str:
    """The notice id of a state's policy bundle."""
    return f"{state}/policy/{version}"
