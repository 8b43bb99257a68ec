"""The desk's web page: server-rendered forms, a session cookie, no JavaScript."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from caseflow.auth import REVIEWERS, Principal, Role, current_principal
from caseflow.auth.attempts import SignInRefused
from caseflow.auth.dependencies import SESSION_COOKIE, client_address, token_of
from caseflow.service_api import ServiceRefused
from desk.access import ACTORS, CASE_READERS
from desk.forms import lines, read_action, text
from desk.handlers import Desk
from desk.present import register_filters
from schemas.cases import CaseStatus
from schemas.consultation import Position, ReferralAnswered
from schemas.screening import RiskLevel
from workflows.case_client import ActionRefused
from workflows.inbox import InboxFilter

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
register_filters(TEMPLATES.env)


class LoginRequired(Exception):
    """The page needs a signed-in account; the browser is sent to the login page."""


async def signed_in(request: Request) -> Principal:
    """The principal of the session cookie, or off to the login page."""
    try:
        return await current_principal(request, None)
    except HTTPException as error:
        raise LoginRequired from error


Visitor = Annotated[Principal, Depends(signed_in)]


def csrf_token(request: Request) -> str:
    """A value only pages served to this session know: forms send it back."""
    session = request.cookies.get(SESSION_COOKIE, "")
    return hashlib.sha256(f"caseflow-form:{session}".encode()).hexdigest()[:32]


def page(request: Request, name: str, principal: Principal | None, **context: object) -> Response:
    """A rendered page with the signed-in account, the form token and any notice."""
    values = {
        "principal": principal,
        "csrf": csrf_token(request),
        "notice": request.query_params.get("notice", ""),
        "refused": request.query_params.get("refused", ""),
        **context,
    }
    return TEMPLATES.TemplateResponse(request, name, values)


def back(path: str, **message: str) -> RedirectResponse:
    """See the page again, with what happened (Post/Redirect/Get)."""
    query = "&".join(f"{key}={quote(value)}" for key, value in message.items())
    return RedirectResponse(f"{path}?{query}" if query else path, status.HTTP_303_SEE_OTHER)


async def checked_form(request: Request, principal: Principal, *roles: Role) -> dict[str, str]:
    """The submitted form, once its token and the account's role are checked."""
    form = await request.form()
    if not hmac.compare_digest(text(form, "csrf"), csrf_token(request)):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "the form has expired: reload the page")
    if roles and principal.role not in roles:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "your role may not do this")
    return {key: text(form, key) for key in form}


def build_router(desk: Desk) -> APIRouter:
    """The pages on one desk."""
    web = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

    @web.get("/")
    async def home(principal: Visitor) -> Response:
        return back("/referrals" if principal.role is Role.STAKEHOLDER else "/inbox")

    @web.get("/login")
    async def login_page(request: Request) -> Response:
        return page(request, "login.html", None)

    @web.post("/login")
    async def login(request: Request) -> Response:
        form = await request.form()
        try:
            signed = await desk.sign_in(
                text(form, "name"), text(form, "password"), client_address(request)
            )
        except SignInRefused as refusal:
            refused = page(request, "login.html", None, refused=f"{str(refusal).capitalize()}.")
            refused.status_code = status.HTTP_429_TOO_MANY_REQUESTS
            refused.headers["Retry-After"] = str(refusal.seconds)
            return refused
        if signed is None:
            return back("/login", refused="Unknown name or wrong password.")
        response = back("/")
        response.set_cookie(
            SESSION_COOKIE,
            signed.token,
            max_age=int(desk.token_lifetime.total_seconds()),
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response

    @web.post("/logout")
    async def logout(request: Request, principal: Visitor) -> Response:
        await checked_form(request, principal)
        response = back("/login", notice="Signed out.")
        response.delete_cookie(SESSION_COOKIE)
        return response

    @web.get("/inbox")
    async def inbox(request: Request, principal: Visitor) -> Response:
        _admit(principal, *CASE_READERS)
        wanted = _inbox_filter(request)
        found = await desk.inbox(principal, wanted)
        return page(
            request,
            "inbox.html",
            principal,
            cases=found,
            wanted=wanted,
            statuses=list(CaseStatus),
            risks=list(RiskLevel),
            now=datetime.now(UTC),
        )

    @web.get("/cases/{case}")
    async def case(request: Request, principal: Visitor, case: str) -> Response:
        _admit(principal, *CASE_READERS)
        view = await desk.case(principal, case)
        return page(request, "case.html", principal, case=view, now=datetime.now(UTC))

    @web.post("/cases/{case}/actions/{name}")
    async def act(request: Request, principal: Visitor, case: str, name: str) -> Response:
        await checked_form(request, principal, *ACTORS)
        wanted = read_action(name, await request.form(), token_of(request))
        if wanted is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no action '{name}'")
        _admit(principal, *wanted.roles)
        try:
            recorded = await desk.act(case, wanted.action, wanted.task)
        except ActionRefused as refusal:
            return back(f"/cases/{quote(case)}", refused=str(refusal).removeprefix("refused: "))
        done = recorded.status.value.replace("_", " ")
        if recorded.outcome is not None:
            done += f": {recorded.outcome.value.replace('_', ' ')}"
        return back(f"/cases/{quote(case)}", notice=f"Done. The case is now {done}.")

    @web.post("/cases/{case}/clearances")
    async def clear(request: Request, principal: Visitor, case: str) -> Response:
        form = await checked_form(request, principal, *REVIEWERS)
        party, _, country = form.get("party", "").rpartition("|")
        try:
            await desk.clear(
                token_of(request),
                party,
                country,
                form.get("entry", ""),
                form.get("reason", ""),
                case=case,
            )
        except ServiceRefused as refusal:
            return back(f"/cases/{quote(case)}", refused=str(refusal))
        return back(
            f"/cases/{quote(case)}",
            notice=f"Cleared {party} against entry {form.get('entry')}: "
            "later screenings report this hit as cleared.",
        )

    @web.get("/referrals")
    async def referrals(request: Request, principal: Visitor) -> Response:
        _admit(principal, Role.STAKEHOLDER)
        found = await desk.referrals(principal, token_of(request))
        return page(request, "referrals.html", principal, referrals=found, now=datetime.now(UTC))

    @web.get("/referrals/{referral_id}")
    async def referral(request: Request, principal: Visitor, referral_id: str) -> Response:
        _admit(principal, Role.STAKEHOLDER)
        state, disclosed = await desk.referral(principal, token_of(request), referral_id)
        return page(
            request,
            "referral.html",
            principal,
            referral=state,
            case=disclosed,
            positions=list(Position),
            now=datetime.now(UTC),
        )

    @web.post("/referrals/{referral_id}/responses")
    async def respond(request: Request, principal: Visitor, referral_id: str) -> Response:
        form = await checked_form(request, principal, Role.STAKEHOLDER)
        path = f"/referrals/{quote(referral_id)}"
        try:
            answer = ReferralAnswered(
                referral_id=referral_id,
                position=Position(form.get("position", "")),
                rationale=form.get("rationale", ""),
                conditions=lines(await request.form(), "conditions"),
                answered_by=principal.name,
            )
            await desk.respond(principal, token_of(request), answer)
        except ServiceRefused as refusal:
            return back(path, refused=str(refusal))
        except ValueError as error:  # a position or text the form could not have sent
            return back(path, refused=str(error).splitlines()[0])
        return back(path, notice="Thank you: your answer is recorded.")

    return web


def _admit(principal: Principal, *roles: Role) -> None:
    if principal.role not in roles:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this page is not open to your role")


def _inbox_filter(request: Request) -> InboxFilter:
    """The inbox filter from the query string; a value that does not parse is ignored."""
    query = request.query_params
    due = query.get("due_before", "")
    try:
        due_before = datetime.combine(datetime.fromisoformat(due).date(), time.max, UTC)
    except ValueError:
        due_before = None
    destination = query.get("destination", "").strip().upper()
    return InboxFilter(
        status=CaseStatus(query["status"]) if query.get("status") in set(CaseStatus) else None,
        risk=RiskLevel(query["risk"]) if query.get("risk") in set(RiskLevel) else None,
        destination=destination
        if len(destination) == 2 and destination.isascii() and destination.isalpha()
        else None,
        due_before=due_before,
        overdue=query.get("overdue") == "on",
    )
