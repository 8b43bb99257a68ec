"""FastAPI: `Depends(require(Role.OPERATOR))` admits a bearer token (or the desk's cookie) of
an enabled account holding one of the roles; 401 without a valid token, 403 for another role."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, cast

from fastapi import Depends, FastAPI, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from caseflow.auth.accounts import Accounts
from caseflow.auth.model import InvalidToken, Principal, Role
from caseflow.auth.tokens import KeyRing

SESSION_COOKIE = "caseflow_session"
bearer = HTTPBearer(auto_error=False, description="A token from `POST /auth/token`.")


@dataclass(frozen=True)
class Authentication:
    """What verifies a request: the key ring, and the accounts (to refuse disabled ones)."""

    keys: KeyRing
    accounts: Accounts | None = None


def install(app: FastAPI, authentication: Authentication) -> None:
    """Make `require` work on this app."""
    app.state.authentication = authentication


def authentication_of(request: Request) -> Authentication:
    """The app's `Authentication`, set by `install`."""
    return cast(Authentication, request.app.state.authentication)


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The principal of the request's bearer token or session cookie; 401 without one."""
    token = credentials.credentials if credentials else request.cookies.get(SESSION_COOKIE)
    if not token:
        raise _unauthenticated("no bearer token")
    authentication = authentication_of(request)
    try:
        principal = authentication.keys.verify(token)
    except InvalidToken as error:
        raise _unauthenticated(f"invalid token: {error}") from error
    if authentication.accounts is not None and not await authentication.accounts.is_active(
        principal.name
    ):
        raise _unauthenticated("the account is disabled")
    # Kept for the request: an action on a case passes the actor's token on to the workflow.
    request.state.token = token
    return principal


def token_of(request: Request) -> str:
    """The verified bearer token of the request (set by `current_principal`)."""
    return cast(str, request.state.token)


def require(*roles: Role) -> Callable[..., Awaitable[Principal]]:
    """A dependency admitting only principals holding one of `roles`."""
    allowed = frozenset(roles)

    async def admitted(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if principal.role not in allowed:
            names = ", ".join(sorted(role.value for role in allowed))
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"for {names} only")
        return principal

    return admitted


def client_address(request: Request) -> str:
    """The address sign-in failures are counted against (behind a trusted proxy, the one uvicorn
    takes from X-Forwarded-For)."""
    return request.client.host if request.client else "unknown"


def _unauthenticated(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": "Bearer"}
    )
