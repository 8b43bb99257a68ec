"""Consultation documents itself: AsyncAPI for its Kafka channels, OpenAPI for its HTTP API."""

from __future__ import annotations

import asyncpg
import pytest
from faststream.specification import AsyncAPI

from caseflow.auth import Authentication, KeyRing
from caseflow.auth.tokens import new_key
from caseflow.settings import Settings
from entrypoints.processes import PROCESS_NAMES, faststream_app
from services.consultation.api import build_api
from services.consultation.policy import RoutingPolicy


class _NoPool:
    @property
    def pool(self) -> asyncpg.Pool:
        raise AssertionError("documents need no database")


class _NoStore:
    def unit_of_work(self) -> object:
        raise AssertionError("documents need no database")


def test_consultation_is_a_process_documented_in_asyncapi_with_its_channels(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for variable, placeholder in (
        ("CASEFLOW_DATABASE_URL", "postgresql://postgres/caseflow"),
        ("CASEFLOW_KAFKA_BOOTSTRAP", "kafka:9092"),
        ("CASEFLOW_TEMPORAL_ADDRESS", "temporal:7233"),
    ):
        monkeypatch.setenv(variable, placeholder)
    assert "consultation" in PROCESS_NAMES
    app = faststream_app("consultation", Settings())
    assert app.broker is not None

    document = AsyncAPI(app.broker, title="caseflow consultation").to_specification().to_jsonable()

    addresses = {channel["address"] for channel in document["channels"].values()}
    assert {
        "caseflow.consultation.requests",
        "caseflow.consultation.responses",
        "caseflow.sharing.notices",
    } <= addresses
    schemas = " ".join(document["components"]["schemas"])
    for contract in (
        "ConsultationRequested",
        "ReferralAnswered",
        "ConsultationConcluded",
        "ConsultationReminderDue",
        "ConsultationCancelled",
        "ReferralReminded",
        "ReferralCancelled",
    ):
        assert contract in schemas


def test_the_http_api_documents_answers_and_every_refusal_in_openapi() -> None:
    keys = Authentication(KeyRing([new_key()]))
    api = build_api(_NoPool(), _NoStore(), RoutingPolicy.load(), keys)  # type: ignore[arg-type]

    document = api.openapi()

    respond = document["paths"]["/referrals/{referral_id}/responses"]["post"]
    assert {"201", "401", "403", "404", "409", "422"} <= set(respond["responses"])
    assert {"bearer", "HTTPBearer"} & set(document["components"]["securitySchemes"])
    registry = document["paths"]["/stakeholders/{stakeholder_id}/disabled"]["post"]
    assert {"401", "403", "404", "409", "422"} <= set(registry["responses"])
    assert "need_more_time" in str(document["components"]["schemas"]["Position"])
    listing = document["paths"]["/referrals"]["get"]
    assert {parameter["name"] for parameter in listing["parameters"]} == {"stakeholder", "overdue"}
