"""The codec server: authorised operators read encrypted case data in the Temporal UI through it.

It speaks the Temporal codec protocol (POST /encode and /decode with Payloads as protobuf JSON)
and answers only a caller with a valid operator bearer token.
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Annotated, Protocol

import structlog
import uvicorn
from fastapi import Depends, FastAPI, Header, HTTPException, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.converter import PayloadCodec

from caseflow.secret_files import read_or_create
from caseflow.settings import Settings
from workflows.client import payload_keys
from workflows.encryption import EncryptionCodec, PayloadKeyError

log = structlog.get_logger(__name__)
TOKEN_FILE = Path("keys") / "codec-token"
Transform = Callable[[Sequence[Payload]], Awaitable[list[Payload]]]


class OperatorCheck(Protocol):
    """Says whether a bearer token belongs to an authorised operator."""

    def __call__(self, token: str) -> bool: ...


def build_codec_api(codec: PayloadCodec, operator: OperatorCheck, origins: list[str]) -> FastAPI:
    """The codec endpoints behind the operator check, callable from the UI's origins."""
    api = FastAPI(title="caseflow codec server", docs_url=None, redoc_url=None, openapi_url=None)
    # Preflight requests carry no token; CORS answers them before the operator check runs.
    api.add_middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_methods=["POST"],
        allow_headers=["Authorization", "Content-Type", "X-Namespace"],
        allow_credentials=True,
    )

    def authorised(authorization: Annotated[str | None, Header()] = None) -> None:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise HTTPException(
                401, "an operator's bearer token is required", {"WWW-Authenticate": "Bearer"}
            )
        if not operator(token.strip()):
            raise HTTPException(403, "this token does not belong to an authorised operator")

    @api.post("/encode", dependencies=[Depends(authorised)])
    async def encode(request: Request) -> Response:
        return await _transformed(request, codec.encode)

    @api.post("/decode", dependencies=[Depends(authorised)])
    async def decode(request: Request) -> Response:
        return await _transformed(request, codec.decode)

    return api


async def _transformed(request: Request, transform: Transform) -> Response:
    """The request's payloads passed through `transform`, as protobuf JSON."""
    try:
        payloads = json_format.Parse(await request.body(), Payloads())
        result = Payloads(payloads=await transform(list(payloads.payloads)))
    except (json_format.ParseError, UnicodeDecodeError) as error:
        raise HTTPException(400, f"not a Payloads document: {error}") from error
    except PayloadKeyError as error:
        raise HTTPException(422, str(error)) from error
    return Response(json_format.MessageToJson(result), media_type="application/json")


def token_check(settings: Settings) -> OperatorCheck:
    """The configured operator token (CASEFLOW_CODEC_TOKEN), else the embedded stack's own."""
    expected = (
        settings.codec_token.get_secret_value()
        if settings.codec_token is not None
        else read_or_create(settings.state_dir.resolve() / TOKEN_FILE, _new_token)
    ).encode()

    def check(token: str) -> bool:
        return hmac.compare_digest(token.encode(), expected)

    return check


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def ui_origins(settings: Settings) -> list[str]:
    """Origins allowed to call the codec server: configured, else the embedded UI's."""
    if settings.codec_cors_origins:
        return [origin.strip() for origin in settings.codec_cors_origins.split(",")]
    port = settings.temporal_ui_port
    return [f"http://127.0.0.1:{port}", f"http://localhost:{port}"]


async def run_codec_server(
    settings: Settings, on_ready: Callable[[], Awaitable[None]] | None = None
) -> None:
    """Serve the codec endpoints until stopped."""
    api = build_codec_api(
        EncryptionCodec(payload_keys(settings)), token_check(settings), ui_origins(settings)
    )
    config = uvicorn.Config(
        api, host=settings.codec_host, port=settings.codec_port, log_level="warning"
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve(), name="codec-server")
    while not server.started:
        if serving.done():
            serving.result()  # raises why it could not start
            raise RuntimeError("the codec server stopped while starting")
        await asyncio.sleep(0.05)
    log.info("codec server listening", url=f"http://{settings.codec_host}:{settings.codec_port}")
    if on_ready is not None:
        await on_ready()
    await serving
