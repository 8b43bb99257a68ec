"""Demo accounts, one per role: published passwords on the embedded default only; on a
configured database (CASEFLOW_DATABASE_URL) random ones, shown once by the demo."""

from __future__ import annotations

import secrets

from caseflow.auth import AccountRefused, Principal, Role, open_accounts
from caseflow.settings import Settings

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


def publishes_passwords(settings: Settings) -> bool:
    """Only the embedded database, private to one machine, gets the README's passwords."""
    return settings.database_url is None


async def seed_demo_accounts(
    database_url: str, *, published: bool
) -> list[tuple[Principal, str | None]]:
    """Create the demo accounts that do not exist yet; return each with its password, or None
    for an account an earlier run made with a password no longer known."""
    seeded: list[tuple[Principal, str | None]] = []
    async with open_accounts(database_url) as accounts:
        for principal, known in DEMO_ACCOUNTS:
            password = known if published else secrets.token_urlsafe(18)
            try:
                await accounts.add(principal, password)
            except AccountRefused:  # made by an earlier demo run
                seeded.append((principal, known if published else None))
            else:
                seeded.append((principal, password))
    return seeded
