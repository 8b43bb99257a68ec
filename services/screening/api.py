"""Screening's HTTP API: reviewers clear false-positive hits, operators load list versions, and
staff read the clearances and the lists' versions, with their signed token."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Query, Request, status
from fastapi import Path as PathParameter
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from caseflow.auth import REVIEWERS, Principal, Role, require
from caseflow.auth.dependencies import Authentication, install
from caseflow.http import AFTER, Latest, refuse_invalid_requests
from caseflow.uow import PostgresStore
from schemas.envelope import utcnow
from schemas.notices import ListedKind, NoticeAfter, NoticePage, notice_cursor
from schemas.screening import HitCleared
from schemas.types import CountryCode
from services.screening.adapters import ClearanceRecord, PostgresScreeningUnitOfWork
from services.screening.clearing import ClearanceRefused, ClearHit, UnknownEntry, clear_hit
from services.screening.list_storage import ListVersionRecord
from services.screening.list_uploads import (
    LIST_NAME,
    ListFileTooLarge,
    ListFormat,
    LoadProgress,
    read_sent_list,
    storing_lines,
)
from services.screening.matching import ListFormatError

Reviewer = Annotated[Principal, Depends(require(*REVIEWERS))]
Reader = Annotated[Principal, Depends(require(*REVIEWERS, Role.OPERATOR))]
Operator = Annotated[Principal, Depends(require(Role.OPERATOR))]
ListName = Annotated[str, PathParameter(pattern=LIST_NAME)]
# By number: their constants' names differ between Starlette versions.
UNPROCESSABLE = 422
TOO_LARGE = 413


class ClearanceWanted(BaseModel):
    """A hit to clear; who clears it is the bearer of the token."""

    party: str = Field(min_length=1, max_length=500, description="The party's name.")
    country: CountryCode = Field(description="The party's country.")
    entry: str = Field(min_length=1, max_length=200, description="The list entry's id.")
    reason: str = Field(min_length=1, max_length=4000, description="Why it is a false positive.")
    case_id: str | None = Field(
        default=None, max_length=100, description="The case the hit was found in, if any."
    )


class Refusal(BaseModel):
    """Why a clearance changed nothing."""

    reason: str = Field(
        description="`unknown_entry` or `invalid_clearance`; for a list file, `invalid_list` "
        "or `too_large`."
    )
    message: str


class ClearanceListed(BaseModel):
    """A recorded clearance: when, who, what, why."""

    cleared_at: datetime
    cleared_by: str
    party_name: str
    entry_id: str
    reason: str

    @classmethod
    def of(cls, record: ClearanceRecord) -> ClearanceListed:
        """The listing of a stored clearance."""
        return cls(**vars(record))


AUTHENTICATION_REFUSALS = {
    status.HTTP_401_UNAUTHORIZED: {"description": "No token, or a forged or expired one."},
    status.HTTP_403_FORBIDDEN: {"description": "A token of a role that may not do this."},
}


def build_api(
    store: PostgresStore[PostgresScreeningUnitOfWork], authentication: Authentication
) -> FastAPI:
    """The screening API on the service's store; every call but /health needs a token."""
    api = FastAPI(
        title="caseflow screening",
        version="1.0.0",
        description="Reviewers clear false-positive hits (HitCleared, kept on the audit trail "
        "with the reviewer the token names); operators load restricted-party list versions; "
        "reviewers and operators read clearances, list versions and partners' notices. "
        "Anonymous calls are refused with 401.",
    )
    install(api, authentication)
    refuse_invalid_requests(api)

    @api.post(
        "/clearances",
        status_code=status.HTTP_201_CREATED,
        responses={
            **AUTHENTICATION_REFUSALS,  # type: ignore[dict-item]
            status.HTTP_404_NOT_FOUND: {"model": Refusal, "description": "No such entry."},
            UNPROCESSABLE: {"model": Refusal, "description": "A reason of a few words lacks."},
        },
    )
    async def clear(principal: Reviewer, wanted: ClearanceWanted) -> HitCleared:
        """Clear a hit for this party and entry from now on; refused with the reason."""
        command = ClearHit(
            party_name=wanted.party,
            country=wanted.country,
            entry_id=wanted.entry,
            reason=wanted.reason,
            reviewer=principal.name,
            reviewer_role=principal.role.value,
            case_id=wanted.case_id,
        )
        try:
            return await clear_hit(command, at=utcnow(), store=store)
        except ClearanceRefused as refusal:
            code = status.HTTP_404_NOT_FOUND if isinstance(refusal, UnknownEntry) else 422
            body = Refusal(reason=refusal.reason, message=str(refusal))
            raise HTTPException(code, body.model_dump()) from refusal

    @api.get("/clearances", responses=AUTHENTICATION_REFUSALS)  # type: ignore[arg-type]
    async def clearances(principal: Reader) -> list[ClearanceListed]:
        """Every clearance recorded, newest first."""
        async with store.unit_of_work() as uow:
            return [ClearanceListed.of(record) for record in await uow.clearance_history()]

    @api.get("/lists", responses=AUTHENTICATION_REFUSALS)  # type: ignore[arg-type]
    async def list_versions(principal: Reader) -> list[ListVersionRecord]:
        """Every list's versions: when loaded, from where, what each changed."""
        async with store.unit_of_work() as uow:
            return await uow.version_history()

    @api.get("/partner-notices", responses=AUTHENTICATION_REFUSALS)  # type: ignore[arg-type]
    async def partner_notices(
        principal: Reader,
        kind: Annotated[ListedKind | None, Query(description="Only notices of this kind.")] = None,
        limit: Latest = 100,
        after: Annotated[NoticeAfter, Query(max_length=400, description=AFTER)] = None,
    ) -> NoticePage:
        """The notices partner states sent (denials, risks, approvals despite a denial), newest
        first, a page at a time."""
        async with store.unit_of_work() as uow:
            found = await uow.notices_listed(kind, notice_cursor(after), limit + 1)
        return NoticePage.of(found, limit)

    @api.post(
        "/lists/{name}/versions",
        status_code=status.HTTP_201_CREATED,
        response_class=StreamingResponse,
        responses={
            status.HTTP_201_CREATED: {
                "content": {"application/x-ndjson": {"schema": LoadProgress.model_json_schema()}},
                "description": "A JSON line (LoadProgress) per batch of entries stored, then "
                "one with the outcome (`loaded`) or the failure (`failed`).",
            },
            **AUTHENTICATION_REFUSALS,  # type: ignore[dict-item]
            TOO_LARGE: {"model": Refusal, "description": "A file beyond the list_file limit."},
            UNPROCESSABLE: {"model": Refusal, "description": "A file that is not a list."},
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "description": "The list file: consolidated.json, or a CSV with a header.",
                "content": {"application/octet-stream": {"schema": {"type": "string"}}},
            }
        },
    )
    async def load_version(
        principal: Operator,
        name: ListName,
        request: Request,
        file_format: Annotated[ListFormat, Query(alias="format")],
        loaded_from: Annotated[str, Query(min_length=1, max_length=1000)],
    ) -> StreamingResponse:
        """Store the file in the body (streamed) as the list's next version and publish
        ListUpdated, answering with its progress; a file saying what the current version says
        stores nothing."""
        try:
            entries = await read_sent_list(name, request.stream(), file_format)
        except ListFormatError as error:
            body = Refusal(reason="invalid_list", message=str(error))
            raise HTTPException(UNPROCESSABLE, body.model_dump()) from error
        except ListFileTooLarge as error:
            body = Refusal(reason="too_large", message=str(error))
            raise HTTPException(TOO_LARGE, body.model_dump()) from error
        lines = storing_lines(name, entries, loaded_from, store)
        return StreamingResponse(lines, status.HTTP_201_CREATED, media_type="application/x-ndjson")

    @api.get("/health")
    async def health() -> dict[str, str]:
        """Liveness: the API answers."""
        return {"status": "ok"}

    return api
