"""The desk's JSON API under /api: sign in, inbox, case, reviewer actions, referrals, clearances.

Every reviewer action is one Temporal Update of the case's workflow; a refused one answers 409
with the workflow's reasons."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, status

from caseflow.auth import CHAIRS, REVIEWERS, Principal, Role, require
from caseflow.auth.attempts import SignInRefused
from caseflow.auth.dependencies import client_address
from desk.access import CASE_READERS, IDENTIFIER, InboxFilter, reviewer_of
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
from schemas.screening import RiskLevel
from services.consultation.queries import ReferralState
from workflows import desk as cases
from workflows.model import CaseView
from workflows.tasks import (
    ActionRecorded,
    ConsultationReferral,
    Countersignature,
    EscalationAppeal,
    EscalationResolution,
    InformationRequest,
    PartnerWaiverRequest,
    ReviewDecision,
    ReviewerTask,
)

Reader = Annotated[Principal, Depends(require(*CASE_READERS))]
Officer = Annotated[Principal, Depends(require(*REVIEWERS))]
Senior = Annotated[Principal, Depends(require(Role.SENIOR_OFFICER))]
Chair = Annotated[Principal, Depends(require(*CHAIRS))]
Stakeholder = Annotated[Principal, Depends(require(Role.STAKEHOLDER))]
CaseRef = Annotated[str, Path(pattern=f"^{IDENTIFIER}$", description="Case id or control number.")]
ReferralRef = Annotated[str, Path(pattern=f"^{IDENTIFIER}$", description="The referral's id.")]


def _responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    described = {
        401: "No valid bearer token.",
        403: "The account's role may not do this.",
        404: "No such case or referral, or not one this account may see.",
        409: "Refused: the workflow's (or consultation's) reasons.",
        422: "A malformed or incomplete request.",
        429: "Too many failed sign-ins: try again after `Retry-After` seconds.",
    }
    return {code: {"model": Refusal, "description": described[code]} for code in codes}


def build_router(desk: Desk) -> APIRouter:
    """The API's routes on one desk."""
    api = APIRouter(prefix="/api")

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
        wanted = InboxFilter(case_status, risk, destination, due_before, overdue)
        return [Task.of(summary) for summary in await desk.inbox(principal, wanted)]

    @api.get("/cases/{case}", responses=_responses(401, 403, 404))
    async def case(principal: Reader, case: CaseRef) -> CaseView:
        """The case as its workflow knows it, with the actions open to the one asking."""
        return await desk.case(principal, case)

    actions = _responses(401, 403, 404, 409)

    @api.post("/cases/{case}/claim", responses=actions)
    async def claim(principal: Officer, case: CaseRef, body: Note) -> ActionRecorded:
        """Claim a case under review: from now on only you act on it."""
        task = ReviewerTask(reviewer=reviewer_of(principal), note=body.note)
        return await desk.act(case, cases.claim, task)

    @api.post("/cases/{case}/release", responses=actions)
    async def release(principal: Officer, case: CaseRef, body: Note) -> ActionRecorded:
        """Release a case you claimed back to the queue."""
        task = ReviewerTask(reviewer=reviewer_of(principal), note=body.note)
        return await desk.act(case, cases.release, task)

    @api.post("/cases/{case}/decide", responses=actions)
    async def decide(principal: Officer, case: CaseRef, body: Decision) -> ActionRecorded:
        """Decide a case you claimed; a denial or a risky approval awaits a countersignature."""
        task = ReviewDecision(reviewer=reviewer_of(principal), **body.model_dump())
        return await desk.act(case, cases.decide, task)

    @api.post("/cases/{case}/countersign", responses=actions)
    async def countersign(principal: Senior, case: CaseRef, body: Countersigning) -> ActionRecorded:
        """Countersign a sign-off as a second senior officer, or send it back with a note."""
        task = Countersignature(reviewer=reviewer_of(principal), **body.model_dump())
        return await desk.act(case, cases.countersign, task)

    @api.post("/cases/{case}/hold", responses=actions)
    async def hold(principal: Officer, case: CaseRef, body: InformationWanted) -> ActionRecorded:
        """Ask the agency for information: the case goes on hold and its clock stops."""
        task = InformationRequest(reviewer=reviewer_of(principal), questions=body.questions)
        return await desk.act(case, cases.request_information, task)

    @api.post("/cases/{case}/refer", responses=actions)
    async def refer(principal: Officer, case: CaseRef, body: ConsultationWanted) -> ActionRecorded:
        """Refer a case you claimed for consultation."""
        task = ConsultationReferral(reviewer=reviewer_of(principal), **body.model_dump())
        return await desk.act(case, cases.refer_for_consultation, task)

    @api.post("/cases/{case}/resolve", responses=actions)
    async def resolve(principal: Chair, case: CaseRef, body: Resolution) -> ActionRecorded:
        """Decide an escalation as the chair of the committee at its level."""
        task = EscalationResolution(reviewer=reviewer_of(principal), **body.model_dump())
        return await desk.act(case, cases.resolve_escalation, task)

    @api.post("/cases/{case}/waive-partner", responses=actions)
    async def waive_partner(
        principal: Senior, case: CaseRef, body: PartnerWaiver
    ) -> ActionRecorded:
        """Record why partner states that denied an essentially identical transaction are not
        consulted before approval (EU 2021/821 Art. 16)."""
        task = PartnerWaiverRequest(reviewer=reviewer_of(principal), **body.model_dump())
        return await desk.act(case, cases.record_partner_waiver, task)

    @api.post("/cases/{case}/appeal", responses=actions)
    async def appeal(principal: Senior, case: CaseRef, body: Appeal) -> ActionRecorded:
        """Record a dissenting agency's appeal of a committee's decision to the next level."""
        task = EscalationAppeal(reviewer=reviewer_of(principal), **body.model_dump())
        return await desk.act(case, cases.appeal_escalation, task)

    @api.get("/referrals", responses=_responses(401, 403))
    async def referrals(principal: Stakeholder) -> list[ReferralState]:
        """Your open referrals, soonest due first."""
        return await desk.referrals(principal)

    @api.get("/referrals/{referral_id}", responses=_responses(401, 403, 404))
    async def referral(principal: Stakeholder, referral_id: ReferralRef) -> ReferralDetail:
        """One of your referrals, with the case as you may see it (minimised)."""
        state, disclosed = await desk.referral(principal, referral_id)
        return ReferralDetail(referral=state, case=disclosed)

    @api.post(
        "/referrals/{referral_id}/responses",
        status_code=status.HTTP_201_CREATED,
        responses=_responses(401, 403, 404, 409, 422),
    )
    async def respond(
        principal: Stakeholder, referral_id: ReferralRef, body: Answer
    ) -> ReferralState:
        """Answer one of your referrals; `need_more_time` moves its deadline once."""
        answer = ReferralAnswered(
            referral_id=referral_id, answered_by=principal.name, **body.model_dump()
        )
        return await desk.respond(principal, answer)

    @api.post(
        "/clearances", status_code=status.HTTP_201_CREATED, responses=_responses(401, 403, 422)
    )
    async def clear(principal: Officer, body: ClearanceRequest) -> ClearanceRecorded:
        """Clear a false-positive screening hit for this party and entry from now on."""
        cleared = await desk.clear(principal, body.party, body.country, body.entry, body.reason)
        return ClearanceRecorded(
            entry=cleared.entry_id,
            party=body.party,
            country=body.country.upper(),
            cleared_by=cleared.cleared_by,
            cleared_at=cleared.cleared_at,
            reason=cleared.reason,
        )

    return api
