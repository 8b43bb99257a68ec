"""Who is referred a case: routing rules, required partner states, never the conflicted."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from schemas.consultation import ConsultationRequested, LeftOut, StakeholderKind
from services.consultation.policy import (
    Conditions,
    DeclaredConflict,
    RoutingPolicy,
    RoutingRule,
    StakeholderEntry,
)


@dataclass(frozen=True)
class Referee:
    """A stakeholder chosen for a case, and whether it must be consulted."""

    stakeholder: StakeholderEntry
    required: bool = False


@dataclass
class Routing:
    """The routing of one case: who is referred, who was left out for a conflict, who is disabled
    (and since when), who is missing."""

    referred: list[Referee] = field(default_factory=list)
    conflicted: list[tuple[StakeholderEntry, DeclaredConflict]] = field(default_factory=list)
    disabled: dict[str, datetime] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    required_states: dict[str, list[str]] = field(default_factory=dict)

    def unheard_states(self) -> list[str]:
        """Partner states that must be consulted (denial notice) but none of whose contacts is
        referred: none registered, or each one conflicted."""
        referred = {referee.stakeholder.id for referee in self.referred}
        return [
            state
            for state, contacts in self.required_states.items()
            if not referred.intersection(contacts)
        ]

    def left_out(self) -> list[LeftOut]:
        """Who routing wanted but could not refer, with the reason."""
        conflicted = [
            LeftOut(
                stakeholder_id=stakeholder.id,
                reason=f"conflict of interest ({conflict.kind} {conflict.value}): {conflict.note}",
            )
            for stakeholder, conflict in self.conflicted
        ]
        disabled = [
            LeftOut(
                stakeholder_id=sid,
                reason=f"disabled in the stakeholder registry on {at:%Y-%m-%d %H:%M %Z}",
            )
            for sid, at in self.disabled.items()
        ]
        return (
            conflicted
            + disabled
            + [
                LeftOut(stakeholder_id=missing, reason="not in the stakeholder registry")
                for missing in self.missing
            ]
        )


def route(
    request: ConsultationRequested,
    registry: Sequence[StakeholderEntry],
    policy: RoutingPolicy,
    disabled: Mapping[str, datetime] | None = None,
) -> Routing:
    """The stakeholders to refer: proposed ones (or the policy's), plus notice states, minus any
    stakeholder with a declared conflict in this case; `disabled` (id: since when) says why a
    proposed one is not in `registry`."""
    by_id = {stakeholder.id: stakeholder for stakeholder in registry}
    chosen: dict[str, bool] = {}
    wanted = request.proposed_stakeholders or [
        stakeholder.id
        for rule in policy.rules
        if applies(rule.when, request)
        for stakeholder in _named_by(rule, registry, request)
    ]
    for stakeholder_id in wanted:
        chosen.setdefault(stakeholder_id, False)
    absent = [sid for sid in chosen if sid not in by_id]
    disabled = disabled or {}
    routing = Routing(
        disabled={sid: disabled[sid] for sid in absent if sid in disabled},
        missing=[sid for sid in absent if sid not in disabled],
    )
    for state in request.notice_states:
        partners = [
            s.id for s in registry if s.kind is StakeholderKind.PARTNER_STATE and s.state == state
        ]
        if not partners:
            routing.missing.append(f"partner state {state}")
        routing.required_states[state] = partners
        chosen.update(dict.fromkeys(partners, True))
    for stakeholder_id, required in chosen.items():
        stakeholder = by_id.get(stakeholder_id)
        if stakeholder is None:
            continue
        conflict = conflict_in(stakeholder, request)
        if conflict is not None:
            routing.conflicted.append((stakeholder, conflict))
        else:
            routing.referred.append(Referee(stakeholder, required))
    return routing


def applies(when: Conditions, request: ConsultationRequested) -> bool:
    """Every condition the rule states holds for the case."""
    findings = {finding.category for finding in request.findings}
    checks = (
        (when.risk_levels, {request.risk_level}),
        (when.finding_categories, findings),
        (when.technology_categories, set(request.technology_categories)),
        (when.destinations, {request.destination_country}),
        (when.control_codes, set(request.control_codes)),
    )
    return all(not wanted or wanted & set(present) for wanted, present in checks)


def _named_by(
    rule: RoutingRule, registry: Sequence[StakeholderEntry], request: ConsultationRequested
) -> list[StakeholderEntry]:
    """The stakeholders a rule names, and those of its kinds whose expertise covers the case."""
    named = [s for s in registry if s.id in rule.stakeholders]
    return named + [s for s in registry if s.kind in rule.kinds and covers(s, request)]


def covers(stakeholder: StakeholderEntry, request: ConsultationRequested) -> bool:
    """The stakeholder knows the case's technology or destination (no declared expertise: all)."""
    expertise = stakeholder.expertise
    if not expertise.technology_categories and not expertise.regions:
        return True
    return bool(
        expertise.technology_categories & set(request.technology_categories)
        or request.destination_country in expertise.regions
    )


def conflict_in(
    stakeholder: StakeholderEntry, request: ConsultationRequested
) -> DeclaredConflict | None:
    """The stakeholder's first declared conflict with this case's parties or destination."""
    parties = [_tokens(party.name) for party in request.case_summary.parties]
    for conflict in stakeholder.conflicts:
        if conflict.kind == "country" and conflict.value.upper() == request.destination_country:
            return conflict
        if conflict.kind == "party" and any(_tokens(conflict.value) <= p for p in parties):
            return conflict
    return None


def _tokens(name: str) -> frozenset[str]:
    """A name's words, compatibility-normalised and case-folded; `B.V.` and `BV` alike."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return frozenset(re.findall(r"\w+", re.sub("[.'\u2019]", "", folded)))
