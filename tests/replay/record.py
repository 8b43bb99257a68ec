"""Record LicenseCase histories for the replay test.

    .venv/bin/python -m tests.replay.record v11-story [scenario …]

Starts a throwaway embedded stack, runs each scenario through the real workflow (publishing
faked, screening answered here) and writes every run's history to `tests/replay/histories/<label>/`.
Each build records its own generation and keeps the previous build's, whose cases may still be
open (workflows/versions.py lists both; docs/workflow-versions.md says when an older one goes).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from pathlib import Path

from entrypoints.samples import sample_assessment
from schemas.cases import DecisionOutcome, DenialGround
from schemas.consultation import ConsultationOpened, Position, StakeholderKind
from schemas.screening import RiskLevel
from tests.actors import token_for
from tests.integration.case_harness import OFFICER, SENIOR, CaseHarness, case_harness
from tests.replay.recording import record_from_command_line, throwaway_stack, write_runs
from workflows import case_client
from workflows.client import workflow_id
from workflows.license_case import LicenseCase
from workflows.model import CasePolicy
from workflows.tasks import (
    ConsultationReferral,
    Countersignature,
    EscalationAppeal,
    EscalationResolution,
    InformationRequest,
    PartnerWaiverRequest,
    ReviewDecision,
    Reviewer,
    ReviewerRole,
    ReviewerTask,
)

HISTORIES = Path(__file__).parent / "histories"
OTHER_SENIOR = Reviewer(id="senior-2", role=ReviewerRole.SENIOR_OFFICER)
CHAIR = Reviewer(id="chair-1", role=ReviewerRole.COMMITTEE_CHAIR)
Scenario = Callable[[CaseHarness], Awaitable[str]]
VERIFIED = "Post-shipment verification"


async def _claimed(cases: CaseHarness, risk: RiskLevel, policy: CasePolicy | None = None) -> str:
    case_id = await cases.open_case(risk, policy=policy)
    await case_client.claim(cases.client, case_id, ReviewerTask(token=token_for(OFFICER)))
    return case_id


def a_decision(
    outcome: DecisionOutcome, conditions: Sequence[str] = (), **fields: object
) -> ReviewDecision:
    return ReviewDecision.model_validate(
        {
            "token": token_for(OFFICER),
            "outcome": outcome,
            "rationale": "Recorded scenario.",
            "conditions": list(conditions),
            "assessment": sample_assessment("Recorded scenario.", mitigations=conditions),
            **fields,
        }
    )


def _mitigated_approval() -> ReviewDecision:
    """An approval at high risk: its condition is the mitigation its assessment names."""
    return a_decision(DecisionOutcome.APPROVED_WITH_CONDITIONS, conditions=(VERIFIED,))


async def denied_and_countersigned(cases: CaseHarness) -> str:
    case_id = await _claimed(cases, RiskLevel.CRITICAL)
    ground = DenialGround(text="Surveillance of journalists", human_rights=True)
    await case_client.decide(
        cases.client, case_id, a_decision(DecisionOutcome.DENIED, grounds=[ground])
    )
    await case_client.countersign(cases.client, case_id, Countersignature(token=token_for(SENIOR)))
    return case_id


async def held_amended_and_approved_with_conditions(cases: CaseHarness) -> str:
    case_id = await _claimed(cases, RiskLevel.MEDIUM)
    request = InformationRequest(token=token_for(OFFICER), questions=["Who operates it?"])
    await case_client.request_information(cases.client, case_id, request)
    await cases.amend(case_id, "Operated by the university only.")
    await cases.until_published(case_id, "ScreeningRequested", count=2)
    await cases.screen(case_id, RiskLevel.MEDIUM, request_id=f"{case_id}/screening/2")
    await cases.until(case_id, lambda view: view.status == "under_review")
    conditions = ["No re-export"]
    outcome = DecisionOutcome.APPROVED_WITH_CONDITIONS
    await case_client.decide(cases.client, case_id, a_decision(outcome, conditions=conditions))
    return case_id


async def list_update_then_sent_back_then_withdrawn(cases: CaseHarness) -> str:
    case_id = await _claimed(cases, RiskLevel.LOW)
    rescreen = f"{case_id}/rescreen/entity-list@2"
    await cases.screen(case_id, RiskLevel.HIGH, request_id=rescreen, reason="list_update: x")
    await cases.until(case_id, lambda view: bool(view.alert))
    await case_client.decide(cases.client, case_id, _mitigated_approval())
    back = Countersignature(token=token_for(SENIOR), agree=False, note="Read the new finding.")
    await case_client.countersign(cases.client, case_id, back)
    await cases.withdraw(case_id)
    return case_id


async def partner_notice_sends_an_approval_back_then_denied(cases: CaseHarness) -> str:
    case_id = await _claimed(cases, RiskLevel.HIGH)
    await case_client.decide(cases.client, case_id, _mitigated_approval())
    await cases.until(case_id, lambda view: view.status == "signed_off")
    notice = "partner_notice: denial notice JP-1 from JP (2026-12-06): end user 'x'"
    rescreen = f"{case_id}/rescreen/notice/JP/JP-1"
    await cases.screen(
        case_id, RiskLevel.CRITICAL, request_id=rescreen, reason=notice, denied_by=("JP",)
    )
    await cases.until(case_id, lambda view: view.status == "under_review")
    ground = DenialGround(text="Denied by Japan for the same end user", human_rights=True)
    await case_client.decide(
        cases.client, case_id, a_decision(DecisionOutcome.DENIED, grounds=[ground])
    )
    await case_client.countersign(cases.client, case_id, Countersignature(token=token_for(SENIOR)))
    return case_id


async def deadline_breached_then_released_and_returned(cases: CaseHarness) -> str:
    policy = CasePolicy(decision_time=timedelta(seconds=3), deadline_warning=timedelta(seconds=1))
    case_id = await _claimed(cases, RiskLevel.LOW, policy)
    await cases.until_published(case_id, "CaseDeadlineBreached")
    await case_client.release(cases.client, case_id, ReviewerTask(token=token_for(OFFICER)))
    await case_client.claim(cases.client, case_id, ReviewerTask(token=token_for(OFFICER)))
    outcome = DecisionOutcome.RETURNED_WITHOUT_ACTION
    await case_client.decide(cases.client, case_id, a_decision(outcome))
    return case_id


async def referred_escalated_resolved_and_denied(cases: CaseHarness) -> str:
    # One level: the committee's decision is final at once (histories before levels had no other).
    one_level = CasePolicy().escalation_levels[:1]
    policy = CasePolicy(consultation_time=timedelta(seconds=1), escalation_levels=one_level)
    case_id = await _claimed(cases, RiskLevel.HIGH, policy)
    referral = ConsultationReferral(token=token_for(OFFICER), stakeholders=["ngo-1"])
    await case_client.refer_for_consultation(cases.client, case_id, referral)
    await cases.until_published(case_id, "ConsultationDeadlinePassed")
    await cases.conclude(case_id, Position.RECOMMEND_DENIAL, silent=1)
    await cases.until(case_id, lambda view: view.status == "escalated")
    resolution = EscalationResolution(
        token=token_for(SENIOR), recommendation="deny", rationale="Misuse."
    )
    await case_client.resolve_escalation(cases.client, case_id, resolution)
    ground = DenialGround(text="Misuse reported by civil society", human_rights=True)
    await case_client.decide(
        cases.client, case_id, a_decision(DecisionOutcome.DENIED, grounds=[ground])
    )
    await case_client.countersign(
        cases.client, case_id, Countersignature(token=token_for(OTHER_SENIOR))
    )
    return case_id


async def referral_late_then_appealed_to_the_acep_and_approved(cases: CaseHarness) -> str:
    committee, acep = CasePolicy().escalation_levels
    policy = CasePolicy(
        consultation_time=timedelta(seconds=1),
        referral_time=timedelta(seconds=2),
        referral_warning=timedelta(seconds=1),
        escalation_levels=[
            committee.model_copy(update={"warning": timedelta(seconds=1)}),
            acep.model_copy(
                update={"decision_time": timedelta(seconds=2), "warning": timedelta(seconds=1)}
            ),
        ],
    )
    case_id = await _claimed(cases, RiskLevel.HIGH, policy)
    await cases.until_published(case_id, "CaseReferralTargetMissed")
    referral = ConsultationReferral(token=token_for(OFFICER), stakeholders=["mod", "energy"])
    await case_client.refer_for_consultation(cases.client, case_id, referral)
    positions = (Position.RECOMMEND_DENIAL, Position.NO_OBJECTION)
    await cases.conclude(case_id, *positions, kind=StakeholderKind.AGENCY)
    await cases.until(case_id, lambda view: view.status == "escalated")
    resolution = EscalationResolution(
        token=token_for(SENIOR), recommendation="deny", rationale="Misuse."
    )
    await case_client.resolve_escalation(cases.client, case_id, resolution)
    appeal = EscalationAppeal(
        token=token_for(OTHER_SENIOR),
        on_behalf_of="stakeholder-1",
        grounds="A university end user.",
    )
    await case_client.appeal_escalation(cases.client, case_id, appeal)
    await cases.until_published(case_id, "CaseEscalationOverdue")
    final = resolution.model_copy(update={"token": token_for(CHAIR), "recommendation": "approve"})
    await case_client.resolve_escalation(cases.client, case_id, final)
    await case_client.decide(cases.client, case_id, _mitigated_approval())
    await case_client.countersign(cases.client, case_id, Countersignature(token=token_for(SENIOR)))
    return case_id


async def referred_reminded_then_withdrawn(cases: CaseHarness) -> str:
    policy = CasePolicy(
        consultation_time=timedelta(seconds=4), consultation_reminder_before=timedelta(seconds=2)
    )
    case_id = await _claimed(cases, RiskLevel.HIGH, policy)
    referral = ConsultationReferral(token=token_for(OFFICER), stakeholders=["ngo-1", "mod"])
    await case_client.refer_for_consultation(cases.client, case_id, referral)
    [request] = await cases.until_published(case_id, "ConsultationRequested")
    opened = ConsultationOpened(
        case_id=case_id,
        request_id=request["data"]["request_id"],
        referred=["ngo-1", "mod"],
        required=[],
        due_at=request["data"]["due_at"],
        policy_version="recorded",
    )
    await cases.handle(case_id).signal(LicenseCase.consultation_opened, opened)
    await cases.until_published(case_id, "ConsultationReminderDue")
    await cases.withdraw(case_id)
    return case_id


async def partner_unheard_waived_and_approved(cases: CaseHarness) -> str:
    case_id = await cases.open_case(risk=None)
    await cases.until_published(case_id, "ScreeningRequested")
    await cases.screen(case_id, RiskLevel.HIGH, denied_by=("JP",))
    await cases.until(case_id, lambda view: view.status == "under_review")
    await case_client.claim(cases.client, case_id, ReviewerTask(token=token_for(OFFICER)))
    await case_client.refer_for_consultation(
        cases.client, case_id, ConsultationReferral(token=token_for(OFFICER))
    )
    await cases.conclude(case_id, Position.NO_OBJECTION, unheard=("JP",))
    await cases.until(case_id, lambda view: view.status == "under_review")
    waiver = PartnerWaiverRequest(
        token=token_for(SENIOR), states=["JP"], reason="No contact point."
    )
    await case_client.record_partner_waiver(cases.client, case_id, waiver)
    await case_client.decide(cases.client, case_id, _mitigated_approval())
    await case_client.countersign(
        cases.client, case_id, Countersignature(token=token_for(OTHER_SENIOR))
    )
    return case_id


async def partner_consulted_and_approved_despite_denial(cases: CaseHarness) -> str:
    case_id = await cases.open_case(risk=None)
    await cases.until_published(case_id, "ScreeningRequested")
    await cases.screen(case_id, RiskLevel.MEDIUM, denied_by=("NL", "JP"))
    await cases.until(case_id, lambda view: view.status == "under_review")
    await case_client.claim(cases.client, case_id, ReviewerTask(token=token_for(OFFICER)))
    await case_client.refer_for_consultation(
        cases.client, case_id, ConsultationReferral(token=token_for(OFFICER))
    )
    await cases.conclude(case_id, Position.NO_OBJECTION, kind=StakeholderKind.PARTNER_STATE)
    await cases.until(case_id, lambda view: view.status == "under_review")
    conditions = ["End-use check within a year"]
    approval = a_decision(DecisionOutcome.APPROVED_WITH_CONDITIONS, conditions=conditions)
    await case_client.decide(cases.client, case_id, approval)
    return case_id


async def continued_as_new(cases: CaseHarness) -> str:
    case_id = await _claimed(cases, RiskLevel.LOW, CasePolicy(history_events_before_continue=50))
    for _ in range(4):
        await case_client.release(cases.client, case_id, ReviewerTask(token=token_for(OFFICER)))
        await case_client.claim(cases.client, case_id, ReviewerTask(token=token_for(OFFICER)))
    await case_client.decide(cases.client, case_id, a_decision(DecisionOutcome.APPROVED))
    return case_id


SCENARIOS: tuple[Scenario, ...] = (
    denied_and_countersigned,
    held_amended_and_approved_with_conditions,
    list_update_then_sent_back_then_withdrawn,
    deadline_breached_then_released_and_returned,
    continued_as_new,
    referred_escalated_resolved_and_denied,
    referral_late_then_appealed_to_the_acep_and_approved,
    referred_reminded_then_withdrawn,
    partner_unheard_waived_and_approved,
    partner_consulted_and_approved_despite_denial,
    partner_notice_sends_an_approval_back_then_denied,
)


async def record(folder: Path, scenarios: tuple[Scenario, ...] = SCENARIOS) -> list[Path]:
    """Run the scenarios on a throwaway stack; write each run's history to `folder`."""
    written: list[Path] = []
    async with throwaway_stack() as (_, client), case_harness(client) as cases:
        for scenario in scenarios:
            case_id = await scenario(cases)
            await cases.result(case_id)
            written += await write_runs(client, workflow_id(case_id), folder, scenario.__name__)
    return written


if __name__ == "__main__":
    record_from_command_line(HISTORIES, SCENARIOS, record)
