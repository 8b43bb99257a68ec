"""Clearances: a reviewer's false-positive call applies to the same party and entry later."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from schemas.envelope import Envelope
from schemas.screening import FindingCategory, HitCleared, RiskLevel, ScreeningCompleted
from services.screening.clearing import ClearanceRefused, ClearHit, UnknownEntry, clear_hit
from services.screening.current_lists import load_screener
from services.screening.domain import Knowledge, ScreeningPolicy
from services.screening.handlers import screen_case
from services.screening.list_updates import ensure_seed_list
from services.screening.rules.destination import DestinationRegister
from tests.unit.test_screening_fakes import FakeScreeningStore, screening_request, with_end_user

POLICY = ScreeningPolicy.load()
KNOWN = Knowledge(load_screener(), DestinationRegister.load())
CANDIRU = "caseflow-seed-el-hr-candiru"
WHEN = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
WHY = "Japanese machine-tool maker founded 1962, Osaka registry 120-0001; not Candiru's alias"


async def seeded() -> FakeScreeningStore:
    store = FakeScreeningStore()
    await ensure_seed_list(store)
    return store


async def screen(store: FakeScreeningStore, name: str, country: str) -> ScreeningCompleted:
    request = screening_request(with_end_user(name, country))
    await screen_case(request, store, POLICY, KNOWN)
    return store.state.results[request.data.request_id]


def command(
    name: str = "Saito Tech Co., Ltd.", entry: str = CANDIRU, reason: str = WHY
) -> ClearHit:
    return ClearHit(
        name, "jp", entry, reason, reviewer="officer-17", reviewer_role="senior_officer"
    )


async def clear(store: FakeScreeningStore, name: str = "Saito Tech Co., Ltd.") -> None:
    await clear_hit(command(name), at=WHEN, store=store)


async def test_a_cleared_hit_is_reported_as_cleared_for_the_same_party_in_later_cases() -> None:
    store = await seeded()
    before = await screen(store, "Saito Tech Co., Ltd.", "JP")
    assert before.risk_level is RiskLevel.CRITICAL
    await clear(store)

    after = await screen(store, "SAITO TECH CO LTD", "JP")

    [hit] = [f for f in after.findings if f.category is FindingCategory.RESTRICTED_PARTY]
    assert hit.severity is RiskLevel.LOW
    assert hit.reference == CANDIRU
    assert "cleared as a false positive by officer-17 on 2026-11-20" in hit.explanation
    assert WHY in hit.explanation
    assert after.risk_level is RiskLevel.LOW


async def test_a_clearance_does_not_apply_to_another_party_or_country() -> None:
    store = await seeded()
    await clear(store)
    same_name_elsewhere = await screen(store, "Saito Tech Co., Ltd.", "IL")
    another_alias = await screen(store, "Taveta Ltd", "JP")
    for result in (same_name_elsewhere, another_alias):
        assert result.risk_level is RiskLevel.CRITICAL


async def test_a_clearance_is_told_as_an_event_naming_the_reviewer_and_role() -> None:
    store = await seeded()
    await clear(store)

    [told] = store.published_of("HitCleared")

    assert isinstance(told, Envelope)
    assert told.subject == f"clearance:{CANDIRU}"
    cleared = told.data
    assert isinstance(cleared, HitCleared)
    assert (cleared.cleared_by, cleared.cleared_by_role) == ("officer-17", "senior_officer")
    assert (cleared.party_name, cleared.country, cleared.entry_id) == (
        "Saito Tech Co., Ltd.",
        "JP",
        CANDIRU,
    )


async def test_a_clearance_needs_a_reason_and_an_entry_that_is_listed() -> None:
    store = await seeded()
    with pytest.raises(ClearanceRefused, match="reason"):
        await clear_hit(command(reason="ok"), at=WHEN, store=store)
    with pytest.raises(UnknownEntry, match="no current list has an entry 'nobody'"):
        await clear_hit(command(entry="nobody"), at=WHEN, store=store)
    with pytest.raises(ClearanceRefused, match="country"):
        await clear_hit(
            ClearHit("Saito", "QQ", CANDIRU, WHY, "officer-17", "licensing_officer"),
            at=WHEN,
            store=store,
        )
    assert store.state.clearances == []
    assert store.published_of("HitCleared") == []
