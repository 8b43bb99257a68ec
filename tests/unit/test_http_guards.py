"""The HTTP guards: a body over the limit is refused early with 413 naming the limit; every
answer carries the security headers a scanner expects."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from caseflow.http_guards import (
    CONTENT_SECURITY_POLICY,
    SECURITY_HEADERS,
    BodySizeLimit,
    SecurityHeaders,
)
from caseflow.limits import Limit

LIMIT = Limit("test_body", 1000, "the request body")
read: list[int] = []


async def echo(request: Request) -> JSONResponse:
    body = await request.body()
    read.append(len(body))
    return JSONResponse({"size": len(body)})


def client(scheme: str = "http") -> httpx.AsyncClient:
    app = Starlette(routes=[Route("/echo", echo, methods=["POST"]), Route("/docs", echo)])
    app.add_middleware(BodySizeLimit, limit=LIMIT)
    app.add_middleware(SecurityHeaders)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"{scheme}://t")


async def chunks(size: int) -> AsyncIterator[bytes]:
    for _ in range(size // 100):
        yield b"x" * 100


async def test_a_body_within_the_limit_reaches_the_application_whole() -> None:
    async with client() as http:
        stated = await http.post("/echo", content=b"x" * 1000)
        streamed = await http.post("/echo", content=chunks(1000))
    assert stated.json() == {"size": 1000}
    assert streamed.json() == {"size": 1000}


@pytest.mark.parametrize("streamed", [False, True], ids=["content-length", "chunked"])
async def test_a_body_over_the_limit_is_refused_with_413_naming_it(streamed: bool) -> None:
    read.clear()
    async with client() as http:
        body = chunks(5000) if streamed else b"x" * 5000
        refused = await http.post("/echo", content=body)
    assert refused.status_code == 413
    assert refused.json()["reason"] == "too_large"
    assert "exceeds the limit test_body of 1000 bytes" in refused.json()["message"]
    assert read == []  # the application never saw it
    assert refused.headers["X-Content-Type-Options"] == "nosniff"


async def test_every_answer_carries_the_security_headers_and_hsts_only_over_tls() -> None:
    async with client() as http:
        plain = await http.post("/echo", content=b"{}")
    async with client("https") as http:
        secure = await http.post("/echo", content=b"{}")
    for name, value in SECURITY_HEADERS.items():
        assert plain.headers[name] == value
    assert plain.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert plain.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in plain.headers
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


async def test_the_interactive_api_documentation_may_load_swagger_ui() -> None:
    async with client() as http:
        docs = await http.get("/docs")
    assert "https://cdn.jsdelivr.net" in docs.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in docs.headers["Content-Security-Policy"]
