"""Real tokens for tests: signed by the session stack's issuer (its private keys, as the desk's
sign-in signs them), verified by workers with the published public keys only."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from caseflow.auth import KeyRing, Principal, Role
from caseflow.auth.tokens import issuer, key_ring
from caseflow.settings import Settings
from workflows import actors
from workflows.tasks import Reviewer

_issuers: list[KeyRing] = []
_stacks: list[Settings] = []


def use_stack(settings: Settings) -> None:
    """Issue the tests' tokens with the stack's keys; workers of this process verify them with
    its public keys (workers started as processes read the same published file)."""
    _issuers[:] = [issuer(settings)]
    _stacks[:] = [settings]
    actors.install(key_ring(settings))


@contextmanager
def acting_on(settings: Settings) -> Iterator[None]:
    """Tokens of another stack's issuer (a module's own stack) while the block runs."""
    before = list(_stacks)
    use_stack(settings)
    try:
        yield
    finally:
        if before:
            use_stack(before[0])


def token_for(reviewer: Reviewer, lifetime: timedelta = timedelta(hours=1)) -> str:
    """A token for the account the reviewer names, with its role."""
    if not _issuers:
        raise RuntimeError("no issuer: the stack_settings fixture sets it up")
    principal = Principal(name=reviewer.id, role=Role(reviewer.role.value))
    return _issuers[0].issue(principal, lifetime)
