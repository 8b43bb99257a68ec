"""A test reviewer desk: officers and stakeholders who take every case to its expected outcome,
retrying whatever a fault interrupted on their next round."""

from __future__ import annotations

import asyncio
import contextlib

import httpx
from temporalio.client import Client

from caseflow.auth import Role
from caseflow.settings import Settings
from entrypoints.samples import sample_assessment
from schemas.cases import DecisionOutcome, DenialGround
from schemas.consultation import Position
from tests.actors import token_for
from tests.support import bearer, signed_token
from workflows.case_client import (
    CaseListing,
    case_view,
    claim,
    countersign,
    decide,
    find_cases,
    refer_for_consultation,
)
from workflows.client import connect
from workflows.tasks import (
    ConsultationReferral,
    Countersignature,
    ReviewDecision,
    Reviewer,
    ReviewerRole,
    ReviewerTask,
)

OFFICER = Reviewer(id="officer-faults", role=ReviewerRole.LICENSING_OFFICER)
SENIOR = Reviewer(id="senior-faults", role=ReviewerRole.SENIOR_OFFICER)
# What each risk level ends as: low approved at once; high approved after a consultation in
# which every stakeholder raises no objection (countersigned); critical denied on human-rights
# grounds (countersigned, and shared with partner states).
EXPECTED_OUTCOME = {
    "low": DecisionOutcome.APPROVED,
    "high": DecisionOutcome.APPROVED_WITH_CONDITIONS,
    "critical": DecisionOutcome.DENIED,
}
OPEN = "CaseStatus IN ('under_review', 'referred', 'signed_off')"
ACTION_TIMEOUT = 30.0


class FaultDesk:
    """Acts on every open case once per round until stopped; counts what failed on the way."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._tokens: dict[str, str] = {}
        self.failures: list[str] = []
        self._stopped = asyncio.Event()

    async def run(self) -> None:
        """Rounds every second until `stop`."""
        client: Client | None = None
        while not self._stopped.is_set():
            try:
                client = client or await connect(self._settings)
                for case in await find_cases(client, OPEN, limit=500):
                    await self._act_within_timeout(client, case)
            except Exception as error:  # a server is away: try again next round
                self.failures.append(repr(error))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopped.wait(), 1.0)

    def stop(self) -> None:
        """End after the current round."""
        self._stopped.set()

    async def _act_within_timeout(self, client: Client, case: CaseListing) -> None:
        try:
            await asyncio.wait_for(self._act(client, case), ACTION_TIMEOUT)
        except Exception as error:  # refused (visibility lags) or interrupted: next round
            self.failures.append(f"{case.control_number} {case.status}: {error!r}")

    async def _act(self, client: Client, case: CaseListing) -> None:
        if case.status == "signed_off":
            await countersign(client, case.case_id, Countersignature(token=token_for(SENIOR)))
        elif case.status == "referred":
            await self._answer_referrals(case.case_id)
        elif case.status == "under_review" and case.risk_level in EXPECTED_OUTCOME:
            if case.assigned_reviewer != OFFICER.id:
                await claim(client, case.case_id, ReviewerTask(token=token_for(OFFICER)))
            await self._decide_or_refer(client, case)

    async def _decide_or_refer(self, client: Client, case: CaseListing) -> None:
        if case.risk_level == "high":
            consultation = (await case_view(client, case.case_id)).consultation
            if consultation is None:
                referral = ConsultationReferral(token=token_for(OFFICER))
                await refer_for_consultation(client, case.case_id, referral)
                return
            if consultation.concluded is None:
                return
        await decide(client, case.case_id, decision(case.risk_level))

    async def _answer_referrals(self, case_id: str) -> None:
        """Every stakeholder referred answers over HTTP, with its own token: no objection."""
        url = (self._settings.state_dir.resolve() / "run" / "consultation.url").read_text()
        operator = await self._token(Role.OPERATOR)
        async with httpx.AsyncClient(base_url=url.strip(), timeout=10) as api:
            listed = await api.get("/referrals", headers=bearer(operator))
            for referral in listed.raise_for_status().json():
                if referral["case_id"] == case_id and referral["status"] == "open":
                    stakeholder = await self._token(Role.STAKEHOLDER, referral["stakeholder_id"])
                    await api.post(
                        f"/referrals/{referral['referral_id']}/responses",
                        json={"position": Position.NO_OBJECTION},
                        headers=bearer(stakeholder),
                    )

    async def _token(self, role: Role, stakeholder: str | None = None) -> str:
        """A token per role and stakeholder, its account made the first time it is asked for."""
        key = f"{role}:{stakeholder}"
        if key not in self._tokens:
            self._tokens[key] = await signed_token(self._settings, role, stakeholder=stakeholder)
        return self._tokens[key]


def decision(risk_level: str) -> ReviewDecision:
    """The decision the officer takes on a case of this risk."""
    if EXPECTED_OUTCOME[risk_level] is DecisionOutcome.DENIED:
        return ReviewDecision(
            token=token_for(OFFICER),
            outcome=DecisionOutcome.DENIED,
            rationale="Designated end user; serious risk of misuse.",
            grounds=[DenialGround(text="Surveillance of journalists", human_rights=True)],
            assessment=sample_assessment(
                "Critical: intrusion capability for a designated end user."
            ),
        )
    conditions = ["Post-shipment verification"] if risk_level == "high" else []
    return ReviewDecision(
        token=token_for(OFFICER),
        outcome=EXPECTED_OUTCOME[risk_level],
        rationale="Civil end use confirmed; stakeholders raised no objection.",
        conditions=conditions,
        assessment=sample_assessment("No serious risk once verified.", mitigations=conditions),
    )
