"""The point of contact's policy-bundle routes: publish this state's policy, read partners'
bundles as proposals with their differences, adopt keys of them (operators and senior officers,
with their signed token)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException

from caseflow.auth import REVIEWERS, Principal, Role, require
from caseflow.http import Latest
from schemas.envelope import utcnow
from schemas.sharing import ExchangeKind
from services.sharing.bundles import (
    Adoption,
    BundleRefused,
    PolicyParts,
    Publication,
    adopt_from_bundle,
    bundles_overview,
    proposal_diff,
    publish_bundle,
)
from services.sharing.handlers import StateIdentity
from services.sharing.policy_diff import AdoptionRefused
from services.sharing.ports import SharingStore

Decider = Annotated[Principal, Depends(require(Role.OPERATOR, Role.SENIOR_OFFICER))]
Reader = Annotated[Principal, Depends(require(*REVIEWERS, Role.OPERATOR))]
NOT_FOUND = {"unknown_bundle", "unknown_part"}


def _refusal(error: BundleRefused) -> HTTPException:
    return HTTPException(
        404 if error.reason in NOT_FOUND else 409, {"reason": error.reason, "message": str(error)}
    )


def bundle_routes(
    api: FastAPI, store: SharingStore, identity: StateIdentity, parts: PolicyParts, max_body: int
) -> None:
    """Add the bundle routes to the point of contact's API."""

    @api.post("/bundles", status_code=201)
    async def publish(principal: Decider, wanted: Publication) -> dict[str, Any]:
        """Publish the policy in force as this state's next bundle, to every partner."""
        try:
            bundle = await publish_bundle(
                store, identity, parts, principal, wanted.reason, utcnow(), max_body
            )
        except BundleRefused as error:
            raise _refusal(error) from error
        return {
            "bundle_version": bundle.bundle_version,
            "content_hash": bundle.content_hash,
            "parts": sorted(bundle.parts),
            "published_by": bundle.published_by,
        }

    @api.get("/bundles")
    async def overview(principal: Reader, limit: Latest = 50) -> dict[str, Any]:
        """This state's bundles and partners' bundles (proposals), newest first."""
        return await bundles_overview(store, limit)

    @api.get("/bundles/{state}/{version}")
    async def show(principal: Reader, state: str, version: int) -> dict[str, Any]:
        """A partner's bundle: who published it, its differences from the policy in force
        here, part by part, and the adoptions made of it."""
        try:
            bundle, differences = await proposal_diff(store, parts, state.upper(), version)
        except BundleRefused as error:
            raise _refusal(error) from error
        async with store.unit_of_work() as uow:
            adoptions = await uow.adoptions(bundle.issuing_state, version)
        return {
            **bundle.model_dump(mode="json", exclude={"parts"}),
            "kind": ExchangeKind.POLICY_BUNDLE.value,
            "differences": {
                part.value: [asdict(change) for change in changes]
                for part, changes in differences.items()
            },
            "adoptions": adoptions,
        }

    @api.post("/bundles/{state}/{version}/adoptions", status_code=201)
    async def adopt(
        principal: Decider, state: str, version: int, wanted: Adoption
    ) -> dict[str, Any]:
        """Put keys of a partner's bundle in force here, with the reason; each part takes
        effect when its owning service next starts."""
        try:
            versions = await adopt_from_bundle(
                store, parts, state.upper(), version, wanted, principal, utcnow()
            )
        except BundleRefused as error:
            raise _refusal(error) from error
        except AdoptionRefused as refused:
            raise HTTPException(
                409, {"reason": "adoption_refused", "message": str(refused)}
            ) from refused
        return {
            "adopted": {part.value: versions[part] for part in versions},
            "adopted_by": principal.name,
        }
