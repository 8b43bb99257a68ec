"""A notice listing's page says where the next one starts, and only a cursor it gave is taken."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from schemas.notices import ListedKind, NoticeCursor, NoticeListed, NoticePage, notice_cursor

START = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def listed(n: int) -> NoticeListed:
    """The n-th newest notice of a listing."""
    return NoticeListed(
        at=START - timedelta(minutes=n),
        kind=ListedKind.DENIAL,
        issuing_state="DE",
        notice_id=f"DE/{n}",
        destination_country="NP",
        parties=[],
        about="",
    )


def test_a_full_page_names_the_place_just_past_its_last_notice() -> None:
    page = NoticePage.of([listed(n) for n in range(4)], limit=3)

    assert [notice.notice_id for notice in page.notices] == ["DE/0", "DE/1", "DE/2"]
    assert page.next is not None
    assert notice_cursor(page.next) == NoticeCursor(START - timedelta(minutes=2), "DE", "DE/2")


def test_the_last_page_names_no_next() -> None:
    page = NoticePage.of([listed(n) for n in range(3)], limit=3)

    assert len(page.notices) == 3
    assert page.next is None


@pytest.mark.parametrize("text", ["not-a-cursor", "WzFd", "bnVsbA=="])
def test_a_cursor_no_listing_gave_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a cursor"):
        NoticeCursor.decode(text)
