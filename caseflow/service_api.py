"""Calling a service's HTTP API (screening, consultation, sharing, intake, audit) as the signed-in
user: where it listens, and its answer or refusal in words a user reads."""

from __future__ import annotations

import json
import ssl
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.parse import urlencode

import httpx

from caseflow.settings import Settings
from schemas.pages import Page

Service = Literal["screening", "consultation", "sharing", "intake", "audit"]
TIMEOUT = httpx.Timeout(30.0, connect=5.0)
# An upload's answer starts once the service holds the whole body and has compared it (a
# million list entries: a minute or more): no read deadline, only the connection's.
UPLOAD_TIMEOUT = httpx.Timeout(None, connect=5.0)
PageT = TypeVar("PageT", bound=Page[Any])


class ServiceUnavailable(RuntimeError):
    """The service is not running, or does not answer."""


class ServiceRefused(Exception):
    """The service refused the call; `status` is its HTTP status, the message its reason."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason


def service_url(settings: Settings, service: Service) -> str:
    """The configured address (CASEFLOW_<SERVICE>_URL), or the one the running service wrote."""
    configured: str | None = getattr(settings, f"{service}_url")
    if configured:
        return configured.rstrip("/")
    written = Path(settings.state_dir) / "run" / f"{service}.url"
    try:
        return written.read_text().strip()
    except OSError as error:
        raise ServiceUnavailable(
            f"the {service} service is not running (no {written}): start it with "
            f"`caseflow services up`, or set CASEFLOW_{service.upper()}_URL"
        ) from error


@dataclass(frozen=True)
class ServiceClient:
    """Calls to one service, each with the caller's bearer token."""

    url: str
    service: Service
    verify: ssl.SSLContext | bool = True  # the CA of a service's own certificate (sharing's)
    # Held by `session`: its calls share one connection (and one TLS set-up, which costs more
    # than a page of answers).
    http: httpx.AsyncClient | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, settings: Settings, service: Service) -> ServiceClient:
        """The client of a service as the settings locate it."""
        cafile = settings.sharing_tls_cafile if service == "sharing" else None
        verify = ssl.create_default_context(cafile=str(cafile)) if cafile else True
        return cls(service_url(settings, service), service, verify)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[ServiceClient]:
        """The same client, its calls sharing one connection until the block ends (paging)."""
        async with httpx.AsyncClient(
            base_url=self.url, timeout=TIMEOUT, verify=self.verify
        ) as http:
            yield replace(self, http=http)

    async def call(
        self, method: str, path: str, token: str, body: dict[str, Any] | None = None
    ) -> Any:
        """The JSON answer; `ServiceRefused` for a 4xx, `ServiceUnavailable` otherwise."""
        headers = {"Authorization": f"Bearer {token}"}
        try:
            if self.http is not None:
                reply = await self.http.request(method, path, json=body, headers=headers)
            else:
                async with self.session() as client:
                    return await client.call(method, path, token, body)
        except httpx.HTTPError as error:
            raise self._unanswered(error) from error
        self._judge(reply)
        return reply.json()

    async def upload(
        self,
        path: str,
        token: str,
        content: AsyncIterable[bytes],
        params: Mapping[str, str],
        each: Callable[[Any], None],
    ) -> None:
        """POST a body streamed from `content` (a file, in chunks), handing each JSON line of the
        answer to `each` as it arrives; refused or unavailable as `call`."""
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/octet-stream"}
        try:
            async with (
                httpx.AsyncClient(
                    base_url=self.url, timeout=UPLOAD_TIMEOUT, verify=self.verify
                ) as http,
                http.stream("POST", path, content=content, params=params, headers=headers) as reply,
            ):
                if reply.status_code >= 400:
                    await reply.aread()
                    self._judge(reply)
                async for line in reply.aiter_lines():
                    if line.strip():
                        each(json.loads(line))
        except httpx.HTTPError as error:
            raise self._unanswered(error) from error

    def _unanswered(self, error: httpx.HTTPError) -> ServiceUnavailable:
        return ServiceUnavailable(
            f"the {self.service} service at {self.url} does not answer: {error!r}"
        )

    def _judge(self, reply: httpx.Response) -> None:
        """Raise `ServiceUnavailable` for a 5xx answer, `ServiceRefused` for a 4xx one."""
        if reply.status_code >= 500:
            raise ServiceUnavailable(
                f"the {self.service} service failed ({reply.status_code}): {reply.text[:300]}"
            )
        if reply.status_code >= 400:
            raise refusal_of(reply)


async def pages(
    client: ServiceClient,
    token: str,
    path: str,
    query: Mapping[str, str | int],
    model: type[PageT],
) -> AsyncGenerator[PageT, None]:
    """Every page of the listing at `path` (asked with `query`), first to last, each page's `next`
    passed as the following call's `after`, all over one connection: read it under
    `contextlib.aclosing`, so that the connection closes even when the reading stops early."""
    after: str | int | None = None
    async with client.session() as paging:
        while True:
            asked = {**query, **({} if after is None else {"after": after})}
            page = model.model_validate(
                await paging.call("GET", f"{path}?{urlencode(asked)}", token)
            )
            yield page
            if page.next is None:
                return
            after = page.next


def refusal_of(reply: httpx.Response) -> ServiceRefused:
    """The refusal a 4xx answer carries: `{"detail": {"reason", "message"}}`, a plain detail,
    or FastAPI's list of deficiencies."""
    try:
        detail = reply.json().get("detail")
    except ValueError:
        detail = reply.text
    if isinstance(detail, dict):
        return ServiceRefused(
            reply.status_code, str(detail.get("reason", "")), str(detail.get("message", detail))
        )
    if isinstance(detail, list):
        each = [
            f"{'.'.join(str(p) for p in d.get('loc', [])[1:])}: {d.get('msg')}"
            for d in detail
            if isinstance(d, dict)
        ]
        return ServiceRefused(reply.status_code, "invalid", "; ".join(each))
    reason = {401: "unauthenticated", 403: "forbidden"}.get(reply.status_code, "refused")
    return ServiceRefused(reply.status_code, reason, str(detail))
