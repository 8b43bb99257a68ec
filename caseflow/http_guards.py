"""ASGI guards in front of an HTTP API: a body-size limit, the security headers of a page, and
a refusal of text PostgreSQL cannot store.

All are plain ASGI middleware, so they act before any route, dependency or body parsing runs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from urllib.parse import parse_qsl

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from caseflow.limits import Limit

# Pages load their own script, styles and images only, submit forms to themselves, and may not
# be framed. The desk's templates hold no inline script or style, so nothing needs more.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
# FastAPI's interactive documentation loads Swagger UI from its CDN with an inline start-up script.
DOCUMENTATION_POLICY = (
    "default-src 'none'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "img-src 'self' data: https://fastapi.tiangolo.com; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
DOCUMENTATION_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})
SECURITY_HEADERS: Mapping[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "accelerometer=(), camera=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), payment=(), usb=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
# PostgreSQL text holds no NUL, and UTF-8 (the database's encoding) no lone surrogate.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Browsers honour HSTS over TLS only; the desk behind a TLS proxy sees https via X-Forwarded-Proto.
STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains"


class SecurityHeaders:
    """Adds the headers a security scanner expects to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        documentation = scope["path"] in DOCUMENTATION_PATHS
        over_tls = scope.get("scheme") == "https"
        # Pages and answers hold case data: never kept by a browser or proxy; assets may be.
        private = not scope["path"].startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                policy = DOCUMENTATION_POLICY if documentation else CONTENT_SECURITY_POLICY
                headers.setdefault("Content-Security-Policy", policy)
                if private:
                    headers.setdefault("Cache-Control", "no-store")
                if over_tls:
                    headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
            await send(message)

        await self.app(scope, receive, with_headers)


class BodySizeLimit:
    """Refuses a request whose body exceeds the limit with 413, naming the limit, before the
    application reads it: by its Content-Length, or while a body of no stated length arrives."""

    def __init__(self, app: ASGIApp, limit: Limit) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        stated = _content_length(scope)
        if stated is not None:
            refusal = self.limit.exceeded_by(stated)
            if refusal is not None:
                await _too_large(send, refusal)
                return
            await self.app(scope, receive, send)
            return
        body, refusal = await self._read_within_limit(receive)
        if refusal is not None:
            await _too_large(send, refusal)
            return
        await self.app(scope, _replay(body, receive), send)

    async def _read_within_limit(self, receive: Receive) -> tuple[bytes, str | None]:
        """The whole body, or the refusal as soon as it grows past the limit."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(chunks), None  # disconnected: the application sees an empty body
            chunk = message.get("body", b"")
            size += len(chunk)
            refusal = self.limit.exceeded_by(size)
            if refusal is not None:
                return b"", f"{refusal} (read so far)"
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks), None


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the body already read over once, then waits as the server does."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


async def _too_large(send: Send, message: str) -> None:
    await _answer(send, 413, {"reason": "too_large", "message": message}, close=True)


async def _answer(send: Send, status: int, content: object, *, close: bool = False) -> None:
    """A JSON answer sent before the application runs; ASCII-escaped, as a refused input may
    hold a NUL or a lone surrogate."""
    body = json.dumps(content, ensure_ascii=True).encode("ascii")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class StorableText:
    """Refuses with 422 a request whose path or query string holds a character PostgreSQL text
    cannot store: any route would pass it to the database, which fails (a 500)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            found = unstorable_parts(scope)
            if found:
                await _unstorable(send, found)
                return
        await self.app(scope, receive, send)


def unstorable_parts(scope: Scope) -> list[list[str]]:
    """Where the request holds unstorable text: `["path"]`, `["query", name]`, each at most once;
    the query read as Starlette reads it."""
    found = [["path"]] if UNSTORABLE.search(scope["path"]) else []
    query = scope.get("query_string", b"").decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True):
        where = ["query", name]
        if (UNSTORABLE.search(name) or UNSTORABLE.search(value)) and where not in found:
            found.append(where)
    return found


async def _unstorable(send: Send, found: list[list[str]]) -> None:
    message = "a NUL or lone surrogate character is not allowed here"
    deficiencies = [{"loc": where, "msg": message, "type": "unstorable_text"} for where in found]
    await _answer(send, 422, {"detail": deficiencies})
