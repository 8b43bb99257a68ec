"""The desk's pages after the decision: the applicant's appeals and the annual report.

Appeals are read and acted on through the case's Appeal workflow (Temporal Updates, with the
signed-in account's token); the report is asked of the register's API, never of Temporal."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from caseflow.annual_report import to_csv, to_html
from caseflow.auth import REVIEWERS, Principal, Role
from caseflow.auth.dependencies import token_of
from desk.handlers import Desk
from desk.register_client import NotInRegister, RegisterUnavailable
from desk.web import Visitor, back, checked_form, page
from schemas.appeals import AppealResult
from schemas.report import AnnualReport
from workflows import appeal_desk
from workflows.appeal_rules import AppealCountersignature, AppealRuling, AppealView
from workflows.case_client import ActionRefused, CaseNotFound

STAFF = (*REVIEWERS, Role.COMMITTEE_CHAIR, Role.OPERATOR)


def build_router(desk: Desk) -> APIRouter:
    """The appeals pages and the annual report page on one desk."""
    web = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

    @web.get("/appeals")
    async def appeals(request: Request, principal: Visitor) -> Response:
        _admit(principal.role, *REVIEWERS, Role.OPERATOR)
        found = await appeal_desk.find_appeals(desk.temporal)
        return page(request, "appeals.html", principal, appeals=found, now=datetime.now(UTC))

    @web.get("/appeals/{case}")
    async def appeal(request: Request, principal: Visitor, case: str) -> Response:
        _admit(principal.role, *REVIEWERS, Role.OPERATOR)
        try:
            case_id = await appeal_desk.resolve_appeal(desk.temporal, case)
            view = await appeal_desk.appeal_view(desk.temporal, case_id)
        except CaseNotFound as error:
            raise HTTPException(status.HTTP_404_NOT_FOUND, str(error)) from error
        return page(request, "appeal.html", principal, appeal=view, results=list(AppealResult))

    @web.post("/appeals/{case}/rule")
    async def rule(request: Request, principal: Visitor, case: str) -> Response:
        form = await checked_form(request, principal, *REVIEWERS)
        ruling = AppealRuling(
            result=AppealResult(form.get("result", "upheld")),
            rationale=form.get("rationale", ""),
            conditions=[line for line in form.get("conditions", "").splitlines() if line.strip()],
            assessment_conclusion=form.get("conclusion", ""),
            token=token_of(request),
        )
        return await _acted(case, lambda case_id: appeal_desk.rule(desk.temporal, case_id, ruling))

    @web.post("/appeals/{case}/countersign")
    async def countersign(request: Request, principal: Visitor, case: str) -> Response:
        form = await checked_form(request, principal, Role.SENIOR_OFFICER)
        signature = AppealCountersignature(
            agree=form.get("agree", "yes") == "yes",
            note=form.get("note", ""),
            token=token_of(request),
        )
        return await _acted(
            case, lambda case_id: appeal_desk.countersign(desk.temporal, case_id, signature)
        )

    async def _acted(case: str, act: Callable[[str], Awaitable[AppealView]]) -> Response:
        path = f"/appeals/{quote(case)}"
        try:
            view = await act(await appeal_desk.resolve_appeal(desk.temporal, case))
        except (ActionRefused, CaseNotFound) as refusal:
            return back(path, refused=str(refusal))
        return back(path, notice=f"Appeal {view.status.value.replace('_', ' ')}.")

    @web.get("/report")
    async def report(request: Request, principal: Visitor) -> Response:
        _admit(principal.role, *STAFF)
        year = _year(request)
        found = await _annual(desk, principal, year)
        shape = request.query_params.get("format", "html")
        if shape == "csv":
            return PlainTextResponse(
                to_csv(found),
                media_type="text/csv",
                headers={"Content-Disposition": f'attachment; filename="report-{year}.csv"'},
            )
        if shape == "json":
            return Response(found.model_dump_json(indent=2), media_type="application/json")
        return HTMLResponse(to_html(found))

    return web


async def _annual(desk: Desk, principal: Principal, year: int) -> AnnualReport:
    try:
        return await desk.annual_report(principal, year)
    except (NotInRegister, RegisterUnavailable) as error:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(error)) from error


def _year(request: Request) -> int:
    try:
        year = int(request.query_params.get("year", datetime.now(UTC).year))
    except ValueError as error:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "year: a calendar year") from error
    if not 2000 <= year <= 2100:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "year: from 2000 to 2100")
    return year


def _admit(role: Role, *roles: Role) -> None:
    if role not in roles:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this page is not open to your role")
