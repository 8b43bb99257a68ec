"""Who may use caseflow: roles, the authenticated principal, and why a credential is refused."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Role(StrEnum):
    """What an account may see and do."""

    LICENSING_OFFICER = "licensing_officer"
    SENIOR_OFFICER = "senior_officer"
    COMMITTEE_CHAIR = "committee_chair"
    STAKEHOLDER = "stakeholder"
    OPERATOR = "operator"
    AGENCY = "agency"


REVIEWERS = (Role.LICENSING_OFFICER, Role.SENIOR_OFFICER)
# Who chairs an escalation level: a senior officer (level 1) or a higher committee's chair.
CHAIRS = (Role.SENIOR_OFFICER, Role.COMMITTEE_CHAIR)


class Principal(BaseModel):
    """An authenticated account: its name, its role and whom it speaks for."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(description="Account name; reviewers act under it (e.g. `officer-17`).")
    role: Role
    agency: str | None = Field(default=None, description="The agency an `agency` account is.")
    stakeholder: str | None = Field(
        default=None, description="The stakeholder id a `stakeholder` account answers for."
    )


class InvalidToken(Exception):
    """A bearer token that is malformed, expired, signed by an unknown key or tampered with."""


class AccountRefused(ValueError):
    """An account that cannot be created or changed, with the reason."""
