"""The stakeholder registry over HTTP, for operators: every change made by the operator the
token names, kept with why, and told as an event (so the audit trail keeps it too)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Literal, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, Field

from caseflow.auth import Principal, Role, require
from caseflow.uow import PoolOwner
from schemas.envelope import utcnow
from services.consultation.policy import StakeholderEntry
from services.consultation.registry import (
    RegistryConflict,
    RegistryRefused,
    UnknownStakeholder,
    new_entry,
    updated,
    with_conflict,
    without_conflict,
)
from services.consultation.registry_store import Action, Registered, RegistryStore

Operator = Annotated[Principal, Depends(require(Role.OPERATOR))]
T = TypeVar("T")
Reason = Annotated[str, Field(min_length=1, max_length=2000, description="Why (kept with it).")]
Codes = Annotated[list[str], Field(max_length=100)]


class RegistryRefusal(BaseModel):
    """Why a registry change changed nothing."""

    reason: str = Field(description="`unknown_stakeholder`, `conflict` or `invalid`.")
    message: str


class StakeholderState(BaseModel):
    """A stakeholder as registered: its entry, whether disabled, its last change."""

    entry: StakeholderEntry
    disabled_at: datetime | None
    changed_by: str | None = Field(description="None: as the seed file says.")
    changed_at: datetime | None

    @classmethod
    def of(cls, registered: Registered) -> StakeholderState:
        """The state of a registered stakeholder."""
        return cls(
            entry=registered.entry,
            disabled_at=registered.disabled_at,
            changed_by=registered.changed_by,
            changed_at=registered.changed_at,
        )


class StakeholderChange(BaseModel):
    """One change an operator made."""

    action: str
    changed_by: str
    changed_at: datetime
    reason: str


class StakeholderRecord(StakeholderState):
    """A stakeholder and every change made to it, oldest first."""

    changes: list[StakeholderChange]


class NewStakeholder(BaseModel):
    """A stakeholder to register."""

    id: str = Field(min_length=1, max_length=100, description="Lower case, digits and dashes.")
    name: str = Field(min_length=1, max_length=300)
    kind: str = Field(description="agency, partner_state, civil_society, academia or industry.")
    channel: str = Field(min_length=1, max_length=300, description="e.g. gateway:NAME.")
    state: str | None = Field(default=None, max_length=2, description="A partner state's code.")
    technologies: Codes = Field(default_factory=list)
    regions: Codes = Field(default_factory=list)
    reason: Reason


class StakeholderEdit(BaseModel):
    """Fields to change (a list given replaces the old one)."""

    name: str | None = Field(default=None, max_length=300)
    channel: str | None = Field(default=None, max_length=300)
    technologies: Codes | None = None
    regions: Codes | None = None
    reason: Reason


class ConflictDeclared(BaseModel):
    """A conflict of interest with a case party or a destination."""

    kind: Literal["party", "country"]
    value: str = Field(min_length=1, max_length=500)
    reason: Reason


class Why(BaseModel):
    """The reason kept with a change."""

    reason: Reason


REFUSALS: dict[int | str, dict[str, object]] = {
    status.HTTP_401_UNAUTHORIZED: {"description": "No token, or a forged or expired one."},
    status.HTTP_403_FORBIDDEN: {"description": "Not an operator's token."},
    status.HTTP_404_NOT_FOUND: {"model": RegistryRefusal, "description": "No such stakeholder."},
    status.HTTP_409_CONFLICT: {
        "model": RegistryRefusal,
        "description": "Id taken, already (not) disabled, conflict already (not) declared, "
        "nothing to change.",
    },
    422: {"model": RegistryRefusal, "description": "An invalid entry, with every reason."},
}


def registry_router(owner: PoolOwner) -> APIRouter:
    """GET, POST and PATCH /stakeholders…, for operators."""
    router = APIRouter(prefix="/stakeholders", tags=["registry"], responses=REFUSALS)

    async def in_transaction(work: Callable[[RegistryStore], Awaitable[T]]) -> T:
        try:
            async with owner.pool.acquire() as connection, connection.transaction():
                return await work(RegistryStore(connection))
        except RegistryRefused as refused:
            raise _http(refused) from refused

    async def change(
        stakeholder_id: str,
        action: Action,
        edit: Callable[[StakeholderEntry], StakeholderEntry],
        by: Principal,
        reason: str,
    ) -> StakeholderState:
        async def apply(store: RegistryStore) -> StakeholderState:
            registered = await store.find(stakeholder_id)
            disabled = registered.disabled_at is not None
            if disabled != (action == "enabled"):  # only a disabled one is enabled, and only that
                raise RegistryConflict(f"{stakeholder_id} is {'' if disabled else 'not '}disabled")
            await store.save(edit(registered.entry), action, by.name, reason, utcnow())
            return StakeholderState.of(await store.find(stakeholder_id))

        return await in_transaction(apply)

    @router.get("")
    async def registry(
        by: Operator,
        every: Annotated[bool, Query(alias="all", description="Disabled ones too.")] = False,
    ) -> list[StakeholderState]:
        """The registry: kind, channel, expertise, declared conflicts, last change."""
        found = await in_transaction(lambda store: store.registered())
        return [StakeholderState.of(r) for r in found if every or r.disabled_at is None]

    @router.get("/{stakeholder_id}")
    async def stakeholder(by: Operator, stakeholder_id: str) -> StakeholderRecord:
        """One stakeholder and every change made to it."""

        async def read(store: RegistryStore) -> StakeholderRecord:
            registered = StakeholderState.of(await store.find(stakeholder_id))
            changes = [StakeholderChange(**vars(c)) for c in await store.changes(stakeholder_id)]
            return StakeholderRecord(**registered.model_dump(), changes=changes)

        return await in_transaction(read)

    @router.post("", status_code=status.HTTP_201_CREATED)
    async def add(by: Operator, wanted: NewStakeholder) -> StakeholderState:
        """Register a stakeholder; it is referred from the next consultation on."""

        async def apply(store: RegistryStore) -> StakeholderState:
            entry = new_entry(
                wanted.id,
                name=wanted.name,
                kind=wanted.kind,
                channel=wanted.channel,
                state=wanted.state,
                technologies=wanted.technologies,
                regions=wanted.regions,
            )
            await store.add(entry, by.name, wanted.reason, utcnow())
            return StakeholderState.of(await store.find(entry.id))

        return await in_transaction(apply)

    @router.patch("/{stakeholder_id}")
    async def update(by: Operator, stakeholder_id: str, edit: StakeholderEdit) -> StakeholderState:
        """Change a stakeholder's name, channel or expertise."""
        return await change(
            stakeholder_id,
            "updated",
            lambda entry: updated(
                entry,
                name=edit.name,
                channel=edit.channel,
                technologies=edit.technologies,
                regions=edit.regions,
            ),
            by,
            edit.reason,
        )

    @router.post("/{stakeholder_id}/conflicts")
    async def declare_conflict(
        by: Operator, stakeholder_id: str, conflict: ConflictDeclared
    ) -> StakeholderState:
        """Declare a conflict of interest: never referred a case naming the party or country."""
        return await change(
            stakeholder_id,
            "conflict",
            lambda entry: with_conflict(entry, conflict.kind, conflict.value, conflict.reason),
            by,
            conflict.reason,
        )

    @router.post("/{stakeholder_id}/conflicts/withdrawn")
    async def withdraw_conflict(
        by: Operator, stakeholder_id: str, conflict: ConflictDeclared
    ) -> StakeholderState:
        """Withdraw a declared conflict of interest: referred such cases again."""
        return await change(
            stakeholder_id,
            "conflict-withdrawn",
            lambda entry: without_conflict(entry, conflict.kind, conflict.value),
            by,
            conflict.reason,
        )

    @router.post("/{stakeholder_id}/disabled")
    async def disable(by: Operator, stakeholder_id: str, why: Why) -> StakeholderState:
        """Stop referring cases to it (its open referrals run their course)."""
        return await change(stakeholder_id, "disabled", lambda entry: entry, by, why.reason)

    @router.post("/{stakeholder_id}/enabled")
    async def enable(by: Operator, stakeholder_id: str, why: Why) -> StakeholderState:
        """Refer cases to a disabled stakeholder again."""
        return await change(stakeholder_id, "enabled", lambda entry: entry, by, why.reason)

    return router


def _http(refused: RegistryRefused) -> HTTPException:
    if isinstance(refused, UnknownStakeholder):
        code, reason = status.HTTP_404_NOT_FOUND, "unknown_stakeholder"
    elif isinstance(refused, RegistryConflict):
        code, reason = status.HTTP_409_CONFLICT, "conflict"
    else:
        code, reason = 422, "invalid"
    body = RegistryRefusal(reason=reason, message=str(refused))
    return HTTPException(code, body.model_dump())
