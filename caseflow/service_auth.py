"""What a service's HTTP API verifies callers with: the token keys and the accounts (so that a
disabled account's token is refused), open while the service runs."""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass, field

from caseflow.auth import Authentication, key_ring, open_accounts
from caseflow.settings import Settings


@dataclass
class ServiceAuthentication:
    """Opens the accounts on `start`, closes them on `stop`."""

    settings: Settings
    _opened: AsyncExitStack = field(default_factory=AsyncExitStack, repr=False)

    async def start(self) -> Authentication:
        """The key ring and the accounts, for `caseflow.auth.install`."""
        database = self.settings.endpoints().database
        accounts = await self._opened.enter_async_context(open_accounts(database))
        return Authentication(key_ring(self.settings), accounts)

    async def stop(self) -> None:
        """Close the accounts' pool."""
        await self._opened.aclose()
