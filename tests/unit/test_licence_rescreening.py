"""Screening keeps a licensed case's parties under watch: an approval keeps the case open for
re-screening, a partner's new notice re-screens the cases it matches, a revoked licence ends it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from schemas.cases import CaseDecided, DecisionOutcome
from schemas.envelope import Envelope
from schemas.licences import LicenceStatus, LicenceStatusChanged
from schemas.screening import FindingCategory, NoticeKind
from services.screening.case_closing import Closing, close_case
from services.screening.domain import Knowledge
from services.screening.handlers import screen_case
from services.screening.list_updates import load_list_version
from services.screening.matching import RestrictedPartyEntry
from services.screening.notice_rescreening import keep_notice_and_rescreen
from services.screening.rescreening import rescreen_affected
from tests.unit.test_screening_fakes import FakeScreeningStore, screening_request, with_end_user
from tests.unit.test_screening_list_updates import REGISTER, published_update
from tests.unit.test_screening_partner_notices import (
    KNOWN,
    POLICY,
    denial,
    surveillance_to_the_ministry,
)
from tests.unit.test_screening_rescreen_drift import take_version
from tests.unit.test_screening_restart import indexed


def decided(case_id: str, outcome: DecisionOutcome) -> Envelope[CaseDecided]:
    decision = CaseDecided(
        case_id=case_id,
        control_number="Z100001",
        submitting_agency="DE-BAFA",
        agency_reference="BAFA-1",
        outcome=outcome,
        decided_at=datetime.now(UTC),
        decided_by="officer-1",
        rationale="r",
        human_rights_assessment="a",
    )
    return Envelope.wrap(decision, source="test", subject=case_id, correlation_id=case_id)


def licence_ended(case_id: str, status: LicenceStatus) -> Envelope[LicenceStatusChanged]:
    changed = LicenceStatusChanged(
        licence_number="LIC-Z100001",
        case_id=case_id,
        control_number="Z100001",
        submitting_agency="DE-BAFA",
        agency_reference="BAFA-1",
        status=status,
        changed_at=datetime.now(UTC),
        grounds="g",
    )
    return Envelope.wrap(changed, source="test", subject=case_id, correlation_id=case_id)


async def closed(event: Closing, store: FakeScreeningStore) -> bool:
    """The closing event as screening takes it."""
    return await close_case(event, store, POLICY, KNOWN)


def notice_results(store: FakeScreeningStore) -> list[str]:
    return [r.case_id for r in store.state.results.values() if "/rescreen/notice/" in r.request_id]


async def test_a_partner_notice_re_screens_an_approved_case_and_not_a_denied_one() -> None:
    store = FakeScreeningStore()
    approved, denied = surveillance_to_the_ministry(), surveillance_to_the_ministry()
    for request in (approved, denied):
        await screen_case(request, store, POLICY, KNOWN)
    await closed(decided(approved.data.case_id, DecisionOutcome.APPROVED), store)
    await closed(decided(denied.data.case_id, DecisionOutcome.DENIED), store)

    rescreened = await keep_notice_and_rescreen(denial(), store, POLICY, KNOWN)

    assert rescreened == [approved.data.case_id]
    [result] = [r for r in store.state.results.values() if "/rescreen/notice/" in r.request_id]
    assert result.request_id == f"{approved.data.case_id}/rescreen/notice/NL/NL-2026-0042"
    assert result.reason.startswith("partner_notice: denial notice NL-2026-0042 from NL")


async def test_a_notice_delivered_twice_re_screens_once() -> None:
    store = FakeScreeningStore()
    await screen_case(surveillance_to_the_ministry(), store, POLICY, KNOWN)
    notice = denial()
    assert await keep_notice_and_rescreen(notice, store, POLICY, KNOWN)
    assert await keep_notice_and_rescreen(notice, store, POLICY, KNOWN) is None
    assert len(notice_results(store)) == 1


async def test_a_revoked_licence_is_no_longer_watched_and_a_suspended_one_still_is() -> None:
    store = FakeScreeningStore()
    suspended, revoked = surveillance_to_the_ministry(), surveillance_to_the_ministry()
    for request in (suspended, revoked):
        await screen_case(request, store, POLICY, KNOWN)
        await closed(decided(request.data.case_id, DecisionOutcome.APPROVED), store)
    await closed(licence_ended(suspended.data.case_id, LicenceStatus.SUSPENDED), store)
    await closed(licence_ended(revoked.data.case_id, LicenceStatus.REVOKED), store)

    await keep_notice_and_rescreen(denial(), store, POLICY, KNOWN)

    assert notice_results(store) == [suspended.data.case_id]


async def test_an_approval_after_a_denial_watches_the_case_again() -> None:
    store = FakeScreeningStore()
    request = surveillance_to_the_ministry()
    await screen_case(request, store, POLICY, KNOWN)
    await closed(decided(request.data.case_id, DecisionOutcome.DENIED), store)
    await closed(decided(request.data.case_id, DecisionOutcome.APPROVED), store)

    await keep_notice_and_rescreen(denial(), store, POLICY, KNOWN)

    assert notice_results(store) == [request.data.case_id]


async def test_a_risk_notice_re_screens_the_open_cases_it_matches_and_names_its_state() -> None:
    store = FakeScreeningStore()
    matching = surveillance_to_the_ministry()
    elsewhere = surveillance_to_the_ministry(destination="EG")
    other_technology = surveillance_to_the_ministry(code="3A001")
    for request in (matching, elsewhere, other_technology):
        await screen_case(request, store, POLICY, KNOWN)
    risk = denial(notice_id="FR/risk/1/AE", kind=NoticeKind.RISK, issuing_state="FR")

    assert await keep_notice_and_rescreen(risk, store, POLICY, KNOWN) == [matching.data.case_id]

    result = store.state.results[f"{matching.data.case_id}/rescreen/notice/FR/FR/risk/1/AE"]
    assert result.reason.startswith("partner_notice: risk notice FR/risk/1/AE from FR")
    [finding] = [f for f in result.findings if f.category is FindingCategory.PARTNER_NOTICE]
    assert finding.reference == "partner_notice:FR/risk/1/AE"


async def test_a_case_approved_on_appeal_is_screened_on_what_was_listed_while_it_was_denied() -> (
    None
):
    store = FakeScreeningStore()
    heron = RestrictedPartyEntry("test", "test-1", "Heron Survey Systems", countries=("AE",))
    osprey = RestrictedPartyEntry("test", "test-2", "Osprey Avionics Trading", countries=("AE",))
    first = {heron.entry_id: heron}
    await load_list_version("test", list(first.values()), "v1", store)
    lists = indexed(first, 1)
    request = screening_request(with_end_user("Osprey Avionics Trading", "AE"))
    await screen_case(request, store, POLICY, Knowledge(lists, REGISTER))
    await closed(decided(request.data.case_id, DecisionOutcome.DENIED), store)
    meanwhile = {**first, osprey.entry_id: osprey}  # listed while the case stood denied
    await take_version(store, lists, first, meanwhile, 2)
    await rescreen_affected(published_update(store), store, POLICY, Knowledge(lists, REGISTER))
    await closed(decided(request.data.case_id, DecisionOutcome.APPROVED), store)

    renamed = replace(heron, alt_names=("Heron Survey",))  # the next update changes another entry
    await take_version(store, lists, meanwhile, {**meanwhile, heron.entry_id: renamed}, 3)
    update = published_update(store)
    rescreened = await rescreen_affected(update, store, POLICY, Knowledge(lists, REGISTER))

    assert rescreened.cases == [request.data.case_id]
    result = store.state.results[f"{request.data.case_id}/rescreen/test@3"]
    assert osprey.entry_id in {finding.reference for finding in result.findings}


async def test_a_case_approved_after_a_denial_is_screened_for_the_notices_kept_meanwhile() -> None:
    store = FakeScreeningStore()
    request = surveillance_to_the_ministry()
    case_id = request.data.case_id
    await screen_case(request, store, POLICY, KNOWN)
    await closed(decided(case_id, DecisionOutcome.DENIED), store)
    assert await keep_notice_and_rescreen(denial(), store, POLICY, KNOWN) == []

    await closed(decided(case_id, DecisionOutcome.APPROVED), store)

    assert notice_results(store) == [case_id]
    result = store.state.results[f"{case_id}/rescreen/notice/NL/NL-2026-0042"]
    assert [c.notice_id for c in result.partner_consultations] == ["NL-2026-0042"]
    await closed(decided(case_id, DecisionOutcome.APPROVED), store)  # approved again: once
    assert notice_results(store) == [case_id]


async def test_a_case_opened_again_is_not_screened_for_a_notice_its_screening_named() -> None:
    store = FakeScreeningStore()
    await keep_notice_and_rescreen(denial(), store, POLICY, KNOWN)
    request = surveillance_to_the_ministry()
    await screen_case(request, store, POLICY, KNOWN)
    await closed(decided(request.data.case_id, DecisionOutcome.DENIED), store)

    await closed(decided(request.data.case_id, DecisionOutcome.APPROVED), store)

    assert notice_results(store) == []
