"""Referrals and their rules: answers, the one extension, silence, and dissent. No I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from schemas.consultation import (
    Position,
    ReferralAnswered,
    ReferralStatus,
    StakeholderKind,
    StakeholderPosition,
)

APPROVING = frozenset({Position.NO_OBJECTION, Position.APPROVE_WITH_CONDITIONS})


class ResponseRefused(Exception):
    """An answer that changes nothing; `reason` is a stable code, the message says why."""

    reason = "refused"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownReferral(ResponseRefused):
    """No referral has this id."""

    reason = "unknown_referral"


class LateResponse(ResponseRefused):
    """The referral's deadline had passed when the answer came."""

    reason = "late"


class AlreadyAnswered(ResponseRefused):
    """The stakeholder has answered this referral before."""

    reason = "already_answered"


class ExtensionAlreadyGranted(ResponseRefused):
    """A referral gets one extension only."""

    reason = "extension_already_granted"


class ReferralAlreadyCancelled(ResponseRefused):
    """The case ended before the referral was answered: no answer is taken any more."""

    reason = "cancelled"


class IncompleteAnswer(ResponseRefused):
    """An answer missing what its position needs (a rationale, conditions)."""

    reason = "incomplete_answer"


@dataclass(frozen=True)
class Referral:
    """One stakeholder asked for its position on one case."""

    referral_id: str
    request_id: str
    case_id: str
    stakeholder_id: str
    stakeholder_name: str
    stakeholder_kind: StakeholderKind
    opened_at: datetime
    due_at: datetime
    status: ReferralStatus = ReferralStatus.OPEN
    extended: bool = False
    position: Position | None = None
    rationale: str = ""
    conditions: tuple[str, ...] = field(default=())
    answered_at: datetime | None = None
    answered_by: str = ""
    extended_by: str = ""
    channel: str = ""
    reminded_at: datetime | None = None
    reminded_for: datetime | None = None  # the deadline the last reminder was about
    cancelled_at: datetime | None = None
    cancel_reason: str = ""

    def names(self) -> dict[str, str]:
        """What every event about this referral names (`ReferralFact`)."""
        return {
            "referral_id": self.referral_id,
            "request_id": self.request_id,
            "case_id": self.case_id,
            "stakeholder_id": self.stakeholder_id,
        }

    def overdue(self, now: datetime) -> bool:
        """Still open although its deadline has passed."""
        return self.status is ReferralStatus.OPEN and now > self.due_at

    def answer(self, answer: ReferralAnswered, now: datetime, extension: timedelta) -> Referral:
        """Record the answer; `need_more_time` takes the one extension instead."""
        self._refuse_if_cancelled()
        if self.status is ReferralStatus.ANSWERED:
            raise AlreadyAnswered(
                f"referral {self.referral_id} was answered ({self.position}) at {self.answered_at}"
            )
        if self.status is ReferralStatus.DEEMED_NO_OBJECTION or now > self.due_at:
            raise LateResponse(
                f"referral {self.referral_id} was due at {self.due_at.isoformat()}; "
                "silence past the deadline counts as no objection"
            )
        if answer.position is Position.NEED_MORE_TIME:
            return self.extend(extension, answer.answered_by or self.stakeholder_id)
        _check_complete(answer)
        return replace(
            self,
            status=ReferralStatus.ANSWERED,
            position=answer.position,
            rationale=answer.rationale,
            conditions=tuple(answer.conditions),
            answered_at=now,
            answered_by=answer.answered_by,
        )

    def extend(self, extension: timedelta, granted_by: str) -> Referral:
        """Move the deadline once; a second extension is refused."""
        self._refuse_if_cancelled()
        if self.status is not ReferralStatus.OPEN:
            raise AlreadyAnswered(
                f"referral {self.referral_id} is {self.status}; nothing to extend"
            )
        if self.extended:
            raise ExtensionAlreadyGranted(
                f"referral {self.referral_id} was already extended once, to "
                f"{self.due_at.isoformat()}"
            )
        return replace(self, due_at=self.due_at + extension, extended=True, extended_by=granted_by)

    def expire(self, deadline: datetime) -> Referral | None:
        """The round's `deadline` passed: silence is deemed no objection, unless the referral's
        one extension runs beyond it.

        The workflow owns the timers, so its deadline is trusted over this referral's own record
        (which may lie a moment later, set when the request arrived); only an extension, which
        the workflow learnt of through `ReferralExtended`, keeps a referral open.
        """
        if self.status is not ReferralStatus.OPEN or (self.extended and self.due_at > deadline):
            return None
        return replace(self, status=ReferralStatus.DEEMED_NO_OBJECTION)

    def remind(self, now: datetime) -> Referral | None:
        """Remind a stakeholder that has not answered, once per deadline of its own (an
        extension re-arms the reminder); None when there is nothing to remind of."""
        if self.status is not ReferralStatus.OPEN or self.reminded_for == self.due_at:
            return None
        if now >= self.due_at:
            return None
        return replace(self, reminded_at=now, reminded_for=self.due_at)

    def cancel(self, reason: str, now: datetime) -> Referral | None:
        """The case ended: an open referral is closed as cancelled; a closed one stays as it is."""
        if self.status is not ReferralStatus.OPEN:
            return None
        return replace(
            self, status=ReferralStatus.CANCELLED, cancelled_at=now, cancel_reason=reason
        )

    def _refuse_if_cancelled(self) -> None:
        if self.status is ReferralStatus.CANCELLED:
            at = self.cancelled_at.isoformat() if self.cancelled_at else "before"
            raise ReferralAlreadyCancelled(
                f"referral {self.referral_id} was cancelled at {at}: {self.cancel_reason}; "
                "no answer is taken"
            )

    def final_position(self) -> StakeholderPosition:
        """The position this referral contributes to the outcome (after it is closed)."""
        deemed = self.status is ReferralStatus.DEEMED_NO_OBJECTION
        return StakeholderPosition(
            referral_id=self.referral_id,
            stakeholder_id=self.stakeholder_id,
            stakeholder_name=self.stakeholder_name,
            stakeholder_kind=self.stakeholder_kind,
            position=Position.NO_OBJECTION if deemed else _known(self.position),
            deemed_no_objection=deemed,
            rationale=self.rationale,
            conditions=list(self.conditions),
            answered_at=self.answered_at,
        )


def _known(position: Position | None) -> Position:
    assert position is not None, "an answered referral has a position"
    return position


def _check_complete(answer: ReferralAnswered) -> None:
    if answer.position is not Position.NO_OBJECTION and not answer.rationale.strip():
        raise IncompleteAnswer(f"a rationale is required for {answer.position.value}")
    if answer.position is Position.APPROVE_WITH_CONDITIONS and not answer.conditions:
        raise IncompleteAnswer("approve_with_conditions needs at least one condition")


@dataclass(frozen=True)
class Outcome:
    """Every stakeholder's final position, and whether they disagree."""

    positions: list[StakeholderPosition]
    dissent: bool
    summary: str

    @property
    def deemed(self) -> list[str]:
        """The stakeholders recorded as no objection because they stayed silent."""
        return [p.stakeholder_id for p in self.positions if p.deemed_no_objection]


def outcome(referrals: Sequence[Referral]) -> Outcome | None:
    """The consultation's outcome once every referral is answered or expired, else None.

    Dissent: at least one stakeholder recommends denial while at least one other approves (no
    objection, approval with conditions, or no objection deemed by silence). Unanimous denial or
    unanimous approval, with or without conditions, is no dissent. A consultation nobody could
    be referred (all conflicted, or routing chose nobody) concludes at once without positions.
    A cancelled consultation (the case ended first) never concludes.
    """
    if any(r.status in (ReferralStatus.OPEN, ReferralStatus.CANCELLED) for r in referrals):
        return None
    if not referrals:
        return Outcome([], dissent=False, summary="no stakeholder could be referred")
    positions = [referral.final_position() for referral in referrals]
    denying = [p.stakeholder_id for p in positions if p.position is Position.RECOMMEND_DENIAL]
    approving = [p.stakeholder_id for p in positions if p.position in APPROVING]
    dissent = bool(denying and approving)
    summary = (
        f"{', '.join(denying)} recommend denial; {', '.join(approving)} approve"
        if dissent
        else "unanimous: denial recommended"
        if denying
        else "unanimous: approve"
    )
    return Outcome(positions, dissent, summary)
