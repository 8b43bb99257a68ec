"""Best practice as signed, versioned policy bundles: this state publishes its policy parts in
force as one bundle to every partner; a partner's bundle is a proposal, compared key by key with
the policy in force here, and adopted in part with a recorded decision. An adoption writes the
part's new document to the adopted-policy directory, which its owning service (screening,
consultation) reads at start: the point of contact writes no other service's tables."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, JsonValue, ValidationError

from caseflow.adopted_policy import in_force, write_adopted
from caseflow.auth import Principal
from schemas.sharing import (
    ExchangedNotice,
    ExchangeKind,
    PolicyBundle,
    PolicyPart,
    policy_hash,
)
from services.sharing.handlers import StateIdentity
from services.sharing.policy_diff import AdoptionRefused, KeyChange, adopt, diff
from services.sharing.ports import SharingStore

Document = dict[str, JsonValue]


class BundleRefused(Exception):
    """A bundle not published, or one that cannot be shown; nothing changed."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class PartSource:
    """One policy part of this deployment: its shipped file and the owning service's check of
    a document (raises ValueError naming every deficiency), given by the composition root."""

    part: PolicyPart
    shipped: Path
    check: Callable[[Document], object]


@dataclass(frozen=True)
class PolicyParts:
    """The parts this deployment publishes and adopts, and where adopted ones are written."""

    sources: Sequence[PartSource]
    directory: Path

    def source(self, part: PolicyPart) -> PartSource:
        """The named part; BundleRefused if this deployment has no such part."""
        for source in self.sources:
            if source.part is part:
                return source
        raise BundleRefused("unknown_part", f"this deployment keeps no {part.value} policy")

    def document(self, part: PolicyPart) -> Document:
        """The part's document in force: adopted, or shipped."""
        path = in_force(self.directory, part, self.source(part).shipped)
        document: Document = json.loads(path.read_text())
        return document


class Publication(BaseModel):
    """Why this state publishes its policy now."""

    reason: str = Field(min_length=3, max_length=2000, description="Kept with the bundle.")


class Adoption(BaseModel):
    """Keys of a partner's bundle to put in force here, per part, and why."""

    keys: dict[PolicyPart, list[str]] = Field(
        min_length=1, description="Per part, keys as `bundles diff` names them."
    )
    reason: str = Field(min_length=3, max_length=2000, description="Why (kept with it).")


async def publish_bundle(
    store: SharingStore,
    identity: StateIdentity,
    parts: PolicyParts,
    publisher: Principal,
    reason: str,
    now: datetime,
    max_body: int,
) -> PolicyBundle:
    """This state's parts in force as its next bundle, queued for every partner; refused when
    nothing changed since the last one or when it would not fit a request."""
    documents = {source.part: parts.document(source.part) for source in parts.sources}
    if not documents:
        raise BundleRefused("no_parts", "this deployment has no policy parts to publish")
    content_hash = policy_hash(documents)
    async with store.unit_of_work() as uow:
        latest = await uow.latest_own_bundle()
        if latest is not None and latest[1] == content_hash:
            raise BundleRefused(
                "unchanged", f"the policy in force is bundle {latest[0]}'s: nothing to publish"
            )
        bundle = PolicyBundle(
            issuing_state=identity.code,
            bundle_version=(latest[0] if latest else 0) + 1,
            content_hash=content_hash,
            parts=documents,
            published_by=publisher.name,
            published_role=publisher.role.value,
            published_at=now,
            reason=reason,
        )
        body = ExchangedNotice(
            issuing_state=identity.code,
            kind=ExchangeKind.POLICY_BUNDLE,
            notice_id=bundle.notice_id,
            notice=bundle.model_dump(mode="json"),
        ).model_dump_json()
        if len(body.encode()) > max_body:
            raise BundleRefused(
                "oversized", f"the bundle is {len(body.encode())} bytes, over {max_body}"
            )
        await uow.add_own_bundle(bundle)
        await uow.send_to_partners(bundle.notice_id, ExchangeKind.POLICY_BUNDLE.value, body, now)
        return bundle


async def proposal_diff(
    store: SharingStore, parts: PolicyParts, state: str, version: int
) -> tuple[PolicyBundle, dict[PolicyPart, list[KeyChange]]]:
    """A partner's bundle and, per part, how it differs from the policy in force here."""
    async with store.unit_of_work() as uow:
        bundle = await uow.proposal(state, version)
    if bundle is None:
        raise BundleRefused("unknown_bundle", f"no bundle {version} of {state} was received")
    known = {source.part for source in parts.sources}
    return bundle, {
        part: diff(parts.document(part), document)
        for part, document in bundle.parts.items()
        if part in known
    }


async def adopt_from_bundle(
    store: SharingStore,
    parts: PolicyParts,
    state: str,
    version: int,
    wanted: Adoption,
    adopter: Principal,
    now: datetime,
) -> dict[PolicyPart, str]:
    """Put the chosen keys of a partner's bundle in force, part by part, each checked by its
    owning service's rules first; the new version of each part. `AdoptionRefused` lists every
    problem and nothing changes."""
    async with store.unit_of_work() as uow:
        await uow.lock_adoptions()
        bundle = await uow.proposal(state, version)
        if bundle is None:
            raise BundleRefused("unknown_bundle", f"no bundle {version} of {state} was received")
        adopted = documents_after_adoption(parts, bundle, wanted, now)
        for part, document in adopted.items():
            await uow.add_adoption(
                state, version, part.value, wanted.keys[part], document,
                adopter.name, adopter.role.value, wanted.reason, now,
            )  # fmt: skip
        # Written last: a failure rolls the records back; the records are written out again at
        # every start (materialise_adopted), so a file lost after the commit comes back.
        for part, document in adopted.items():
            write_adopted(parts.directory, part, document)
        return {part: str(document["version"]) for part, document in adopted.items()}


def documents_after_adoption(
    parts: PolicyParts, bundle: PolicyBundle, wanted: Adoption, now: datetime
) -> dict[PolicyPart, Document]:
    """Each part's document with the wanted keys of the bundle, checked by its owner's rules;
    `AdoptionRefused` lists every problem of every part."""
    problems: list[str] = []
    adopted: dict[PolicyPart, Document] = {}
    for part, keys in wanted.keys.items():
        if not keys:
            problems.append(f"{part.value}: no keys named")
            continue
        theirs = bundle.parts.get(part)
        if theirs is None:
            problems.append(f"{part.value}: not in bundle {bundle.bundle_version}")
            continue
        try:
            source = parts.source(part)
            ours = parts.document(part)
            version = f"{ours.get('version', '')}+{bundle.issuing_state}.{bundle.bundle_version}"
            document = adopt(ours, theirs, keys, f"{version}@{now:%Y%m%dT%H%M%S}")
            source.check(document)
        except AdoptionRefused as refused:
            problems += [f"{part.value}: {problem}" for problem in refused.problems]
        except BundleRefused as refused:
            problems.append(str(refused))
        except (ValidationError, ValueError) as invalid:
            problems.append(f"{part.value}: the policy would not hold: {_deficiencies(invalid)}")
        else:
            adopted[part] = document
    if problems:
        raise AdoptionRefused(problems)
    return adopted


def _deficiencies(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'document'}: {e['msg']}"
            for e in error.errors()
        )
    return str(error)


async def materialise_adopted(store: SharingStore, parts: PolicyParts) -> list[PolicyPart]:
    """Write each adopted part's latest document to the adopted-policy directory (at start:
    the records are the truth); the parts written."""
    async with store.unit_of_work() as uow:
        documents = await uow.adopted_documents()
    written = []
    for name, document in documents.items():
        write_adopted(parts.directory, PolicyPart(name), document)
        written.append(PolicyPart(name))
    return written


async def bundles_overview(store: SharingStore, limit: int) -> dict[str, Any]:
    """This state's bundles and partners' proposals, newest first."""
    async with store.unit_of_work() as uow:
        return {
            "published": await uow.own_bundles(limit),
            "received": await uow.proposals(limit),
        }
