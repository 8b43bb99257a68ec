"""What a partner's request carries: the notice in a verified body, read and checked against the
state that signed it, and how each of this state's notices travels."""

from __future__ import annotations

import re

from pydantic import ValidationError

from schemas.screening import NoticeKind, PartnerNotice
from schemas.sharing import (
    ApprovalDespiteDenial,
    ExchangedNotice,
    ExchangeKind,
    KeyRotated,
    PolicyBundle,
)
from services.sharing.signing import RefusalReason, Refused

Content = PartnerNotice | ApprovalDespiteDenial | KeyRotated | PolicyBundle

_KIND = re.compile(rb'"kind"\s*:\s*"([a-z_]{1,40})"')


def claimed_kind(body: bytes) -> str | None:
    """The kind a refused body says it is, if it says so near its start (an oversized body is
    cut short, so it is searched, not parsed)."""
    found = _KIND.search(body[:2000])
    return found[1].decode() if found else None


def read_exchanged(body: bytes, sender: str) -> tuple[ExchangedNotice, Content]:
    """The notice a verified body carries; `Refused` lists every deficiency."""
    try:
        exchanged = ExchangedNotice.model_validate_json(body)
        content = _content_of(exchanged)
    except ValidationError as error:
        each = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in error.errors()
        )
        raise Refused(RefusalReason.MALFORMED, f"not a valid notice: {each}") from error
    issuers = {exchanged.issuing_state, _issuer(content)}
    if issuers != {sender} or _id_of(content) != exchanged.notice_id:
        raise Refused(
            RefusalReason.WRONG_ISSUER,
            f"signed by {sender} but issued by {', '.join(sorted(issuers))} or under another id",
        )
    return exchanged, content


def _content_of(exchanged: ExchangedNotice) -> Content:
    if exchanged.kind is ExchangeKind.KEY_ROTATION:
        return KeyRotated.model_validate(exchanged.notice)
    if exchanged.kind is ExchangeKind.POLICY_BUNDLE:
        return PolicyBundle.model_validate(exchanged.notice)
    if exchanged.kind is ExchangeKind.APPROVAL_DESPITE_DENIAL:
        return ApprovalDespiteDenial.model_validate(exchanged.notice)
    if exchanged.kind in (ExchangeKind.DENIAL, ExchangeKind.RISK):
        notice = PartnerNotice.model_validate(exchanged.notice)
        if notice.kind.value != exchanged.kind.value:
            raise Refused(
                RefusalReason.MALFORMED, f"a {notice.kind.value} notice sent as {exchanged.kind}"
            )
        return notice
    raise Refused(RefusalReason.MALFORMED, f"{exchanged.kind.value} is not taken in here yet")


def _issuer(content: Content) -> str:
    return content.state if isinstance(content, KeyRotated) else content.issuing_state


def _id_of(content: Content) -> str:
    return rotation_id(content) if isinstance(content, KeyRotated) else content.notice_id


def rotation_id(rotation: KeyRotated) -> str:
    """The notice id of a key rotation: the new key's id."""
    return f"key/{rotation.key_id}"


def exchange_kind(notice: PartnerNotice | ApprovalDespiteDenial) -> ExchangeKind:
    """How a notice of this state travels."""
    if isinstance(notice, ApprovalDespiteDenial):
        return ExchangeKind.APPROVAL_DESPITE_DENIAL
    return ExchangeKind.DENIAL if notice.kind is NoticeKind.DENIAL else ExchangeKind.RISK
