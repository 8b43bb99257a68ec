"""Intake's HTTP API: staff read what came in since a moment, and an agency (or staff) where a
reference stands, with their signed token."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, status

from caseflow.auth import REVIEWERS, Principal, Role, require
from caseflow.auth.dependencies import Authentication
from caseflow.service_auth import token_checked_api
from caseflow.uow import PoolOwner
from schemas.envelope import utcnow
from schemas.intake_reads import IntakeSince, ReferenceStanding
from services.intake.queries import intake_since, standing_of, unreadable_for

Reader = Annotated[Principal, Depends(require(Role.OPERATOR, *REVIEWERS))]
StandingReader = Annotated[Principal, Depends(require(Role.AGENCY, Role.OPERATOR, *REVIEWERS))]
# Unreadable submissions whose sender could not be seen are shown to every agency this long.
UNREADABLE_SHOWN_FOR = timedelta(days=14)
REFUSALS: dict[int | str, dict[str, Any]] = {
    status.HTTP_401_UNAUTHORIZED: {"description": "No token, or a forged or expired one."},
    status.HTTP_403_FORBIDDEN: {
        "description": "A role that may not read this, or an agency asking of another's reference."
    },
}


def build_api(owner: PoolOwner, authentication: Authentication) -> FastAPI:
    """The intake API on the service's pool; every call but /health needs a token."""
    api = token_checked_api(
        "intake",
        "Operators and officers read what intake received since a moment: messages acted on, "
        "cases registered, refusals by reason class. An agency reads where its own references "
        "stand (staff, any agency's). Agencies submit on Kafka, never here.",
        authentication,
    )

    @api.get("/received", responses=REFUSALS)
    async def received(
        principal: Reader,
        since: Annotated[datetime, Query(description="From this moment (with its offset).")],
    ) -> IntakeSince:
        """Messages acted on, cases registered and refusals by class since `since`."""
        async with owner.pool.acquire() as connection:
            return await intake_since(connection, since)

    @api.get("/standing", responses=REFUSALS)
    async def standing(
        principal: StandingReader,
        agency: Annotated[str, Query(max_length=40, description="The agency's registry code.")],
        reference: Annotated[str, Query(max_length=200, description="The agency's reference.")],
    ) -> ReferenceStanding:
        """The case under an agency reference, the refusals it drew and, with no case, the
        unreadable batches of the last 14 days that may have been it; an agency's own only."""
        if principal.role is Role.AGENCY and principal.agency != agency:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "an agency reads its own references")
        async with owner.pool.acquire() as connection:
            case, refusals = await standing_of(connection, agency, reference)
            unreadable = (
                []
                if case
                else await unreadable_for(
                    connection, agency, reference, utcnow() - UNREADABLE_SHOWN_FOR
                )
            )
        return ReferenceStanding(
            agency=agency, reference=reference, case=case, refusals=refusals, unreadable=unreadable
        )

    return api
