"""The audit service's HTTP API: staff read the trail's rows as stored, with their signed token,
and check the hash chain themselves."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path, Query, Response, status

from caseflow.auth import REVIEWERS, Principal, Role, require
from caseflow.auth.dependencies import Authentication
from caseflow.service_auth import token_checked_api
from caseflow.uow import PoolOwner
from schemas.audit_trail import TrailPage, TrailRow
from services.audit.adapters import rows_after, rows_of_case

# The whole trail holds every case's events: staff read it, agencies and stakeholders do not.
Reader = Annotated[Principal, Depends(require(Role.OPERATOR, *REVIEWERS, Role.COMMITTEE_CHAIR))]
REFUSALS: dict[int | str, dict[str, Any]] = {
    status.HTTP_401_UNAUTHORIZED: {"description": "No token, or a forged or expired one."},
    status.HTTP_403_FORBIDDEN: {
        "description": "Neither an operator's, officer's nor chair's token."
    },
}
PAGE_LIMIT = 5000


def build_api(owner: PoolOwner, authentication: Authentication) -> FastAPI:
    """The audit API on the service's pool; every call but /health needs a token."""
    api = token_checked_api(
        "audit",
        "Operators, officers and committee chairs read the audit trail's rows exactly as stored "
        "(every field, both hashes), to recompute the hash chain themselves: this API never "
        "says whether the chain holds.",
        authentication,
    )

    @api.get("/trail", response_model=TrailPage, responses=REFUSALS)
    async def trail(
        principal: Reader,
        after: Annotated[
            int, Query(ge=0, description="The rows after this seq (0: from the start).")
        ] = 0,
        limit: Annotated[int, Query(ge=1, le=PAGE_LIMIT)] = 1000,
    ) -> Response:
        """Up to `limit` rows after row `after`, in chain order."""
        async with owner.pool.acquire() as connection:
            rows = await rows_after(connection, after, limit)
        page = TrailPage(rows=rows, next=rows[-1].seq if len(rows) == limit else None)
        # Serialised once by the model itself: a verify reads the whole trail page by page.
        return Response(page.model_dump_json(), media_type="application/json")

    @api.get("/trail/cases/{case}", responses=REFUSALS)
    async def trail_of_case(
        principal: Reader,
        case: Annotated[str, Path(max_length=200, description="Case id or control number.")],
    ) -> list[TrailRow]:
        """Every row of one case, in chain order."""
        async with owner.pool.acquire() as connection:
            return await rows_of_case(connection, case)

    return api
