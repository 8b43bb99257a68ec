"""The HTTP server believes X-Forwarded-For from a trusted proxy only."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI, Request

from caseflow.http import HttpServer

FORWARDED = {"x-forwarded-for": "203.0.113.9"}


def client_echo() -> FastAPI:
    app = FastAPI()

    @app.get("/client")
    async def client(request: Request) -> str:
        return request.client.host if request.client else ""

    return app


@pytest.mark.parametrize(
    ("trusted", "seen"), [("127.0.0.1", "203.0.113.9"), ("10.0.0.1", "127.0.0.1")]
)
async def test_the_client_address_is_the_forwarded_one_only_behind_a_trusted_proxy(
    tmp_path: Path, trusted: str, seen: str
) -> None:
    server = HttpServer("echo", "127.0.0.1", None, 0, tmp_path / "echo.url", trusted)
    url = await server.start(client_echo())
    try:
        async with httpx.AsyncClient(base_url=url) as client:
            reply = await client.get("/client", headers=FORWARDED)
    finally:
        await server.stop()
    assert reply.json() == seen
