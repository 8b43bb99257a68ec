"""Use case: a list file sent to screening's API becomes the list's next version."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterable, AsyncIterator
from pathlib import Path
from typing import Literal

import structlog
from pydantic import BaseModel, Field

from caseflow.limits import LIST_FILE, Limit
from services.screening.list_updates import ListLoaded, ListStore, load_list_version
from services.screening.matching import ListFormatError, RestrictedPartyEntry, load_list

log = structlog.get_logger(__name__)
ListFormat = Literal["json", "csv"]
# A list's name is part of the load's path and of every list version label (`csl@3`).
LIST_NAME = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"


class ListFileTooLarge(ValueError):
    """The file sent exceeds the `list_file` limit; nothing was stored."""


class ListVersionLoaded(BaseModel):
    """What a load made of a list file: the list's version now and what the file changed."""

    list_version: str = Field(description="`<list>@<version>`: the new one, or the current one.")
    entries: int = Field(description="Entries in the file.")
    added: int
    changed: int
    removed: int
    published: bool = Field(
        description="Whether a new version was stored and ListUpdated published; false when the "
        "file says what the current version says (a repeated load)."
    )

    @classmethod
    def of(cls, loaded: ListLoaded) -> ListVersionLoaded:
        """The answer for a load's outcome."""
        delta = loaded.delta
        return cls(
            list_version=loaded.list_version,
            entries=delta.entries,
            added=len(delta.added),
            changed=len(delta.changed),
            removed=len(delta.removed),
            published=loaded.update is not None,
        )

    def summary(self) -> str:
        """`3 added, 1 changed, 0 removed`."""
        return f"{self.added} added, {self.changed} changed, {self.removed} removed"


async def read_sent_list(
    name: str, body: AsyncIterable[bytes], file_format: ListFormat, limit: Limit = LIST_FILE
) -> list[RestrictedPartyEntry]:
    """The entries of the file `body` streams, read as list `name`.

    The body goes to a temporary file, not memory; a file that is not a list raises
    `ListFormatError`, one beyond `limit` `ListFileTooLarge`, before anything is stored.
    """
    with tempfile.TemporaryDirectory(prefix="caseflow-list-") as folder:
        received = Path(folder) / f"list.{file_format}"
        await receive_list_file(body, received, limit)
        try:
            return await asyncio.to_thread(load_list, received, name)
        except ListFormatError as error:
            # The reader names its file; the temporary one means nothing to the sender.
            raise ListFormatError(str(error).replace(f"{received}: ", "")) from error


class LoadProgress(BaseModel):
    """One line of a load's answer: entries stored so far, then the outcome or the failure."""

    stored: int | None = None
    total: int | None = None
    loaded: ListVersionLoaded | None = None
    failed: str | None = None

    def line(self) -> str:
        """The JSON line sent."""
        return self.model_dump_json(exclude_none=True) + "\n"


async def storing_lines(
    name: str, entries: list[RestrictedPartyEntry], loaded_from: str, store: ListStore
) -> AsyncIterator[str]:
    """Store `entries` as the list's next version, a line per batch stored and one with the
    outcome. The version is stored in one transaction: closing the lines before the end cancels
    the load, which leaves the current version as it was unless it had committed."""
    stored: asyncio.Queue[LoadProgress] = asyncio.Queue()

    def advance(done: int, total: int) -> None:
        stored.put_nowait(LoadProgress(stored=done, total=total))

    loading = asyncio.create_task(load_list_version(name, entries, loaded_from, store, advance))
    try:
        while not loading.done():
            waiting = asyncio.create_task(stored.get())
            await asyncio.wait({loading, waiting}, return_when=asyncio.FIRST_COMPLETED)
            if waiting.done():
                yield waiting.result().line()
            else:
                waiting.cancel()
        while not stored.empty():
            yield stored.get_nowait().line()
        if (error := loading.exception()) is not None:
            log.error("list load failed", list_name=name, error=repr(error))
            yield LoadProgress(failed=f"{type(error).__name__}: {error}").line()
        else:
            yield LoadProgress(loaded=ListVersionLoaded.of(loading.result())).line()
    finally:
        loading.cancel()


async def receive_list_file(body: AsyncIterable[bytes], destination: Path, limit: Limit) -> None:
    """Write the streamed body to `destination`; `ListFileTooLarge` once it passes `limit`."""
    size = 0
    with destination.open("wb") as file:
        async for chunk in body:
            size += len(chunk)
            if refusal := limit.exceeded_by(size):
                raise ListFileTooLarge(refusal)
            file.write(chunk)
