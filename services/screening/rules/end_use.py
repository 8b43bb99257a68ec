"""End-use and order red flags: patterns over the application's words, checks over its facts."""

from __future__ import annotations

import re
from collections.abc import Iterator

from schemas.application import SubmitApplication
from schemas.screening import Finding, FindingCategory
from services.screening.policy import OrderFact, OrderRule, RedFlagRule, ScreeningPolicy, TextField


def red_flag_findings(application: SubmitApplication, policy: ScreeningPolicy) -> list[Finding]:
    """One finding per red-flag rule the application's words or order facts trip."""
    findings = [
        finding
        for rule in policy.red_flags
        if (finding := _pattern_finding(application, rule, policy)) is not None
    ]
    findings += [
        finding
        for rule in policy.order_rules
        if (finding := _order_finding(application, rule, policy)) is not None
    ]
    return findings


def _pattern_finding(
    application: SubmitApplication, rule: RedFlagRule, policy: ScreeningPolicy
) -> Finding | None:
    pattern = re.compile(rule.pattern, re.IGNORECASE)
    for where, text in _texts(application, rule.applies_to):
        found = pattern.search(text)
        if found is not None:
            return Finding(
                category=FindingCategory.END_USE,
                severity=rule.severity,
                evidence=f'{where}: "{_around(text, found)}"',
                explanation=f"{rule.explanation} ({policy.cite(rule.source)})",
                reference=f"red_flag:{rule.id}",
            )
    return None


def _texts(application: SubmitApplication, fields: list[TextField]) -> Iterator[tuple[str, str]]:
    """(where, text) for each part of the application a rule reads."""
    for field in fields:
        if field is TextField.END_USE_STATEMENT:
            yield "end-use statement", application.end_use_statement
        elif field is TextField.ITEM_DESCRIPTION:
            for index, item in enumerate(application.items, start=1):
                yield f"item {index} description", item.description
        elif field is TextField.DUE_DILIGENCE:
            attestation = application.due_diligence
            yield "due-diligence summary", attestation.summary
            for risk in attestation.risks_identified:
                yield "due-diligence risk identified", risk
        else:
            named = [("end user", party) for party in application.end_users]
            named.append(("ultimate consignee", application.ultimate_consignee))
            for role, party in named:
                yield f"{role} name", party.name


def _around(text: str, found: re.Match[str], margin: int = 80) -> str:
    """The matched words in their context: whole words, the whole text when it is short."""
    start = text.rfind(" ", 0, max(0, found.start() - margin)) + 1
    end = text.find(" ", min(len(text), found.end() + margin))
    end = len(text) if end < 0 else end
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def _order_finding(
    application: SubmitApplication, rule: OrderRule, policy: ScreeningPolicy
) -> Finding | None:
    evidence = _order_evidence(application, rule)
    if evidence is None:
        return None
    return Finding(
        category=FindingCategory.END_USE,
        severity=rule.severity,
        evidence=evidence,
        explanation=f"{rule.explanation} ({policy.cite(rule.source)})",
        reference=f"order:{rule.id.value}",
    )


def _order_evidence(application: SubmitApplication, rule: OrderRule) -> str | None:
    """What in the order trips the rule, or None."""
    destination = application.destination_country
    if rule.id is OrderFact.CONSIGNEE_OUTSIDE_DESTINATION:
        consignee = application.ultimate_consignee
        if consignee.address.country != destination:
            return (
                f"ultimate consignee '{consignee.name}' is in {consignee.address.country}, "
                f"the destination is {destination}"
            )
        return None
    if rule.id is OrderFact.THIRD_COUNTRY_INTERMEDIARY:
        usual = {destination, application.applicant.address.country}
        routed = [p for p in application.intermediate_consignees if p.address.country not in usual]
        if routed:
            return "intermediate consignee " + ", ".join(
                f"'{party.name}' ({party.address.country})" for party in routed
            )
        return None
    words = len(application.end_use_statement.split())
    if words < rule.min_words:
        return f'end-use statement of {words} words: "{application.end_use_statement}"'
    return None
