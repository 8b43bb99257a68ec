"""Party rules: restricted-party hits, explained, and the hits a list update brings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from schemas.application import Party, SubmitApplication
from schemas.screening import Finding, FindingCategory
from services.screening.matching import Hit
from services.screening.policy import ScreeningPolicy


class PartyScreener(Protocol):
    """Looks a party up in the restricted-party lists."""

    @property
    def list_version(self) -> str: ...

    def screen(self, party_name: str, country: str | None = None) -> list[Hit]: ...


def party_findings(
    application: SubmitApplication, policy: ScreeningPolicy, screener: PartyScreener
) -> list[Finding]:
    """A finding per party and list entry it matches."""
    return [
        Finding(
            category=FindingCategory.RESTRICTED_PARTY,
            severity=policy.restricted_party_severity,
            evidence=_party(role, party),
            explanation=f"matches '{hit.entry_name}' on {hit.list_source} "
            f"(score {hit.score:.2f}): {hit.explanation}",
            reference=hit.entry_id,
        )
        for role, party in application.parties()
        for hit in screener.screen(party.name, party.address.country)
    ]


def list_update_matches(
    application: SubmitApplication, changes: PartyScreener, change_of: Mapping[str, str]
) -> list[str]:
    """What an update's added or changed entries (indexed in `changes`) match, in words."""
    return [
        f"{_party(role, party)} matches {change_of.get(hit.entry_id, 'updated')} entry "
        f"'{hit.entry_name}'"
        for role, party in application.parties()
        for hit in changes.screen(party.name, party.address.country)
    ]


def _party(role: str, party: Party) -> str:
    return f"{role.replace('_', ' ')} '{party.name}' ({party.address.country})"
