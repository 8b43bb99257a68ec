"""The desk's risk-notice pages: this state's notices (an officer writes one, a senior officer
who did not write it countersigns it, and it is shared) and the risk and denial notices partner
states sent.

Every call goes to the point of contact's API (the `sharing` service) with the signed-in
account's token: the service checks the role and the four eyes again, and keeps the notices."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from caseflow.auth import REVIEWERS, Role
from caseflow.auth.dependencies import token_of
from caseflow.service_api import ServiceRefused
from desk.forms import lines, text
from desk.handlers import Desk
from desk.web import Visitor, back, checked_form, page
from schemas.application import TechnologyCategory
from schemas.screening import PartnerNotice
from schemas.sharing import RiskNoticeDraft

READERS = (*REVIEWERS, Role.OPERATOR)
LIST_LIMIT = 100
PATH = "/risk-notices"


class OwnRiskNotice(BaseModel):
    """A risk notice of this state: waiting for its countersignature, or shared."""

    id: int
    draft: RiskNoticeDraft
    written_by: str
    written_at: datetime
    countersigned_by: str | None = None
    countersigned_at: datetime | None = None


class ReceivedNotice(BaseModel):
    """A risk or denial notice a partner state sent, verified by the point of contact."""

    issuing_state: str
    notice_id: str
    received_at: datetime
    notice: PartnerNotice


class DraftRefused(ValueError):
    """The form does not make a risk notice; every deficiency is listed."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))


def read_draft(form: FormData) -> RiskNoticeDraft:
    """The risk notice the form describes; `DraftRefused` lists every deficiency."""
    problems: list[str] = []
    end_users: list[dict[str, Any]] = []
    for number, line in enumerate(lines(form, "end_users"), 1):
        name, _, country = line.rpartition(":")
        if not name.strip() or len(country.strip()) != 2:
            problems.append(f"end user line {number}: give NAME:CC (e.g. Falcon Vision LLC:AE)")
            continue
        end_users.append({"role": "end_user", "name": name.strip(), "country": country.upper()})
    wanted = {
        "technology_categories": [v for v in form.getlist("technology") if isinstance(v, str)],
        "destinations": _codes(text(form, "destinations")),
        "control_codes": _codes(text(form, "control_codes")),
        "end_users": end_users,
        "risk": text(form, "risk"),
        "sources": lines(form, "sources"),
    }
    unreadable = bool(problems)
    try:
        draft = RiskNoticeDraft.model_validate(wanted)
    except ValidationError as error:
        for found in error.errors():
            if found["loc"][:1] == ("end_users",) and unreadable and not end_users:
                continue  # the unreadable lines say it already
            problems.append(f"{'.'.join(str(part) for part in found['loc'])}: {found['msg']}")
    if problems:
        raise DraftRefused(problems)
    return draft


def _codes(value: str) -> list[str]:
    """Codes typed one after another, separated by commas or spaces."""
    return [code.upper() for code in re.split(r"[\s,;]+", value) if code]


def build_router(desk: Desk) -> APIRouter:
    """The risk-notice pages on one desk."""
    web = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

    @web.get(PATH)
    async def risk_notices(request: Request, principal: Visitor) -> Response:
        _admit(principal.role, *READERS)
        sharing, token = desk.service("sharing"), token_of(request)
        own = await sharing.call("GET", f"{PATH}?limit={LIST_LIMIT}", token)
        risks = await sharing.call("GET", f"{PATH}/received?limit={LIST_LIMIT}", token)
        denials = await sharing.call("GET", f"/denial-notices/received?limit={LIST_LIMIT}", token)
        return page(
            request,
            "risk_notices.html",
            principal,
            own=[OwnRiskNotice.model_validate(row) for row in own],
            received=[ReceivedNotice.model_validate(row) for row in risks],
            denials=[ReceivedNotice.model_validate(row) for row in denials],
            technologies=list(TechnologyCategory),
        )

    @web.post(PATH)
    async def write(request: Request, principal: Visitor) -> Response:
        await checked_form(request, principal, *REVIEWERS)
        try:
            draft = read_draft(await request.form())
            written = await desk.service("sharing").call(
                "POST", PATH, token_of(request), draft.model_dump(mode="json")
            )
        except (DraftRefused, ServiceRefused) as refusal:
            return back(PATH, refused=str(refusal))
        return back(
            PATH,
            notice=f"Risk notice {written['number']} written: a senior officer who did not "
            "write it countersigns it before it is shared.",
        )

    @web.post(PATH + "/{number}/countersign")
    async def countersign(request: Request, principal: Visitor, number: int) -> Response:
        await checked_form(request, principal, Role.SENIOR_OFFICER)
        try:
            shared = await desk.service("sharing").call(
                "POST", f"{PATH}/{number}/countersignature", token_of(request)
            )
        except ServiceRefused as refusal:
            return back(PATH, refused=str(refusal))
        return back(
            PATH,
            notice=f"Risk notice {number} countersigned and shared: {', '.join(shared['shared'])}.",
        )

    return web


def _admit(role: Role, *roles: Role) -> None:
    if role not in roles:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this page is not open to your role")
