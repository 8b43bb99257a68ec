"""A paged listing is read first page to last, each page's `next` asking for the one after, the
caller's query kept on every call, over one connection."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import pytest
from fastapi import FastAPI, HTTPException, Query, Request

from caseflow.http import HttpServer
from caseflow.service_api import ServiceClient, ServiceRefused, pages
from schemas.pages import Page

NUMBERS = list(range(1, 8))


class NumberPage(Page[int]):
    """Numbers after a place, in order."""

    numbers: list[int]


class WordPage(Page[str]):
    """Words after a place, in order; the cursor is the last word given."""

    words: list[str]


@dataclass
class Listing:
    """A listing served in pages, and what each call asked."""

    asked: list[dict[str, str]] = field(default_factory=list)
    ports: set[int] = field(default_factory=set)

    def app(self) -> FastAPI:
        """Numbers by an int cursor, words by a string one; a token other than "good" is
        refused."""
        api = FastAPI()

        @api.get("/numbers")
        async def numbers(
            request: Request, limit: int, after: Annotated[int, Query()] = 0
        ) -> NumberPage:
            self._heard(request)
            found = [number for number in NUMBERS if number > after][:limit]
            full = len(found) == limit and found[-1] != NUMBERS[-1]
            return NumberPage(numbers=found, next=found[-1] if full else None)

        @api.get("/words")
        async def words(request: Request, after: str | None = None) -> WordPage:
            self._heard(request)
            listed = ["a b", "c&d", "e=f"]
            at = listed.index(after) + 1 if after is not None else 0
            return WordPage(words=[listed[at]], next=listed[at] if at + 1 < len(listed) else None)

        return api

    def _heard(self, request: Request) -> None:
        if request.headers.get("Authorization") != "Bearer good":
            raise HTTPException(403, "not this token")
        self.asked.append(dict(request.query_params))
        assert request.client is not None
        self.ports.add(request.client.port)


@pytest.fixture
async def listing(tmp_path: Path) -> AsyncIterator[tuple[Listing, ServiceClient]]:
    """A listing on a loopback port and a client of it."""
    listing = Listing()
    server = HttpServer("listing", "127.0.0.1", 0, 0, tmp_path / "listing.url")
    url = await server.start(listing.app())
    try:
        yield listing, ServiceClient(url, "audit")
    finally:
        await server.stop()


async def test_every_page_is_read_in_order_each_asking_after_the_last(
    listing: tuple[Listing, ServiceClient],
) -> None:
    served, client = listing

    read = [page async for page in pages(client, "good", "/numbers", {"limit": 3}, NumberPage)]

    assert [page.numbers for page in read] == [[1, 2, 3], [4, 5, 6], [7]]
    assert served.asked == [
        {"limit": "3"},
        {"limit": "3", "after": "3"},
        {"limit": "3", "after": "6"},
    ]
    assert len(served.ports) == 1  # one connection for the whole listing


async def test_a_cursor_of_any_text_is_passed_back_as_given(
    listing: tuple[Listing, ServiceClient],
) -> None:
    served, client = listing

    read = [page async for page in pages(client, "good", "/words", {}, WordPage)]

    assert [word for page in read for word in page.words] == ["a b", "c&d", "e=f"]
    assert [asked.get("after") for asked in served.asked] == [None, "a b", "c&d"]


async def test_a_refused_listing_raises_the_services_reason(
    listing: tuple[Listing, ServiceClient],
) -> None:
    _, client = listing

    with pytest.raises(ServiceRefused) as refused:
        [page async for page in pages(client, "bad", "/numbers", {"limit": 3}, NumberPage)]

    assert refused.value.status == 403
    assert "not this token" in str(refused.value)
