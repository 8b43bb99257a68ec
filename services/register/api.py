"""The register's HTTP API: a case's file, a search of closed cases, the retention purge.

Every request carries a signed token; an agency reads its own cases only (another's answers 404,
as an unknown case does, so nothing leaks)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Path, Query, Response, status

from caseflow.auth import REVIEWERS, Authentication, Principal, Role, install, require
from caseflow.http import refuse_invalid_requests
from caseflow.uow import PoolOwner, PostgresStore
from schemas.envelope import utcnow
from schemas.register import CaseFile, CaseLine, PurgeReport, RegisterRefusal
from schemas.report import AnnualReport
from services.register import adapters
from services.register.adapters import CaseSearch, RegisterUnitOfWork
from services.register.handlers import UnknownCase, case_file, purge
from services.register.report import annual_report
from services.register.retention import RetentionPolicy

READERS = (*REVIEWERS, Role.COMMITTEE_CHAIR, Role.OPERATOR, Role.AGENCY)
Reader = Annotated[Principal, Depends(require(*READERS))]
Operator = Annotated[Principal, Depends(require(Role.OPERATOR))]
# The annual report counts every agency's cases: staff read it, an agency does not.
Staff = Annotated[Principal, Depends(require(*REVIEWERS, Role.COMMITTEE_CHAIR, Role.OPERATOR))]
CaseRef = Annotated[
    str, Path(pattern=r"^[A-Za-z0-9._-]{1,100}$", description="Case id or control number.")
]
REFUSALS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid bearer token."},
    403: {"description": "The account's role may not do this."},
    404: {"model": RegisterRefusal, "description": "The register holds no such case (for you)."},
}


def _unknown(reference: str) -> HTTPException:
    refusal = RegisterRefusal(
        reason="unknown_case", message=f"the register holds no case {reference!r}"
    )
    return HTTPException(status.HTTP_404_NOT_FOUND, refusal.model_dump())


def build_api(
    owner: PoolOwner,
    store: PostgresStore[RegisterUnitOfWork],
    policy: RetentionPolicy,
    authentication: Authentication,
    clock: Callable[[], datetime] = utcnow,
) -> FastAPI:
    """The register API on the service's pool."""
    api = FastAPI(
        title="caseflow register",
        version="1.0.0",
        description="The register of record: every case's file built from its events, kept "
        f"{policy.keep_years_after_decision} years after the decision ({policy.source}), then "
        "pseudonymised with the decision kept.",
    )
    refuse_invalid_requests(api)
    install(api, authentication)

    @api.get("/cases/{case}", response_model=CaseFile, responses=REFUSALS)
    async def get_case(principal: Reader, case: CaseRef) -> Response:
        """A case's file: application, amendments, screenings, consultation, reviewer actions
        with their actors, the decision, the timeline and its retention."""
        async with owner.pool.acquire() as connection:
            try:
                found = await case_file(connection, case, policy)
            except UnknownCase as error:
                raise _unknown(case) from error
        if principal.role is Role.AGENCY and principal.agency != found.submitting_agency:
            raise _unknown(case)
        # Serialised once by the model itself: the page is what the desk waits on.
        return Response(found.model_dump_json(), media_type="application/json")

    @api.get("/cases", responses=REFUSALS)
    async def list_closed(
        principal: Reader,
        agency: Annotated[str | None, Query(max_length=40)] = None,
        outcome: Annotated[str | None, Query(max_length=40)] = None,
        destination: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$")] = None,
        risk: Annotated[str | None, Query(max_length=20)] = None,
        control_code: Annotated[str | None, Query(max_length=40)] = None,
        decided_from: datetime | None = None,
        decided_to: datetime | None = None,
        q: Annotated[
            str | None, Query(max_length=100, description="A control number or agency reference.")
        ] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> list[CaseLine]:
        """Closed cases, latest decision first; an agency's own only."""
        search = CaseSearch(
            agency=principal.agency or "" if principal.role is Role.AGENCY else agency,
            outcome=outcome,
            destination=destination.upper() if destination else None,
            risk=risk,
            control_code=control_code,
            decided_from=decided_from,
            decided_to=decided_to,
            text=q,
        )
        async with owner.pool.acquire() as connection:
            return await adapters.closed_cases(connection, search, limit, offset)

    @api.post("/retention/purge", responses=REFUSALS)
    async def purge_past_retention(
        principal: Operator,
        dry_run: Annotated[bool, Query(description="Say what would change; change nothing.")],
    ) -> PurgeReport:
        """Pseudonymise the personal data of cases past retention, keeping their decisions."""
        return await purge(store, policy, clock(), dry_run)

    @api.get("/reports/annual", responses=REFUSALS)
    async def get_annual_report(
        principal: Staff,
        year: Annotated[int, Query(ge=2000, le=2100, description="The calendar year (UTC).")],
    ) -> AnnualReport:
        """The year's figures from the register alone: applications; decisions by outcome,
        destination, control category and technology; human-rights denials and their grounds;
        consultations and positions; processing times and deadline breaches; notices; appeals."""
        async with (
            owner.pool.acquire() as connection,
            # One snapshot: every section counts the same register.
            connection.transaction(isolation="repeatable_read", readonly=True),
        ):
            return await annual_report(connection, year, clock())

    @api.get("/health")
    async def health() -> dict[str, str]:
        """Liveness: the API answers."""
        return {"status": "ok"}

    return api
