"""The desk's JSON API under /api: sign in, inbox, case, reviewer actions, referrals, clearances.

Every reviewer action is one Temporal Update of the case's workflow; a refused one answers 409
with the workflow's reasons."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, status

from caseflow.auth import REVIEWERS, Principal, Role, require
from caseflow.auth.attempts import SignInRefused
from caseflow.auth.dependencies import client_address, token_of
from desk.access import CASE_READERS, IDENTIFIER, roles_of
from desk.handlers import Desk
from desk.models import (
    Answer,
    Appeal,
    ClearanceRecorded,
    ClearanceRequest,
    ConsultationWanted,
    Countersigning,
    Credentials,
    Decision,
    DeskInput,
    InformationWanted,
    Note,
    PartnerWaiver,
    ReferralDetail,
    Refusal,
    Resolution,
    Task,
    TokenIssued,
)
from schemas.cases import CaseStatus
from schemas.consultation import ReferralAnswered
from schemas.consultation_reads import ReferralState
from schemas.screening import RiskLevel
from workflows import case_client as cases
from workflows.case_client import ReviewerAction
from workflows.inbox import InboxFilter
from workflows.model import CaseView
from workflows.tasks import ActionRecorded

Reader = Annotated[Principal, Depends(require(*CASE_READERS))]
Officer = Annotated[Principal, Depends(require(*REVIEWERS))]
Stakeholder = Annotated[Principal, Depends(require(Role.STAKEHOLDER))]
CaseRef = Annotated[str, Path(pattern=f"^{IDENTIFIER}$", description="Case id or control number.")]
ReferralRef = Annotated[str, Path(pattern=f"^{IDENTIFIER}$", description="The referral's id.")]
# Each reviewer action's route takes its own body; the reviewer is the signed-in account.
ACTION_BODIES: tuple[tuple[ReviewerAction[Any], type[DeskInput]], ...] = (
    (cases.claim, Note),
    (cases.release, Note),
    (cases.decide, Decision),
    (cases.countersign, Countersigning),
    (cases.request_information, InformationWanted),
    (cases.refer_for_consultation, ConsultationWanted),
    (cases.resolve_escalation, Resolution),
    (cases.record_partner_waiver, PartnerWaiver),
    (cases.appeal_escalation, Appeal),
)


def _responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    described = {
        401: "No valid bearer token.",
        403: "The account's role may not do this.",
        404: "No such case, referral or list entry, or not one this account may see.",
        409: "Refused: the workflow's (or consultation's) reasons.",
        422: "A malformed or incomplete request.",
        429: "Too many failed sign-ins: try again after `Retry-After` seconds.",
        503: "The service that owns the change (screening, consultation) does not answer; "
        "nothing was changed.",
    }
    return {code: {"model": Refusal, "description": described[code]} for code in codes}


def build_router(desk: Desk) -> APIRouter:
    """The API's routes on one desk."""
    api = APIRouter(prefix="/api")

    @api.get("/auth/jwks")
    async def jwks() -> dict[str, list[dict[str, Any]]]:
        """The public keys tokens are signed with (a JWKS), for Temporal's own authoriser and
        any other verifier; nothing in it can sign a token."""
        return {"keys": desk.keys.published.keys}

    @api.post("/auth/token", responses=_responses(401, 429))
    async def sign_in(request: Request, credentials: Credentials) -> TokenIssued:
        """Exchange an account's name and password for a bearer token; after repeated failures
        for the name or from the address, attempts wait and then are refused for a while (429,
        `Retry-After`)."""
        try:
            signed = await desk.sign_in(
                credentials.name, credentials.password, client_address(request)
            )
        except SignInRefused as refusal:
            raise HTTPException(
                status.HTTP_429_TOO_MANY_REQUESTS,
                str(refusal),
                headers={"Retry-After": str(refusal.seconds)},
            ) from refusal
        if signed is None:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown name or wrong password")
        return TokenIssued(
            access_token=signed.token, expires_at=signed.expires_at, principal=signed.principal
        )

    @api.get("/me", responses=_responses(401))
    async def me(principal: Annotated[Principal, Depends(require(*Role))]) -> Principal:
        """Who the token names."""
        return principal

    @api.get("/tasks", responses=_responses(401, 403))
    async def inbox(
        principal: Reader,
        case_status: Annotated[
            CaseStatus | None,
            Query(alias="status", description="Default: cases waiting for a reviewer."),
        ] = None,
        risk: RiskLevel | None = None,
        destination: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$")] = None,
        due_before: Annotated[datetime | None, Query(description="Deadline at or before.")] = None,
        overdue: Annotated[bool, Query(description="Only cases past their deadline.")] = False,
    ) -> list[Task]:
        """The task inbox, soonest deadline first; an agency sees its own cases only."""
        wanted = InboxFilter(
            status=case_status,
            risk=risk,
            destination=destination.upper() if destination else None,
            due_before=due_before,
            overdue=overdue,
        )
        return [Task.of(summary) for summary in await desk.inbox(principal, wanted)]

    @api.get("/cases/{case}", responses=_responses(401, 403, 404))
    async def case(principal: Reader, case: CaseRef) -> CaseView:
        """The case as its workflow knows it, with the actions open to the one asking."""
        return await desk.case(principal, case)

    for action, body in ACTION_BODIES:
        _add_action(api, desk, action, body)

    @api.get("/referrals", responses=_responses(401, 403))
    async def referrals(request: Request, principal: Stakeholder) -> list[ReferralState]:
        """Your open referrals, soonest due first."""
        return await desk.referrals(principal, token_of(request))

    @api.get("/referrals/{referral_id}", responses=_responses(401, 403, 404))
    async def referral(
        request: Request, principal: Stakeholder, referral_id: ReferralRef
    ) -> ReferralDetail:
        """One of your referrals, with the case as you may see it (minimised)."""
        state, disclosed = await desk.referral(principal, token_of(request), referral_id)
        return ReferralDetail(referral=state, case=disclosed)

    @api.post(
        "/referrals/{referral_id}/responses",
        status_code=status.HTTP_201_CREATED,
        responses=_responses(401, 403, 404, 409, 422, 503),
    )
    async def respond(
        request: Request, principal: Stakeholder, referral_id: ReferralRef, body: Answer
    ) -> ReferralState:
        """Answer one of your referrals; `need_more_time` moves its deadline once."""
        answer = ReferralAnswered(
            referral_id=referral_id, answered_by=principal.name, **body.model_dump()
        )
        return await desk.respond(principal, token_of(request), answer)

    @api.post(
        "/clearances",
        status_code=status.HTTP_201_CREATED,
        responses=_responses(401, 403, 404, 422, 503),
    )
    async def clear(
        request: Request, principal: Officer, body: ClearanceRequest
    ) -> ClearanceRecorded:
        """Clear a false-positive screening hit for this party and entry from now on (through
        the screening service, which keeps it on the audit trail with who cleared it)."""
        cleared = await desk.clear(
            token_of(request), body.party, body.country, body.entry, body.reason
        )
        return ClearanceRecorded(
            entry=cleared.entry_id,
            party=cleared.party_name,
            country=cleared.country,
            cleared_by=cleared.cleared_by,
            cleared_at=cleared.cleared_at,
            reason=cleared.reason,
        )

    return api


def _add_action(
    api: APIRouter, desk: Desk, action: ReviewerAction[Any], body_model: type[DeskInput]
) -> None:
    """POST /cases/{case}/<action>: for the action's roles, its help text as documentation."""

    async def act(
        request: Request, principal: Principal, case: CaseRef, body: DeskInput
    ) -> ActionRecorded:
        # Who acts is the workflow's to verify: the signed-in actor's token goes with the task.
        task = action.task(token=token_of(request), **body.model_dump())
        return await desk.act(case, action, task)

    # FastAPI reads the body's model and the role check from the annotations.
    act.__annotations__ |= {
        "principal": Annotated[Principal, Depends(require(*roles_of(action)))],
        "body": body_model,
    }
    api.post(
        f"/cases/{{case}}/{action.name}",
        name=action.name.replace("-", "_"),
        description=action.help,
        responses=_responses(401, 403, 404, 409),
    )(act)
