"""The desk's FastAPI app: the JSON API (documented), the web page, and how refusals answer."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from caseflow.auth import Authentication, InvalidToken, Principal, install
from caseflow.auth.dependencies import SESSION_COOKIE, authentication_of
from caseflow.http import refuse_invalid_requests
from caseflow.http_guards import BodySizeLimit, SecurityHeaders
from caseflow.limits import DESK_REQUEST_BODY
from caseflow.service_api import ServiceRefused, ServiceUnavailable
from desk import after_decision, api, licences, risk_notices, web
from desk.handlers import Desk, ReferralNotFound
from desk.models import Refusal
from desk.register_client import RegisterUnavailable
from workflows.case_client import ActionRefused, ActionTooLarge, CaseNotFound, InvalidQuery

DESCRIPTION = """The reviewer desk of caseflow.

Sign in with `POST /api/auth/token` and send the token as `Authorization: Bearer …`.
Roles: `licensing_officer` and `senior_officer` read every case and act on it (each action is
one Temporal Update of the case's workflow; a refused one answers 409 with every reason);
`operator` reads every case; `agency` reads its own cases only; `stakeholder` sees and answers
only the referrals made to it, with the case minimised as the consultation policy says.

A request body larger than 256 KiB is refused with 413 naming the limit (`desk_request_body`)."""


def create_app(desk: Desk) -> FastAPI:
    """The desk on its ports."""
    app = FastAPI(title="caseflow reviewer desk", version="1.0.0", description=DESCRIPTION)
    install(app, Authentication(desk.keys, desk.accounts))
    refuse_invalid_requests(app)
    app.include_router(api.build_router(desk))
    app.include_router(web.build_router(desk))
    app.include_router(licences.build_router(desk))
    app.include_router(after_decision.build_router(desk))
    app.include_router(risk_notices.build_router(desk))
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), "static")
    # The last added runs first: headers go on every answer, the 413 included.
    app.add_middleware(BodySizeLimit, limit=DESK_REQUEST_BODY)
    app.add_middleware(SecurityHeaders)

    @app.exception_handler(CaseNotFound)
    @app.exception_handler(ReferralNotFound)
    async def not_found(request: Request, error: Exception) -> Response:
        return _refused(
            request, 404, Refusal(reason="not_found", message=f"no such {_what(error)}")
        )

    @app.exception_handler(ActionRefused)
    async def action_refused(request: Request, error: Exception) -> Response:
        return _refused(request, 409, Refusal(reason="refused", message=str(error)))

    @app.exception_handler(ActionTooLarge)
    async def action_too_large(request: Request, error: Exception) -> Response:
        return _refused(request, 413, Refusal(reason="too_large", message=str(error)))

    @app.exception_handler(ServiceRefused)
    async def service_refused(request: Request, error: Exception) -> Response:
        # The service's own refusal (consultation's or screening's), passed on as it said it.
        assert isinstance(error, ServiceRefused)
        refusal = Refusal(reason=error.reason, message=str(error))
        return _refused(request, error.status, refusal)

    @app.exception_handler(ServiceUnavailable)
    async def service_unavailable(request: Request, error: Exception) -> Response:
        refusal = Refusal(reason="service_unavailable", message=f"{error}; nothing was changed")
        return _refused(request, 503, refusal)

    @app.exception_handler(RegisterUnavailable)
    async def register_unavailable(request: Request, error: Exception) -> Response:
        # Temporal no longer has the case and the register did not answer: say so, not 404.
        refusal = Refusal(reason="register_unavailable", message=str(error))
        return _refused(request, status.HTTP_503_SERVICE_UNAVAILABLE, refusal)

    @app.exception_handler(InvalidQuery)
    async def invalid_query(request: Request, error: Exception) -> Response:
        return _refused(request, 422, Refusal(reason="invalid_filter", message=str(error)))

    @app.exception_handler(web.LoginRequired)
    async def login_required(request: Request, error: Exception) -> Response:
        return RedirectResponse("/login", status.HTTP_303_SEE_OTHER)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, StarletteHTTPException)
        if _is_api(request):
            return JSONResponse({"detail": error.detail}, error.status_code, error.headers)
        return _page_error(request, error.status_code, str(error.detail))

    return app


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path.startswith("/openapi")


def _what(error: Exception) -> str:
    return "referral" if isinstance(error, ReferralNotFound) else "case"


def _refused(request: Request, code: int, refusal: Refusal) -> Response:
    """A refusal as JSON for the API, as a page for the browser."""
    if _is_api(request):
        return JSONResponse(refusal.model_dump(), code)
    return _page_error(request, code, refusal.message)


def _page_error(request: Request, code: int, message: str) -> Response:
    titles = {403: "Not open to your role", 404: "Not found", 409: "Refused", 413: "Too large"}
    principal: Principal | None = None
    try:
        principal = authentication_of(request).keys.verify(request.cookies.get(SESSION_COOKIE, ""))
    except InvalidToken:
        principal = None  # the error page shows the account only when it can
    title = titles.get(code, "Something went wrong")
    response = web.page(request, "error.html", principal, title=title, message=message)
    response.status_code = code
    return response
