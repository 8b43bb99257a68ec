"""A case screened on list versions a later one replaced before the case was kept is not kept
with the older lists' hits: nothing of it is kept, and it is screened again on the new ones."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import replace

import pytest

from services.screening.current_lists import CurrentLists
from services.screening.domain import Knowledge
from services.screening.handlers import Outcome, ScreenedOnOutdatedKnowledge, screen_case
from services.screening.list_diff import screened_on_older
from services.screening.list_updates import load_list_version
from services.screening.matching import Hit, RestrictedPartyEntry, RestrictedPartyIndex
from services.screening.rescreening import rescreen_affected
from tests.unit.test_screening_fakes import FakeScreeningStore, screening_request, with_end_user
from tests.unit.test_screening_list_updates import REGISTER, published_update
from tests.unit.test_screening_rescreen_drift import POLICY, take_version
from tests.unit.test_screening_restart import indexed

FIRST = RestrictedPartyEntry("test", "test-1", "Kestrel Maritime Holdings", countries=("AE",))
ADDED = RestrictedPartyEntry("test", "test-2", "Osprey Avionics Trading", countries=("AE",))


@pytest.mark.parametrize(
    ("label", "held", "older"),
    [
        ("test@2", {"test": 2}, False),
        ("test@1", {"test": 2}, True),
        ("other@3+test@2", {"other": 4, "test": 2}, True),
        ("test@2", {"other": 1, "test": 2}, True),  # a list loaded since
        ("no lists", {"test": 1}, True),
        ("no lists", {}, False),
        ("seed:sha256:0123456789abcdef", {"test": 2}, False),  # follows no stored version
        ("sha256:0123456789abcdef", {"test": 2}, False),
    ],
)
def test_a_result_is_older_only_where_it_followed_versions_since_replaced(
    label: str, held: dict[str, int], older: bool
) -> None:
    assert screened_on_older(label, held) is older


async def test_a_case_screened_on_replaced_lists_is_not_kept_and_is_screened_again() -> None:
    store = FakeScreeningStore()
    await load_list_version("test", [FIRST], "v1", store)
    await load_list_version("test", [FIRST, ADDED], "v2", store)
    request = screening_request(with_end_user("Osprey Avionics Trading", "AE"))
    updates = list(store.state.published)

    with pytest.raises(ScreenedOnOutdatedKnowledge, match="test@1"):
        await screen_case(
            request, store, POLICY, Knowledge(indexed({FIRST.entry_id: FIRST}, 1), REGISTER)
        )
    assert store.state.results == {}
    assert store.state.subjects == {}
    assert store.state.published == updates

    current = Knowledge(indexed({e.entry_id: e for e in (FIRST, ADDED)}, 2), REGISTER)
    screened = await screen_case(request, store, POLICY, current)
    assert screened.outcome is Outcome.SCREENED
    assert screened.result is not None
    assert screened.result.list_version == "test@2"
    assert ADDED.entry_id in {finding.reference for finding in screened.result.findings}
    subject = next(iter(store.state.subjects.values()))[0]
    assert subject.hits == {ADDED.entry_id}


class CountingLists(CurrentLists):
    """The lists, counting each party's screens on some entries only (a re-screen's)."""

    def __init__(self, index: RestrictedPartyIndex, versions: dict[str, int]) -> None:
        super().__init__(index, versions, POLICY.match_policy())
        self.screened: Counter[tuple[str, str | None]] = Counter()

    def screen(
        self, party_name: str, country: str | None = None, among: Collection[int] | None = None
    ) -> list[Hit]:
        if among is not None:
            self.screened[(party_name, country)] += 1
        return super().screen(party_name, country, among)


async def test_a_rescreen_screens_each_party_once_to_tell_and_to_make_a_new_result() -> None:
    store = FakeScreeningStore()
    first = {FIRST.entry_id: FIRST}
    await load_list_version("test", [FIRST], "v1", store)
    index = RestrictedPartyIndex.build([FIRST], POLICY.match_policy())
    lists = CountingLists(index, {"test": 1})
    request = screening_request(with_end_user(ADDED.name, "AE"))
    await screen_case(request, store, POLICY, Knowledge(lists, REGISTER))
    # A first update (every subject screened in full by a process that just read its lists),
    # then one that lists the end user: the other parties are screened on some entries only.
    second = {FIRST.entry_id: replace(FIRST, alt_names=("Kestrel Maritime",))}
    third = {**second, ADDED.entry_id: ADDED}
    for number, (before, after) in enumerate([(first, second), (second, third)], start=2):
        await take_version(store, lists, before, after, number)
        update = published_update(store)
        rescreened = await rescreen_affected(update, store, POLICY, Knowledge(lists, REGISTER))

    assert rescreened.cases == [request.data.case_id]  # a new result: its end user listed
    assert lists.screened, "no party screened on some entries only"
    assert max(lists.screened.values()) == 1, lists.screened
