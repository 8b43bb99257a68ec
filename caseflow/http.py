"""An HTTP API served by uvicorn inside a process's own event loop, its address recorded."""

from __future__ import annotations

import asyncio
import json
import math
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import structlog
import uvicorn
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.types import ASGIApp

from caseflow.address_files import forget_address, record_address
from caseflow.http_guards import StorableText

log = structlog.get_logger(__name__)


@dataclass
class HttpServer:
    """Serves `app` on host:port (unset: `default_port`, or any free port while that is held)
    and writes its address to `url_file` for the commands and tests that look for it."""

    name: str
    host: str
    port: int | None
    default_port: int
    url_file: Path
    trusted_proxies: str = "127.0.0.1"
    tls_certfile: Path | None = None  # with tls_keyfile: serve HTTPS
    tls_keyfile: Path | None = None
    _server: uvicorn.Server | None = field(default=None, repr=False)
    _serving: asyncio.Task[None] | None = field(default=None, repr=False)
    _url: str | None = field(default=None, repr=False)

    async def start(self, app: ASGIApp) -> str:
        """Listen and serve; return the address once requests are answered."""
        listening = listening_socket(self.host, self.port, self.default_port)
        config = uvicorn.Config(
            app,
            log_level="warning",
            lifespan="off",
            forwarded_allow_ips=self.trusted_proxies,  # whose X-Forwarded-For names the client
            ssl_certfile=self.tls_certfile,
            ssl_keyfile=self.tls_keyfile,
        )
        self._server = uvicorn.Server(config)
        self._serving = asyncio.create_task(
            self._server.serve(sockets=[listening]), name=f"{self.name}-http"
        )
        while not self._server.started:
            if self._serving.done():
                self._serving.result()  # raises why it could not start
                raise RuntimeError(f"the {self.name} API stopped while starting")
            await asyncio.sleep(0.05)
        host, port = listening.getsockname()[:2]
        scheme = "https" if self.tls_certfile else "http"
        url = f"{scheme}://{host}:{port}"
        log.info(f"{self.name} API listening", url=url)
        record_address(self.url_file, url, f"{self.name} API")
        self._url = url
        return url

    async def stop(self) -> None:
        """Stop serving and forget the address, unless another instance has recorded its own."""
        if self._server is not None and self._serving is not None:
            self._server.should_exit = True
            await self._serving
        if self._url is not None:
            forget_address(self.url_file, self._url)


def listening_socket(host: str, port: int | None, default_port: int) -> socket.socket:
    """A socket listening on `port`; unset, on `default_port` or, while another process holds
    it, on any free port (embedded stacks side by side on one machine). A configured port must
    be free."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Inherited by every accepted connection: without it a response written in two parts waits
    # for the client's delayed ACK, 40 ms a request (measured by bench/register.py).
    listening.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        listening.bind((host, port or default_port))
    except OSError:
        if port is not None:
            listening.close()
            raise
        listening.bind((host, 0))
    listening.listen(128)
    listening.setblocking(False)
    return listening


QUOTED_INPUT_LIMIT = 200
# A listing's `limit`: out of range is refused with 422 and the bounds, not quietly bent to them.
Latest = Annotated[int, Query(ge=1, le=500, description="How many, newest first (1 to 500).")]
# A paged listing's `after`: where the page starts.
AFTER = "The `next` of the page before (none: from the newest)."


def refuse_invalid_requests(app: FastAPI) -> None:
    """Answer a body or parameter that fails validation with 422 and every deficiency; a path
    or query holding text PostgreSQL cannot store is refused so before any route runs."""
    app.add_middleware(StorableText)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        return AsciiJSONResponse({"detail": [_deficiency(each) for each in error.errors()]}, 422)


class AsciiJSONResponse(JSONResponse):
    """Strict JSON with every non-ASCII character escaped: a refused input may hold lone
    surrogates, which UTF-8 cannot encode."""

    def render(self, content: Any) -> bytes:
        return json.dumps(
            content, ensure_ascii=True, allow_nan=False, separators=(",", ":")
        ).encode("ascii")


def _deficiency(error: Mapping[str, Any]) -> dict[str, Any]:
    """Where, what and why; the refused value is quoted only when it is short and plain: a
    deeply nested or huge input, or an infinite number, would make the refusal itself fail."""
    deficiency: dict[str, Any] = {
        "loc": [part if isinstance(part, int) else str(part) for part in error.get("loc", ())],
        "msg": str(error.get("msg", "")),
        "type": str(error.get("type", "")),
    }
    value = error.get("input")
    if _plain(value):
        deficiency["input"] = value
    context = error.get("ctx")
    if isinstance(context, Mapping):
        deficiency["ctx"] = {str(key): str(item) for key, item in context.items()}
    return deficiency


def _plain(value: object) -> bool:
    if value is None or isinstance(value, bool | int):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, str) and len(value) <= QUOTED_INPUT_LIMIT
