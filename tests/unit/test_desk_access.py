"""What the inbox asks Temporal, and who may read a case or answer a referral."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from caseflow.auth import Principal, Role
from desk.access import inbox_of, may_answer, may_read_case
from schemas.cases import CaseStatus
from schemas.screening import RiskLevel
from workflows.inbox import InboxFilter

OFFICER = Principal(name="officer-1", role=Role.LICENSING_OFFICER)
AGENCY = Principal(name="bafa", role=Role.AGENCY, agency="DE-BAFA")
STAKEHOLDER = Principal(name="dr", role=Role.STAKEHOLDER, stakeholder="cso-digital-rights")
OPERATOR = Principal(name="ops", role=Role.OPERATOR)


def test_by_default_the_inbox_shows_cases_waiting_for_a_reviewer() -> None:
    assert inbox_of(OFFICER, InboxFilter()).query() == (
        "(ExecutionStatus = 'Running') AND "
        "(CaseStatus = 'under_review' OR CaseStatus = 'signed_off' OR CaseStatus = 'escalated')"
    )


def test_an_agency_s_inbox_is_narrowed_to_its_own_cases_whatever_it_asks() -> None:
    query = inbox_of(AGENCY, InboxFilter(status=CaseStatus.DECIDED, risk=RiskLevel.HIGH)).query()
    assert query.endswith("AND (SubmittingAgency = 'DE-BAFA')")
    assert "SubmittingAgency" not in inbox_of(OPERATOR, InboxFilter()).query()


def test_a_deadline_without_a_zone_is_read_as_utc_and_one_with_a_zone_converted() -> None:
    naive = inbox_of(OFFICER, InboxFilter(due_before=datetime(2027, 1, 31, 12))).query()
    assert "DeadlineAt <= '2027-01-31T12:00:00+00:00'" in naive
    cet = timezone(timedelta(hours=1))
    zoned = inbox_of(OFFICER, InboxFilter(due_before=datetime(2027, 1, 31, 12, tzinfo=cet))).query()
    assert "DeadlineAt <= '2027-01-31T11:00:00+00:00'" in zoned


def test_a_destination_with_a_quote_never_reaches_the_query() -> None:
    with pytest.raises(ValueError, match="is not an ISO alpha-2 code"):
        inbox_of(OFFICER, InboxFilter(destination="X'")).query()


@pytest.mark.parametrize(
    ("principal", "agency", "may"),
    [
        (OFFICER, "NL-CDIU", True),
        (OPERATOR, "NL-CDIU", True),
        (AGENCY, "DE-BAFA", True),
        (AGENCY, "NL-CDIU", False),
        (STAKEHOLDER, "NL-CDIU", False),
    ],
)
def test_who_reads_a_case(principal: Principal, agency: str, may: bool) -> None:
    assert may_read_case(principal, agency) is may


def test_only_the_referred_stakeholder_answers_its_referral() -> None:
    assert may_answer(STAKEHOLDER, "cso-digital-rights")
    assert not may_answer(STAKEHOLDER, "acad-surveillance-lab")
    assert not may_answer(OFFICER, "cso-digital-rights")
