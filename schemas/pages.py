"""A page of a listing an API answers in pages: its items, and where the next page starts."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

Cursor = TypeVar("Cursor", int, str)


class Page(BaseModel, Generic[Cursor]):
    """One page; its `next` is the `after` that asks for the page after it."""

    next: Cursor | None = Field(
        description="The `after` that asks for the next page; none on the last page."
    )
