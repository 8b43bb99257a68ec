"""Use case: a list file sent to screening's API becomes the list's next version."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from caseflow.limits import LIST_FILE, Limit
from services.screening.list_updates import ListLoaded, ListStore, load_list_version
from services.screening.matching import ListFormatError, load_list

ListFormat = Literal["json", "csv"]


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


async def load_sent_list(
    name: str,
    body: AsyncIterable[bytes],
    file_format: ListFormat,
    loaded_from: str,
    store: ListStore,
    limit: Limit = LIST_FILE,
) -> ListVersionLoaded:
    """Read the file `body` streams as list `name` and store it as the list's next version.

    The body goes to a temporary file, not memory; a file that is not a list raises
    `ListFormatError` before anything is stored. The version is stored in one transaction, so a
    load cut short leaves the current version as it was.
    """
    with tempfile.TemporaryDirectory(prefix="caseflow-list-") as folder:
        received = Path(folder) / f"list.{file_format}"
        await receive_list_file(body, received, limit)
        try:
            entries = await asyncio.to_thread(load_list, received, name)
        except ListFormatError as error:
            # The reader names its file; the temporary one means nothing to the sender.
            raise ListFormatError(str(error).replace(f"{received}: ", "")) from error
    return ListVersionLoaded.of(await load_list_version(name, entries, loaded_from, store))


async def receive_list_file(body: AsyncIterable[bytes], destination: Path, limit: Limit) -> None:
    """Write the streamed body to `destination`; `ListFileTooLarge` once it passes `limit`."""
    size = 0
    with destination.open("wb") as file:
        async for chunk in body:
            size += len(chunk)
            if refusal := limit.exceeded_by(size):
                raise ListFileTooLarge(refusal)
            file.write(chunk)
