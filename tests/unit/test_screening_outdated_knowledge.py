"""A case screened on list versions a later one replaced before the case was kept is not kept
with the older lists' hits: nothing of it is kept, and it is screened again on the new ones."""

from __future__ import annotations

import pytest

from services.screening.current_lists import CurrentLists
from services.screening.domain import Knowledge
from services.screening.handlers import Outcome, ScreenedOnOutdatedKnowledge, screen_case
from services.screening.list_diff import screened_on_older
from services.screening.list_updates import load_list_version
from services.screening.matching import RestrictedPartyEntry, RestrictedPartyIndex
from tests.unit.test_screening_fakes import FakeScreeningStore, screening_request, with_end_user
from tests.unit.test_screening_list_updates import REGISTER
from tests.unit.test_screening_rescreen_drift import POLICY

FIRST = RestrictedPartyEntry("test", "test-1", "Kestrel Maritime Holdings", countries=("AE",))
ADDED = RestrictedPartyEntry("test", "test-2", "Osprey Avionics Trading", countries=("AE",))


def lists_at(version: int, *entries: RestrictedPartyEntry) -> CurrentLists:
    """A process's lists, read from PostgreSQL at `version` of the list "test"."""
    index = RestrictedPartyIndex.build(list(entries), POLICY.match_policy())
    return CurrentLists(index, {"test": version}, POLICY.match_policy())


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
        await screen_case(request, store, POLICY, Knowledge(lists_at(1, FIRST), REGISTER))
    assert store.state.results == {}
    assert store.state.subjects == {}
    assert store.state.published == updates

    current = Knowledge(lists_at(2, FIRST, ADDED), REGISTER)
    screened = await screen_case(request, store, POLICY, current)
    assert screened.outcome is Outcome.SCREENED
    assert screened.result is not None
    assert screened.result.list_version == "test@2"
    assert ADDED.entry_id in {finding.reference for finding in screened.result.findings}
    subject = next(iter(store.state.subjects.values()))[0]
    assert subject.hits == {ADDED.entry_id}
