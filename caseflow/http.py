"""An HTTP API served by uvicorn inside a process's own event loop, its address recorded."""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass, field
from pathlib import Path

import structlog
import uvicorn
from starlette.types import ASGIApp

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
    _server: uvicorn.Server | None = field(default=None, repr=False)
    _serving: asyncio.Task[None] | None = field(default=None, repr=False)

    async def start(self, app: ASGIApp) -> str:
        """Listen and serve; return the address once requests are answered."""
        listening = listening_socket(self.host, self.port, self.default_port)
        config = uvicorn.Config(app, log_level="warning", lifespan="off")
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
        url = f"http://{host}:{port}"
        log.info(f"{self.name} API listening", url=url)
        try:
            self.url_file.parent.mkdir(parents=True, exist_ok=True)
            self.url_file.write_text(url)
        except OSError as error:  # a read-only container: the log line has said it
            log.warning(f"{self.name} API address not recorded", error=str(error))
        return url

    async def stop(self) -> None:
        """Stop serving and forget the address."""
        if self._server is not None and self._serving is not None:
            self._server.should_exit = True
            await self._serving
        self.url_file.unlink(missing_ok=True)


def listening_socket(host: str, port: int | None, default_port: int) -> socket.socket:
    """A socket listening on `port`; unset, on `default_port` or, while another process holds
    it, on any free port (embedded stacks side by side on one machine). A configured port must
    be free."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
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
