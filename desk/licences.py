"""The desk's licence pages: the list, and one licence as a printable page."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse, Response

from caseflow.auth import Role
from desk.access import CASE_READERS
from desk.handlers import Desk
from desk.web import Visitor, page
from schemas.licences import LicenceStatus
from workflows.licence_desk import LicenceNotFound, find_licences, licence_view

LIST_LIMIT = 500


def build_router(desk: Desk) -> APIRouter:
    """The licence pages on one desk; an agency sees its own licences only."""
    web = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

    @web.get("/licences")
    async def licences(request: Request, principal: Visitor) -> Response:
        _admit(principal.role)
        wanted = request.query_params.get("status", "")
        clauses = [f"LicenceStatus = '{wanted}'"] if wanted in set(LicenceStatus) else []
        if principal.role is Role.AGENCY:
            clauses.append(f"SubmittingAgency = '{principal.agency}'")
        found = await find_licences(desk.temporal, " AND ".join(clauses), LIST_LIMIT)
        return page(
            request,
            "licences.html",
            principal,
            licences=found,
            wanted=wanted,
            statuses=list(LicenceStatus),
        )

    @web.get("/licences/{reference}")
    async def licence(request: Request, principal: Visitor, reference: str) -> Response:
        _admit(principal.role)
        try:
            view = await licence_view(desk.temporal, reference)
        except LicenceNotFound as error:
            raise HTTPException(status.HTTP_404_NOT_FOUND, str(error)) from error
        if principal.role is Role.AGENCY and view.licence.submitting_agency != principal.agency:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no licence for {reference}")
        return page(request, "licence.html", principal, view=view, now=datetime.now(UTC))

    return web


def _admit(role: Role) -> None:
    if role not in CASE_READERS:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this page is not open to your role")
