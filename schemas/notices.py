"""A denial, risk or approval-despite-denial notice as a list of notices shows it: what
consultation's API answers for those this state shared, screening's for those partners sent."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from enum import StrEnum
from typing import Annotated, NamedTuple

from pydantic import AfterValidator, BaseModel, Field

from schemas.pages import Page


class ListedKind(StrEnum):
    """A notice's kind, as the notice records it."""

    DENIAL = "denial"
    RISK = "risk"
    APPROVAL_DESPITE_DENIAL = "approval_despite_denial"


class NoticeListed(BaseModel):
    """One notice: when it was shared or received, its kind, issuer, destination, parties and
    reason (or, for an approval despite a denial, the explanation)."""

    at: datetime = Field(description="When this state shared it, or received it.")
    kind: ListedKind
    issuing_state: str
    notice_id: str
    destination_country: str
    case_id: str = Field(default="", description="The case it was shared from (ours only).")
    parties: list[str] = Field(description="The parties' names as the notice gives them.")
    about: str = Field(description="The reason given, or the explanation of an approval.")

    @classmethod
    def of_stored(cls, at: datetime, notice: str, case_id: str = "") -> NoticeListed:
        """The listing of a notice kept as its JSON (a PartnerNotice or ApprovalDespiteDenial)."""
        fields = json.loads(notice)
        return cls(
            at=at,
            kind=ListedKind(fields["kind"]),
            issuing_state=fields["issuing_state"],
            notice_id=fields["notice_id"],
            destination_country=fields.get("destination_country", ""),
            case_id=case_id,
            parties=[party["name"] for party in fields.get("parties", [])],
            about=fields.get("reason") or fields.get("explanation") or "",
        )


class NoticePage(Page[str]):
    """Notices, newest first, and where the next page starts."""

    notices: list[NoticeListed]

    @classmethod
    def of(cls, found: list[NoticeListed], limit: int) -> NoticePage:
        """The first `limit` of `found` (read with one more, to tell whether more follow)."""
        more = len(found) > limit
        notices = found[:limit]
        return cls(notices=notices, next=NoticeCursor.after(notices[-1]).encode() if more else None)


class NoticeCursor(NamedTuple):
    """The place of a notice in a listing: newest first, then by issuer and notice id."""

    at: datetime
    issuing_state: str
    notice_id: str

    @classmethod
    def after(cls, notice: NoticeListed) -> NoticeCursor:
        """The place just past `notice`."""
        return cls(notice.at, notice.issuing_state, notice.notice_id)

    def encode(self) -> str:
        """The cursor as a listing's `after` takes it (opaque to the caller)."""
        fields = [self.at.isoformat(), self.issuing_state, self.notice_id]
        return base64.urlsafe_b64encode(json.dumps(fields).encode()).decode()

    @classmethod
    def decode(cls, text: str) -> NoticeCursor:
        """The cursor a page's `next` gave; ValueError for anything else."""
        try:
            at, state, notice_id = json.loads(base64.urlsafe_b64decode(text.encode()))
            return cls(datetime.fromisoformat(at), str(state), str(notice_id))
        except (binascii.Error, UnicodeDecodeError, TypeError, ValueError) as error:
            raise ValueError(f"not a cursor a notice listing gave: {text!r}") from error


def _checked(text: str | None) -> str | None:
    """A listing's `after`: none, or a cursor that decodes (a 422 otherwise)."""
    if text is not None:
        NoticeCursor.decode(text)
    return text


# A listing's `after`, as a query parameter: the `next` of the page before.
NoticeAfter = Annotated[str | None, AfterValidator(_checked)]


def notice_cursor(after: str | None) -> NoticeCursor | None:
    """The place a listing's checked `after` names; none for the first page."""
    return NoticeCursor.decode(after) if after else None
