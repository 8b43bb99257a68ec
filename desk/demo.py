"""Demo accounts for the embedded default: one per role, their passwords printed by the demo."""

from __future__ import annotations

import contextlib

from caseflow.auth import AccountRefused, Principal, Role, open_accounts

# For the demo on one machine only: production accounts are made with `caseflow users add`.
DEMO_ACCOUNTS = (
    (Principal(name="officer", role=Role.LICENSING_OFFICER), "officer-demo-pass"),
    (Principal(name="senior", role=Role.SENIOR_OFFICER), "senior-demo-pass"),
    (Principal(name="chair", role=Role.COMMITTEE_CHAIR), "chair-demo-pass"),
    (Principal(name="operator", role=Role.OPERATOR), "operator-demo-pass"),
    (Principal(name="bafa", role=Role.AGENCY, agency="DE-BAFA"), "agency-demo-pass"),
    (
        Principal(name="digital-rights", role=Role.STAKEHOLDER, stakeholder="cso-digital-rights"),
        "stakeholder-demo-pass",
    ),
)


async def seed_demo_accounts(database_url: str) -> list[tuple[Principal, str]]:
    """Create the demo accounts that do not exist yet; return every one with its password."""
    async with open_accounts(database_url) as accounts:
        for principal, password in DEMO_ACCOUNTS:
            with contextlib.suppress(AccountRefused):  # made by an earlier demo run
                await accounts.add(principal, password)
    return list(DEMO_ACCOUNTS)
