"""Who acts on a case: the actor's signed token, verified when an Update is accepted.

Update validators run when an Update is accepted and never on replay, so they verify the token
against the worker's public keys (which rotate) without making the workflow depend on them. The
handler then reads who acts from the token's claims without verifying again: the same claims
on every replay. A task recorded before tokens names its reviewer and replays as it ran.

This module is passed through the workflow sandbox: the worker installs its verifier here once,
and every workflow's validators reach the same one.
"""

from __future__ import annotations

from typing import NoReturn, Protocol, TypeVar

import jwt
from temporalio import workflow
from temporalio.exceptions import ApplicationError

from caseflow.auth.model import InvalidToken, Principal
from caseflow.auth.tokens import principal_of
from workflows.task_limits import oversized
from workflows.tasks import Reviewer, ReviewerRole, SignedTask

TaskT = TypeVar("TaskT", bound=SignedTask)

OFFICERS = (ReviewerRole.LICENSING_OFFICER, ReviewerRole.SENIOR_OFFICER)
SENIOR = (ReviewerRole.SENIOR_OFFICER,)
# A senior officer chairs the first escalation level, a committee chair the higher ones.
CHAIRS = (ReviewerRole.SENIOR_OFFICER, ReviewerRole.COMMITTEE_CHAIR)


class Verifier(Protocol):
    """What verifies a token: `caseflow.auth.tokens.KeyRing` with public keys."""

    def verify(self, token: str) -> Principal:
        """The principal a valid token of an enabled account names; `InvalidToken` otherwise."""
        ...


_verifier: Verifier | None = None


def install(verifier: Verifier | None) -> None:
    """Make this worker process verify actors' tokens with `verifier` (None: refuse all)."""
    global _verifier  # one verifier per worker process, by design
    _verifier = verifier


def verified(task: TaskT, roles: tuple[ReviewerRole, ...], action: str) -> TaskT:
    """The task with its actor taken from its verified token; refused (an `ActionRefused`
    failure with the reason) without a valid token of an enabled account holding `roles`.
    `action` says what is done, for the refusal ("countersign"). A text or list beyond its
    limit is refused first, each one named."""
    if too_long := oversized(task):
        _refuse("; ".join(too_long))
    if not task.token:
        _refuse(
            "no token: who acts is proven by a signed token (sign in at the desk, or run "
            "`caseflow login`); a reviewer named in the task is not accepted"
        )
    if _verifier is None:
        _refuse("this worker holds no public keys to verify tokens with")
    try:
        # The verifier reads files and the clock, allowed in a validator, which never replays;
        # the modules it loads on first use (cryptography's backend) come from the host.
        with workflow.unsafe.sandbox_unrestricted(), workflow.unsafe.imports_passed_through():
            principal = _verifier.verify(task.token)
    except InvalidToken as error:
        _refuse(f"invalid token: {error}")
    if principal.role.value not in {role.value for role in roles}:
        allowed = " or ".join(_a(role.value) for role in roles)
        _refuse(f"{principal.name} is {_a(principal.role.value)}: only {allowed} can {action}")
    return _bound(task, Reviewer(id=principal.name, role=ReviewerRole(principal.role.value)))


def acting(task: TaskT) -> TaskT:
    """The task as its handler runs it: the actor from its token (verified by the validator when
    the task was accepted), the token itself dropped so that nothing records it. A task with no
    token is one recorded before tokens, replaying."""
    if not task.token:
        return task
    claims = jwt.decode(task.token, options={"verify_signature": False})
    principal = principal_of(claims)
    return _bound(task, Reviewer(id=principal.name, role=ReviewerRole(principal.role.value)))


def _a(role: str) -> str:
    """A role as said in a sentence: "a senior officer", "an operator"."""
    said = role.replace("_", " ")
    return f"{'an' if said[0] in 'aeiou' else 'a'} {said}"


def _bound(task: TaskT, reviewer: Reviewer) -> TaskT:
    return task.model_copy(update={"reviewer": reviewer, "token": None})


def _refuse(reason: str) -> NoReturn:
    raise ApplicationError(reason, type="ActionRefused", non_retryable=True)
