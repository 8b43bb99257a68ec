"""Party rules: restricted-party hits, explained, cleared ones marked, and a list update's hits."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from schemas.application import Party, SubmitApplication
from schemas.screening import Finding, FindingCategory, RiskLevel
from services.screening.matching import Hit, normalise_name
from services.screening.policy import ScreeningPolicy


class PartyScreener(Protocol):
    """Looks a party up in the restricted-party lists."""

    @property
    def list_version(self) -> str: ...

    def screen(self, party_name: str, country: str | None = None) -> list[Hit]: ...


@dataclass(frozen=True)
class Clearance:
    """A reviewer's word that a party is not the listed entry it matched: who, when, why."""

    party_key: str
    entry_id: str
    cleared_by: str
    cleared_at: datetime
    reason: str


# A caseload names the same parties again and again, and a re-screen asks for each party's key
# to find its clearances and again to mark them: each name is normalised once.
@functools.lru_cache(maxsize=1 << 16)
def party_key(name: str, country: str) -> str:
    """The same party in later cases: its normalised name (legal form aside) and country."""
    words = " ".join(token.text for token in normalise_name(name).tokens)
    return f"{words}|{country.upper()}"


def party_findings(
    application: SubmitApplication,
    policy: ScreeningPolicy,
    screener: PartyScreener,
    clearances: Sequence[Clearance] = (),
) -> list[Finding]:
    """A finding per party and list entry it matches; a cleared pair is reported as cleared."""
    findings = []
    for role, party, hit, clearance in _party_hits(application, screener, clearances):
        matched = (
            f"matches '{hit.entry_name}' on {hit.list_source} "
            f"(score {hit.score:.2f}): {hit.explanation}"
        )
        findings.append(
            Finding(
                category=FindingCategory.RESTRICTED_PARTY,
                severity=_severity(policy, clearance),
                evidence=_party(role, party),
                explanation=matched if clearance is None else _cleared(matched, clearance),
                reference=hit.entry_id,
            )
        )
    return findings


def reported_entries(
    application: SubmitApplication,
    policy: ScreeningPolicy,
    screener: PartyScreener,
    clearances: Sequence[Clearance] = (),
) -> frozenset[str]:
    """The entries `party_findings` reports at `restricted_party_severity`, without explaining
    each hit."""
    return frozenset(
        hit.entry_id
        for _, _, hit, clearance in _party_hits(application, screener, clearances)
        if _severity(policy, clearance) is policy.restricted_party_severity
    )


def _party_hits(
    application: SubmitApplication, screener: PartyScreener, clearances: Sequence[Clearance]
) -> Iterator[tuple[str, Party, Hit, Clearance | None]]:
    """Each party's hits, with the party's role and the clearance of the pair, if any."""
    cleared = {(c.party_key, c.entry_id): c for c in clearances}
    for role, party in application.parties():
        key = party_key(party.name, party.address.country)
        for hit in screener.screen(party.name, party.address.country):
            yield role, party, hit, cleared.get((key, hit.entry_id))


def _severity(policy: ScreeningPolicy, clearance: Clearance | None) -> RiskLevel:
    return policy.restricted_party_severity if clearance is None else policy.cleared_hit_severity


def _cleared(matched: str, clearance: Clearance) -> str:
    when = clearance.cleared_at.date().isoformat()
    return (
        f"{matched}; cleared as a false positive by {clearance.cleared_by} on {when}: "
        f"{clearance.reason}"
    )


def list_update_matches(
    application: SubmitApplication,
    changes: PartyScreener,
    change_of: Mapping[str, str],
    clearances: Sequence[Clearance] = (),
) -> list[str]:
    """What an update's added or changed entries (indexed in `changes`) match, in words."""
    cleared = {(c.party_key, c.entry_id) for c in clearances}
    return [
        f"{_party(role, party)} matches {change_of.get(hit.entry_id, 'updated')} entry "
        f"'{hit.entry_name}'"
        for role, party in application.parties()
        for hit in changes.screen(party.name, party.address.country)
        if (party_key(party.name, party.address.country), hit.entry_id) not in cleared
    ]


def party_keys(application: SubmitApplication) -> list[str]:
    """The keys of every party of the application, to look their clearances up."""
    return [party_key(party.name, party.address.country) for _, party in application.parties()]


def _party(role: str, party: Party) -> str:
    return f"{role.replace('_', ' ')} '{party.name}' ({party.address.country})"
