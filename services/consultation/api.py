"""The stakeholders' HTTP API: answer a referral, see open and overdue referrals."""

from __future__ import annotations

from typing import Annotated

from fastapi import FastAPI, HTTPException, Query, status
from pydantic import BaseModel, Field

from caseflow.http import refuse_invalid_requests
from caseflow.uow import PoolOwner
from schemas.consultation import Position, ReferralAnswered
from schemas.envelope import utcnow
from schemas.types import Text
from services.consultation.domain import IncompleteAnswer, ResponseRefused, UnknownReferral
from services.consultation.handlers import answer_referral
from services.consultation.policy import RoutingPolicy
from services.consultation.ports import ConsultationStore
from services.consultation.queries import ReferralState, referral_states


class Response(BaseModel):
    """A stakeholder's answer to its referral."""

    position: Position = Field(description="`need_more_time` asks for the one extension.")
    rationale: Text = Field(default="", description="Why; required unless no objection.")
    conditions: list[Text] = Field(default_factory=list, description="Conditions proposed.")
    answered_by: str = Field(default="", max_length=200, description="Who answers.")


class Refusal(BaseModel):
    """Why an answer changed nothing."""

    reason: str = Field(
        description="`unknown_referral`, `late`, `already_answered`, `cancelled`, …"
    )
    message: str


# 422 by number: its constant's name differs between Starlette versions.
UNPROCESSABLE = 422
REFUSALS = {
    status.HTTP_404_NOT_FOUND: {"model": Refusal, "description": "No such referral."},
    status.HTTP_409_CONFLICT: {
        "model": Refusal,
        "description": "Late (deadline passed), already answered, extension already used, or "
        "cancelled (the case ended before the answer).",
    },
    UNPROCESSABLE: {
        "model": Refusal,
        "description": "Missing rationale or conditions (a malformed body gets FastAPI's "
        "validation error instead).",
    },
}


def refusal_status(refusal: ResponseRefused) -> int:
    """The HTTP status of a refused answer: unknown 404, incomplete 422, otherwise 409."""
    if isinstance(refusal, UnknownReferral):
        return status.HTTP_404_NOT_FOUND
    if isinstance(refusal, IncompleteAnswer):
        return UNPROCESSABLE
    return status.HTTP_409_CONFLICT


def build_api(owner: PoolOwner, store: ConsultationStore, policy: RoutingPolicy) -> FastAPI:
    """The consultation API on the service's pool and store."""
    api = FastAPI(
        title="caseflow consultation",
        version="1.0.0",
        description="Stakeholders answer referrals (no objection, approve with conditions, "
        "recommend denial, need more time); officers list open and overdue referrals. Late, "
        "duplicate and unknown-referral answers are refused with their reason and change nothing.",
    )
    refuse_invalid_requests(api)

    @api.get("/referrals", response_model=list[ReferralState])
    async def list_referrals(
        stakeholder: Annotated[str | None, Query(description="Only this stakeholder's.")] = None,
        overdue: Annotated[bool, Query(description="Only those past their deadline.")] = False,
    ) -> list[ReferralState]:
        """Open referrals per stakeholder, soonest due first."""
        async with owner.pool.acquire() as connection:
            return await referral_states(
                connection, utcnow(), stakeholder=stakeholder, overdue_only=overdue
            )

    @api.get("/referrals/{referral_id}", responses={404: REFUSALS[404]})
    async def get_referral(referral_id: str) -> ReferralState:
        """One referral: status, deadline, position."""
        async with owner.pool.acquire() as connection:
            found = await referral_states(connection, utcnow(), referral_id=referral_id)
        if not found:
            raise HTTPException(
                404, Refusal(reason="unknown_referral", message=referral_id).model_dump()
            )
        return found[0]

    @api.post(
        "/referrals/{referral_id}/responses",
        status_code=status.HTTP_201_CREATED,
        responses=REFUSALS,  # type: ignore[arg-type]
    )
    async def respond(referral_id: str, response: Response) -> ReferralState:
        """Answer a referral; `need_more_time` moves its deadline once."""
        answer = ReferralAnswered(referral_id=referral_id, **response.model_dump())
        try:
            await answer_referral(answer, "http", store, policy, utcnow())
        except ResponseRefused as refusal:
            body = Refusal(reason=refusal.reason, message=refusal.message)
            raise HTTPException(refusal_status(refusal), body.model_dump()) from refusal
        return await get_referral(referral_id)

    @api.get("/health")
    async def health() -> dict[str, str]:
        """Liveness: the API answers."""
        return {"status": "ok"}

    return api
