"""Intake's HTTP API: staff read what came in since a moment, with their signed token."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, status

from caseflow.auth import REVIEWERS, Principal, Role, require
from caseflow.auth.dependencies import Authentication, install
from caseflow.http import refuse_invalid_requests
from caseflow.uow import PoolOwner
from schemas.intake_reads import IntakeSince
from services.intake.queries import intake_since

Reader = Annotated[Principal, Depends(require(Role.OPERATOR, *REVIEWERS))]
REFUSALS: dict[int | str, dict[str, Any]] = {
    status.HTTP_401_UNAUTHORIZED: {"description": "No token, or a forged or expired one."},
    status.HTTP_403_FORBIDDEN: {"description": "Neither an operator's nor an officer's token."},
}


def build_api(owner: PoolOwner, authentication: Authentication) -> FastAPI:
    """The intake API on the service's pool; every call but /health needs a token."""
    api = FastAPI(
        title="caseflow intake",
        version="1.0.0",
        description="Operators and officers read what intake received since a moment: "
        "messages acted on, cases registered, refusals by reason class. Agencies submit on "
        "Kafka, never here. Every call but /health needs a bearer token (401 without a valid "
        "one, 403 for a role that may not).",
    )
    install(api, authentication)
    refuse_invalid_requests(api)

    @api.get("/received", responses=REFUSALS)
    async def received(
        principal: Reader,
        since: Annotated[datetime, Query(description="From this moment (with its offset).")],
    ) -> IntakeSince:
        """Messages acted on, cases registered and refusals by class since `since`."""
        async with owner.pool.acquire() as connection:
            return await intake_since(connection, since)

    @api.get("/health")
    async def health() -> dict[str, str]:
        """Liveness: the API answers."""
        return {"status": "ok"}

    return api
