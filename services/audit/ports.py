"""What the audit trail's use case needs: a transaction on the trail's connection."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Protocol

from caseflow.db import Connection


class TrailTransaction(Protocol):
    """One transaction on the trail."""

    @property
    def connection(self) -> Connection: ...


class TrailStore(Protocol):
    """Where the trail's transactions come from."""

    def unit_of_work(self) -> AbstractAsyncContextManager[TrailTransaction]: ...
