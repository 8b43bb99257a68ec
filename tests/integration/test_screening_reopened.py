"""A case denied, then approved after an appeal, on real PostgreSQL: opened again for
re-screening, and screened for the partner notice kept while it stood denied, once."""

from __future__ import annotations

import uuid

import pytest

from caseflow.db import create_pool
from caseflow.settings import Endpoints
from caseflow.uow import HeldPool, PostgresStore
from schemas.cases import DecisionOutcome
from services.screening.adapters import PostgresScreeningUnitOfWork
from services.screening.case_closing import close_case
from services.screening.config import SCHEMA
from services.screening.handlers import screen_case
from services.screening.notice_rescreening import keep_notice_and_rescreen
from tests.unit.test_licence_rescreening import decided
from tests.unit.test_screening_partner_notices import (
    KNOWN,
    POLICY,
    denial,
    surveillance_to_the_ministry,
)

pytestmark = [pytest.mark.integration]


async def test_a_case_approved_after_a_denial_is_screened_for_the_notice_kept_meanwhile(
    case_services: None, stack_endpoints: Endpoints
) -> None:
    request = surveillance_to_the_ministry()
    case_id = request.data.case_id
    notice = denial(notice_id=f"NL-{uuid.uuid4().hex[:10]}")
    pool = await create_pool(stack_endpoints.database, SCHEMA, size=2)
    try:
        store = PostgresStore(HeldPool(pool), PostgresScreeningUnitOfWork)
        await screen_case(request, store, POLICY, KNOWN)
        await close_case(decided(case_id, DecisionOutcome.DENIED), store, POLICY, KNOWN)
        rescreened = await keep_notice_and_rescreen(notice, store, POLICY, KNOWN)
        assert rescreened is not None
        assert case_id not in rescreened

        for _ in range(2):  # the second approval finds the case open: nothing screened again
            await close_case(decided(case_id, DecisionOutcome.APPROVED), store, POLICY, KNOWN)
        async with store.unit_of_work() as uow:
            request_id = f"{case_id}/rescreen/notice/NL/{notice.data.notice_id}"
            result = await uow.find_result(request_id)
            latest = await uow.latest_result(case_id)
            opened = [case.case_id for case in await uow.open_cases()]
            await uow.close_case(case_id, "the test")  # not left open for later tests
    finally:
        await pool.close()

    assert result is not None
    assert latest == result
    assert notice.data.notice_id in {c.notice_id for c in result.partner_consultations}
    assert case_id in opened
