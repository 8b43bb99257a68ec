"""The codec server: authorised operators read encrypted case data in the Temporal UI through it.

It speaks the Temporal codec protocol (POST /encode and /decode with Payloads as protobuf JSON)
and answers only an enabled operator account's bearer token (or the desk's session cookie).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

import structlog
import uvicorn
from fastapi import Depends, FastAPI, HTTPException, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.converter import PayloadCodec

from caseflow.auth import Authentication, Role, install, key_ring, open_accounts, require
from caseflow.settings import Settings
from workflows.client import payload_keys
from workflows.encryption import EncryptionCodec, PayloadKeyError

log = structlog.get_logger(__name__)
Transform = Callable[[Sequence[Payload]], Awaitable[list[Payload]]]


def build_codec_api(
    codec: PayloadCodec, authentication: Authentication, origins: list[str]
) -> FastAPI:
    """The codec endpoints for operators only, callable from the UI's origins."""
    api = FastAPI(title="caseflow codec server", docs_url=None, redoc_url=None, openapi_url=None)
    install(api, authentication)
    # Preflight requests carry no token; CORS answers them before the operator check runs.
    api.add_middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_methods=["POST"],
        allow_headers=["Authorization", "Content-Type", "X-Namespace"],
        allow_credentials=True,
    )

    operators_only = [Depends(require(Role.OPERATOR))]

    @api.post("/encode", dependencies=operators_only)
    async def encode(request: Request) -> Response:
        return await _transformed(request, codec.encode)

    @api.post("/decode", dependencies=operators_only)
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
    async with open_accounts(settings.endpoints().database) as accounts:
        authentication = Authentication(key_ring(settings), accounts)
        codec = EncryptionCodec(payload_keys(settings))
        await _serve(
            build_codec_api(codec, authentication, ui_origins(settings)), settings, on_ready
        )


async def _serve(
    api: FastAPI, settings: Settings, on_ready: Callable[[], Awaitable[None]] | None
) -> None:
    """Serve `api` on the codec server's address; `on_ready` once it listens."""
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
