"""The point of contact's use cases: a partner's request verified and its notice published, this
state's notices queued for every partner, a partner's key rotation followed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import structlog
from prometheus_client import Counter

from caseflow.messaging import HandlerTable
from schemas.envelope import Envelope, derived_id, utcnow
from schemas.screening import PartnerNotice
from schemas.sharing import (
    ApprovalDespiteDenial,
    ExchangedNotice,
    KeyRotated,
    PolicyBundle,
)
from schemas.topics import SHARING_NOTICES
from services.sharing.config import SOURCE
from services.sharing.exchanged import claimed_kind, exchange_kind, read_exchanged
from services.sharing.ports import SharingStore, SharingTransaction
from services.sharing.signing import (
    ExchangeRules,
    RefusalReason,
    Refused,
    SignedHeaders,
    public_key,
    verify_request,
)

REFUSED = Counter(
    "caseflow_sharing_refused", "Requests the point of contact refused, by reason.", ["reason"]
)
RECEIVED = Counter(
    "caseflow_sharing_received", "Partner notices verified and taken in, by kind.", ["kind"]
)


@dataclass(frozen=True)
class StateIdentity:
    """Who this deployment speaks for: an ISO country code and the state's name."""

    code: str
    name: str


@dataclass(frozen=True)
class Incoming:
    """A request as the point of contact received it."""

    method: str
    path: str
    body: bytes
    headers: Mapping[str, str]
    remote: str | None = None


class Receipt(StrEnum):
    """What became of a verified request."""

    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"  # the notice was received before: acknowledged, nothing new


async def receive_notice(
    incoming: Incoming,
    store: SharingStore,
    identity: StateIdentity,
    rules: ExchangeRules,
    now: datetime,
) -> Receipt:
    """Verify a partner's request and take its notice in once; a refusal is kept with its
    reason and changes nothing else."""
    try:
        async with store.unit_of_work() as uow:
            return await _take_in(incoming, uow, identity, rules, now)
    except Refused as refusal:
        REFUSED.labels(refusal.reason.value).inc()
        async with store.unit_of_work() as uow:
            await uow.keep_refused(
                now,
                incoming.headers.get("Caseflow-From"),
                incoming.headers.get("Caseflow-Key-Id"),
                refusal.reason.value,
                str(refusal),
                incoming.remote,
                incoming.body[:2000].decode(errors="replace") or None,
                claimed_kind(incoming.body),
            )
        raise


async def _take_in(
    incoming: Incoming,
    uow: SharingTransaction,
    identity: StateIdentity,
    rules: ExchangeRules,
    now: datetime,
) -> Receipt:
    if len(incoming.body) > rules.max_body:
        raise Refused(
            RefusalReason.OVERSIZED, f"body of {len(incoming.body)} bytes over {rules.max_body}"
        )
    signed = SignedHeaders.from_headers(incoming.headers)
    key = await uow.trusted_key(signed.sender, signed.key_id)
    verify_request(
        incoming.method, incoming.path, incoming.body, signed, key,
        own_state=identity.code, now=now, rules=rules,
    )  # fmt: skip
    if not await uow.remember_nonce(signed.sender, signed.nonce, now):
        raise Refused(RefusalReason.REPLAY, f"nonce {signed.nonce} of {signed.sender} seen before")
    # A request older than the window is refused as stale: its nonce need not be kept longer.
    await uow.forget_nonces(now - 2 * rules.window)
    exchanged, content = read_exchanged(incoming.body, signed.sender)
    if isinstance(content, KeyRotated):
        await _follow_rotation(uow, content, signed, now)
    if isinstance(content, PolicyBundle):
        await _keep_proposal(uow, content, now)
    kept = await uow.keep_received(
        signed.sender, exchanged.notice_id, exchanged.kind.value, signed.key_id,
        signed.as_headers(), incoming.body.decode(), now,
    )  # fmt: skip
    if not kept:
        return Receipt.DUPLICATE
    RECEIVED.labels(exchanged.kind.value).inc()
    if not isinstance(content, KeyRotated | PolicyBundle):
        envelope = Envelope.wrap(
            content,
            source=SOURCE,
            subject=f"notice:{signed.sender}/{exchanged.notice_id}",
            correlation_id=exchanged.notice_id,
            event_id=derived_id("received-notice", signed.sender, exchanged.notice_id),
        )
        await uow.publish(SHARING_NOTICES, envelope)
    return Receipt.ACCEPTED


async def _keep_proposal(uow: SharingTransaction, bundle: PolicyBundle, now: datetime) -> None:
    """Keep a partner's bundle as a proposal; a version already received with other content is
    refused (a changed policy is a new version)."""
    known = await uow.proposal(bundle.issuing_state, bundle.bundle_version)
    if known is not None and known.content_hash != bundle.content_hash:
        raise Refused(
            RefusalReason.MALFORMED,
            f"bundle {bundle.bundle_version} of {bundle.issuing_state} was received before with "
            f"content {known.content_hash}: a changed policy takes a new version",
        )
    await uow.keep_proposal(bundle, now)


async def _follow_rotation(
    uow: SharingTransaction, rotation: KeyRotated, signed: SignedHeaders, now: datetime
) -> None:
    """Trust the partner's new key, as the key it replaces signed it; retire the old one."""
    if signed.key_id != rotation.previous_key_id:
        raise Refused(
            RefusalReason.WRONG_ISSUER,
            f"a rotation from {rotation.previous_key_id} must be signed by it, not by "
            f"{signed.key_id}",
        )
    try:
        public_key(rotation.public_key)
    except ValueError as error:
        raise Refused(RefusalReason.MALFORMED, f"new key: {error}") from error
    if await uow.add_partner_key(rotation.state, rotation.key_id, rotation.public_key, now):
        await uow.record_change(
            now, f"{rotation.state} (signed by {signed.key_id})", "key rotated",
            rotation.state, rotation.key_id, "rotation announced by the partner's point of contact",
        )  # fmt: skip


async def send_own_notice(
    message: Envelope[PartnerNotice] | Envelope[ApprovalDespiteDenial],
    store: SharingStore,
    identity: StateIdentity,
    now: datetime,
) -> int:
    """Queue one of this state's notices for every partner (a partner's, or another state's
    agency's, is not ours to send); the number of deliveries queued."""
    notice = message.data
    if notice.issuing_state != identity.code:
        return 0
    async with store.unit_of_work() as uow:
        if not await uow.first_delivery(message.id):
            return 0
        exchanged = ExchangedNotice(
            issuing_state=identity.code,
            kind=exchange_kind(notice),
            notice_id=notice.notice_id,
            notice=notice.model_dump(mode="json"),
        )
        return await uow.send_to_partners(
            notice.notice_id, exchanged.kind.value, exchanged.model_dump_json(), now
        )


def notice_table(store: SharingStore, identity: StateIdentity) -> HandlerTable[int]:
    """This state's notices on the notices topic, each queued for every partner; the topic
    carries other messages too, skipped."""

    async def queue(notice: Envelope[PartnerNotice] | Envelope[ApprovalDespiteDenial]) -> int:
        queued = await send_own_notice(notice, store, identity, utcnow())
        if queued:
            structlog.get_logger(__name__).info(
                "notice queued for partners", notice=notice.data.notice_id, to=queued
            )
        return queued

    return (
        HandlerTable[int]("a notice of this state")
        .on(PartnerNotice, queue)
        .on(ApprovalDespiteDenial, queue)
    )
