"""The register's HTTP API as the desk and the CLI call it (they never read its tables)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import httpx
from pydantic import TypeAdapter

from caseflow.settings import Settings
from schemas.register import CaseFile, CaseLine, PurgeReport
from schemas.report import AnnualReport
from services.register.config import DEFAULT_HTTP_PORT

LINES = TypeAdapter(list[CaseLine])
TIMEOUT = 30.0


class NotInRegister(LookupError):
    """The register holds no such case (or none the caller may see); the message says which."""


class RegisterUnavailable(RuntimeError):
    """The register did not answer, or refused the caller; the message says why."""


def register_url(settings: Settings) -> str:
    """The configured address, else the one the running register wrote, else its default."""
    if settings.register_url:
        return settings.register_url.rstrip("/")
    written = settings.state_dir / "run" / "register.url"
    if written.exists():
        return written.read_text().strip()
    return f"http://127.0.0.1:{DEFAULT_HTTP_PORT}"


@dataclass(frozen=True)
class RegisterClient:
    """Calls to one register, each with the caller's bearer token; its address is looked up at
    each call (a register started after the desk writes it then)."""

    locate: Callable[[], str]

    @classmethod
    def of(cls, settings: Settings) -> RegisterClient:
        """The register of these settings."""
        return cls(lambda: register_url(settings))

    @property
    def url(self) -> str:
        """Where the register answers now."""
        return self.locate()

    async def case_file(self, reference: str, token: str) -> CaseFile:
        """The case file; `NotInRegister` for an unknown case."""
        answer = await self._get(f"/cases/{reference}", token)
        return CaseFile.model_validate_json(answer.content)

    async def closed_cases(
        self, token: str, filters: Mapping[str, str | int] | None = None
    ) -> list[CaseLine]:
        """Closed cases, latest decision first (`agency`, `outcome`, `destination`, `risk`,
        `control_code`, `q`, `limit`, `offset`)."""
        answer = await self._get("/cases", token, dict(filters or {}))
        return LINES.validate_json(answer.content)

    async def annual_report(self, token: str, year: int) -> AnnualReport:
        """The year's report, as the register computes it from its records."""
        answer = await self._get("/reports/annual", token, {"year": year})
        return AnnualReport.model_validate_json(answer.content)

    async def purge(self, token: str, dry_run: bool) -> PurgeReport:
        """Pseudonymise cases past retention (operators only); with `dry_run`, only say what."""
        answer = await self._send("POST", "/retention/purge", token, {"dry_run": dry_run})
        return PurgeReport.model_validate_json(answer.content)

    async def _get(
        self, path: str, token: str, params: dict[str, str | int] | None = None
    ) -> httpx.Response:
        return await self._send("GET", path, token, params)

    async def _send(
        self, method: str, path: str, token: str, params: Mapping[str, object] | None
    ) -> httpx.Response:
        url = self.url
        try:
            async with httpx.AsyncClient(base_url=url, timeout=TIMEOUT) as client:
                answer = await client.request(
                    method,
                    path,
                    params=dict(params or {}),  # type: ignore[arg-type]
                    headers={"Authorization": f"Bearer {token}"},
                )
        except httpx.HTTPError as error:
            raise RegisterUnavailable(
                f"the register at {self.url} did not answer: {error}"
            ) from error
        if answer.status_code == httpx.codes.NOT_FOUND:
            raise NotInRegister(_reason(answer))
        if answer.status_code >= 400:
            raise RegisterUnavailable(
                f"the register refused ({answer.status_code}): {_reason(answer)}"
            )
        return answer


def _reason(answer: httpx.Response) -> str:
    try:
        detail = answer.json().get("detail")
    except ValueError:
        return answer.text[:200]
    if isinstance(detail, dict):
        return str(detail.get("message") or detail)
    return str(detail)
