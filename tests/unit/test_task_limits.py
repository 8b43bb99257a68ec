"""Every text and list a reviewer sends is bounded, and each one over its limit is named."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from caseflow.limits import REVIEWER_LIST, REVIEWER_TEXT
from desk.models import Decision, InformationWanted
from schemas.cases import DecisionOutcome, DenialGround
from workflows.task_limits import oversized
from workflows.tasks import InformationRequest, ReviewDecision

LONG = "x" * (REVIEWER_TEXT.most + 1)


def test_a_task_within_its_limits_passes() -> None:
    decision = ReviewDecision(
        outcome=DecisionOutcome.APPROVED_WITH_CONDITIONS,
        rationale="r" * REVIEWER_TEXT.most,
        conditions=["c"] * REVIEWER_LIST.most,
    )
    assert oversized(decision) == []


def test_every_text_and_list_over_its_limit_is_named_with_the_limit() -> None:
    decision = ReviewDecision(
        outcome=DecisionOutcome.DENIED,
        rationale=LONG,
        conditions=["c"] * (REVIEWER_LIST.most + 1),
        grounds=[DenialGround(text="fine"), DenialGround(text=LONG)],
    )
    assert oversized(decision) == [
        f"rationale has {len(LONG)} characters: the limit reviewer_text is {REVIEWER_TEXT.most}",
        f"conditions has {REVIEWER_LIST.most + 1} items: the limit reviewer_list is "
        f"{REVIEWER_LIST.most}",
        f"grounds[1].text has {len(LONG)} characters: the limit reviewer_text is "
        f"{REVIEWER_TEXT.most}",
    ]


def test_the_token_is_not_counted_as_text() -> None:
    request = InformationRequest(token="t" * (REVIEWER_TEXT.most * 2), questions=["Who?"])
    assert oversized(request) == []


def test_the_desk_refuses_a_list_too_long_before_it_reaches_the_case() -> None:
    with pytest.raises(ValidationError, match="at most 50 items"):
        InformationWanted(questions=["Who?"] * (REVIEWER_LIST.most + 1))
    with pytest.raises(ValidationError, match="at most 50 items"):
        Decision(
            outcome=DecisionOutcome.APPROVED_WITH_CONDITIONS,
            rationale="r",
            conditions=["c"] * (REVIEWER_LIST.most + 1),
        )
