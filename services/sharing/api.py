"""The point of contact's HTTP API: partner states post signed notices to /exchange/v1/notices;
operators keep the trust registry and read what was refused, with their signed token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request, status
from fastapi.responses import JSONResponse

from caseflow.auth import REVIEWERS, Principal, Role, require
from caseflow.auth.dependencies import Authentication, install
from caseflow.http import Latest, refuse_invalid_requests
from schemas.envelope import utcnow
from schemas.screening import NoticeKind
from schemas.sharing import RiskNoticeDraft
from services.sharing.bundle_api import bundle_routes
from services.sharing.bundles import PolicyParts
from services.sharing.config import EXCHANGE_PATH
from services.sharing.handlers import (
    Incoming,
    StateIdentity,
    receive_notice,
)
from services.sharing.ports import SharingStore
from services.sharing.registry import (
    PartnerKey,
    PartnerWanted,
    Reasoned,
    RegistryRefused,
    RevocationWanted,
    add_partner,
    revoke_partner_keys,
    rotate_partner_key,
)
from services.sharing.risk_notices import (
    CountersignatureRefused,
    countersign_risk_notice,
    list_received_notices,
    list_risk_notices,
    write_risk_notice,
)
from services.sharing.signing import ExchangeRules, RefusalReason, Refused
from services.sharing.signing_keys import rotate_signing_key

Operator = Annotated[Principal, Depends(require(Role.OPERATOR))]
Officer = Annotated[Principal, Depends(require(*REVIEWERS))]
Reader = Annotated[Principal, Depends(require(*REVIEWERS, Role.OPERATOR))]
# The status each refusal answers with: the sender's retry logic reads it.
REFUSAL_STATUS = {
    RefusalReason.UNSIGNED: 401,
    RefusalReason.UNKNOWN_KEY: 401,
    RefusalReason.REVOKED_KEY: 403,
    RefusalReason.FORGED: 401,
    RefusalReason.TAMPERED: 400,
    RefusalReason.WRONG_ADDRESSEE: 421,
    RefusalReason.STALE: 401,
    RefusalReason.REPLAY: 409,
    RefusalReason.MALFORMED: 422,
    RefusalReason.WRONG_ISSUER: 403,
    RefusalReason.OVERSIZED: 413,
}


@dataclass(frozen=True)
class PointOfContact:
    """What the API answers with: the store, who we are, the exchange's rules."""

    store: SharingStore
    identity: StateIdentity
    rules: ExchangeRules
    parts: PolicyParts


def build_api(contact: PointOfContact, authentication: Authentication) -> FastAPI:
    """The point of contact: the exchange (signed by states) and the registry (operators)."""
    api = FastAPI(
        title=f"caseflow point of contact ({contact.identity.code})",
        version="1.0.0",
        description="Partner states post notices signed with their Ed25519 key (see "
        "docs/sharing.md); operators keep the trust registry with their bearer token.",
    )
    install(api, authentication)
    refuse_invalid_requests(api)
    _exchange(api, contact)
    _registry(api, contact)
    _risk_notices(api, contact)
    bundle_routes(api, contact.store, contact.identity, contact.parts, contact.rules.max_body)

    @api.get("/health")
    async def health() -> dict[str, str]:
        """Liveness: the API answers."""
        return {"status": "ok"}

    return api


def _exchange(api: FastAPI, contact: PointOfContact) -> None:
    @api.post(EXCHANGE_PATH, status_code=status.HTTP_202_ACCEPTED)
    async def exchange(request: Request) -> JSONResponse:
        """Take in a partner's signed notice: 202 once kept (or kept before); else the
        refusal's status with `{"reason", "message"}`."""
        body = await _bounded_body(request, contact.rules.max_body)
        incoming = Incoming(
            request.method,
            request.url.path,
            body,
            {name: request.headers.get(name, "") for name in _SIGNED_HEADERS},
            request.client.host if request.client else None,
        )
        try:
            receipt = await receive_notice(
                incoming, contact.store, contact.identity, contact.rules, utcnow()
            )
        except Refused as refusal:
            return JSONResponse(
                {"reason": refusal.reason.value, "message": str(refusal)},
                status_code=REFUSAL_STATUS[refusal.reason],
            )
        return JSONResponse({"receipt": receipt.value}, status_code=202)

    @api.get("/exchange/v1/identity")
    async def identity() -> dict[str, Any]:
        """Who this point of contact speaks for and the key it signs with now (public)."""
        async with contact.store.unit_of_work() as uow:
            keys = await uow.signing_keys()
        current = next((k for k in keys if k["retired_at"] is None), None)
        return {
            "state": contact.identity.code,
            "name": contact.identity.name,
            "key_id": current and current["key_id"],
            "public_key": current and current["public_key"],
        }


_SIGNED_HEADERS = (
    "Caseflow-From",
    "Caseflow-To",
    "Caseflow-Key-Id",
    "Caseflow-Timestamp",
    "Caseflow-Nonce",
    "Content-Digest",
    "Caseflow-Signature",
)


async def _bounded_body(request: Request, limit: int) -> bytes:
    """The body, read no further than one byte past the limit (which the handler refuses)."""
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            break
    return bytes(body)


def _refusal(error: RegistryRefused) -> HTTPException:
    code = 404 if error.reason == "unknown_partner" else 409
    return HTTPException(code, {"reason": error.reason, "message": str(error)})


def _registry(api: FastAPI, contact: PointOfContact) -> None:
    store = contact.store

    @api.get("/partners")
    async def partners(principal: Operator) -> list[dict[str, Any]]:
        """Every partner state, its keys (with their history) and the changes made."""
        async with store.unit_of_work() as uow:
            return await uow.registry()

    @api.post("/partners", status_code=201)
    async def add(principal: Operator, wanted: PartnerWanted) -> dict[str, str]:
        """Trust a partner state and its first key."""
        try:
            await add_partner(store, wanted, principal.name, utcnow())
        except RegistryRefused as error:
            raise _refusal(error) from error
        return {"state": wanted.state, "key_id": wanted.key_id}

    @api.post("/partners/{state}/keys", status_code=201)
    async def rotate(principal: Operator, state: str, wanted: PartnerKey) -> dict[str, str]:
        """Trust a partner's new key; the previous one is retired."""
        try:
            await rotate_partner_key(store, state.upper(), wanted, principal.name, utcnow())
        except RegistryRefused as error:
            raise _refusal(error) from error
        return {"state": state.upper(), "key_id": wanted.key_id}

    @api.post("/partners/{state}/revocations")
    async def revoke(
        principal: Operator, state: str, wanted: RevocationWanted
    ) -> dict[str, list[str]]:
        """Never trust these keys again."""
        try:
            revoked = await revoke_partner_keys(
                store, state.upper(), wanted, principal.name, utcnow()
            )
        except RegistryRefused as error:
            raise _refusal(error) from error
        return {"revoked": revoked}

    @api.get("/refused")
    async def refused(
        principal: Operator, limit: Latest = 50, kind: str | None = None
    ) -> list[dict[str, Any]]:
        """The latest requests refused (of the kind they claimed, or all), with their reason."""
        async with store.unit_of_work() as uow:
            return await uow.refused(limit, kind)

    @api.get("/exchange-log")
    async def exchange_log(principal: Operator, limit: Latest = 50) -> dict[str, Any]:
        """The latest notices received and deliveries to partners."""
        async with store.unit_of_work() as uow:
            return {
                "received": await uow.received(limit),
                "deliveries": await uow.deliveries(limit),
                "keys": await uow.signing_keys(),
            }

    @api.post("/identity/rotations", status_code=201)
    async def rotate_own(principal: Operator, wanted: Reasoned) -> dict[str, str]:
        """A new signing key for this state; partners are told, signed by the old one."""
        rotation = await rotate_signing_key(
            store, contact.identity, principal.name, wanted.reason, utcnow()
        )
        return {"previous_key_id": rotation.previous_key_id, "key_id": rotation.key_id}


def _risk_notices(api: FastAPI, contact: PointOfContact) -> None:
    store = contact.store

    @api.post("/risk-notices", status_code=201)
    async def write(principal: Officer, draft: RiskNoticeDraft) -> dict[str, Any]:
        """An officer's risk notice, kept until a second, senior officer countersigns it."""
        number = await write_risk_notice(store, draft, principal, utcnow())
        return {"number": number, "written_by": principal.name}

    @api.post("/risk-notices/{number}/countersignature")
    async def countersign(principal: Officer, number: int) -> dict[str, Any]:
        """Countersign (a senior officer other than the writer) and share with every partner."""
        try:
            notices = await countersign_risk_notice(
                store, contact.identity, number, principal, utcnow()
            )
        except CountersignatureRefused as refused:
            code = 404 if refused.problems[0].startswith("no risk notice") else 409
            raise HTTPException(
                code, {"reason": "countersignature_refused", "message": str(refused)}
            ) from refused
        return {"shared": [notice.notice_id for notice in notices]}

    @api.get("/risk-notices")
    async def risk_notices(principal: Reader, limit: Latest = 50) -> list[dict[str, Any]]:
        """The latest risk notices: waiting for a countersignature, or shared."""
        return await list_risk_notices(store, limit)

    @api.get("/risk-notices/received")
    async def received_risk_notices(principal: Reader, limit: Latest = 50) -> list[dict[str, Any]]:
        """The latest risk notices partner states sent, with their issuing state."""
        return await list_received_notices(store, NoticeKind.RISK, limit)

    @api.get("/denial-notices/received")
    async def received_denial_notices(
        principal: Reader, limit: Latest = 50
    ) -> list[dict[str, Any]]:
        """The latest denial notices partner states sent, with their issuing state."""
        return await list_received_notices(store, NoticeKind.DENIAL, limit)
