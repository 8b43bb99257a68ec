"""The consultation HTTP API answers bad bodies with a 4xx and its reason, never a server error
(each answer sent with the token of the stakeholder referred, see AsReferredStakeholder)."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import quote

import httpx
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from caseflow.settings import Endpoints
from tests.integration.test_consultation_service import fresh_case, responses, send
from tests.unit.test_bad_input import _nested, json_values

POSITIONS = ["no_objection", "approve_with_conditions", "recommend_denial", "need_more_time"]
answers = st.fixed_dictionaries(
    {},
    optional={
        "position": st.sampled_from(POSITIONS) | json_values,
        "rationale": st.text(max_size=50) | json_values,
        "conditions": st.lists(st.text(max_size=20), max_size=3) | json_values,
        "answered_by": st.text(max_size=300) | json_values,
    },
)
bodies = st.one_of(
    st.binary(max_size=512),  # mostly invalid UTF-8, or not JSON at all
    json_values.map(lambda value: json.dumps(value).encode()),
    answers.map(lambda answer: json.dumps(answer).encode()),  # wrong types, missing fields
    st.integers(min_value=100, max_value=50_000).map(_nested),  # deeply nested
    st.integers(min_value=100_000, max_value=2_000_000).map(  # oversized rationale
        lambda size: json.dumps({"position": "recommend_denial", "rationale": "x" * size}).encode()
    ),
)


async def test_bad_bodies_and_referral_ids_get_a_4xx_with_its_reason_never_a_server_error(
    consultation: httpx.AsyncClient,
    stack_endpoints: Endpoints,
) -> None:
    case = fresh_case()
    await send(stack_endpoints.kafka, (case.case_id, case))
    opened = await responses(stack_endpoints.kafka, case.case_id, "ReferralOpened", 3)
    referral_ids = st.sampled_from([event["data"]["referral_id"] for event in opened])
    base_url = str(consultation.base_url)

    def fuzz() -> None:
        # A connection of its own per request: a kept-alive one the server closes while idle
        # (between slow examples) would read as a dropped answer.
        fresh = httpx.Limits(max_keepalive_connections=0)
        with httpx.Client(
            base_url=base_url, timeout=30, auth=consultation.auth, limits=fresh
        ) as client:

            @settings(
                max_examples=150,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            )
            @given(referral=referral_ids | st.text(min_size=1, max_size=40), body=bodies)
            @example(referral="\x00", body=b'{"position":"no_objection"}')  # no NUL in SQL text
            def answer(referral: str, body: bytes) -> None:
                reply = client.post(
                    f"/referrals/{quote(referral, safe='')}/responses",
                    content=body,
                    headers={"content-type": "application/json"},
                )
                assert reply.status_code < 500, (reply.status_code, reply.text[:300])
                if reply.status_code >= 400:
                    assert reply.json()["detail"], reply.text[:300]

            answer()

    await asyncio.to_thread(fuzz)
