"""Re-screening after a list update: the diff, and only the cases it can change screened again."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest

from schemas.cases import DecisionOutcome
from schemas.envelope import utcnow
from schemas.screening import ScreeningCompleted
from services.screening.case_closing import close_case
from services.screening.current_lists import CurrentLists
from services.screening.domain import Knowledge, Screening, ScreeningPolicy, screening_result
from services.screening.handlers import screen_case
from services.screening.list_diff import ListChange, compute_delta, entry_digest
from services.screening.list_updates import load_list_version
from services.screening.match_keys import KeyRules, listed_keys, party_keys
from services.screening.matching import RestrictedPartyEntry, RestrictedPartyIndex, parse_csv
from services.screening.rescreen_news import nothing_new, what_changed
from services.screening.rescreen_scope import affected_keys, could_change
from services.screening.rescreening import rescreen_affected
from services.screening.rules.parties import Clearance, party_key
from services.screening.screened_subjects import Candidate, open_case, uncleared_hits
from tests.unit.test_licence_rescreening import decided
from tests.unit.test_screening_fakes import (
    FakeScreeningStore,
    party,
    screening_request,
    with_end_user,
)
from tests.unit.test_screening_list_updates import (
    REGISTER,
    knowing,
    published_update,
    updated_knowing,
)

POLICY = ScreeningPolicy.load()
HEADER = "id,name,alt_names,country,remarks\n"
BEFORE = HEADER + (
    "t-1,Zephyr Lattice Analytics,,AE,surveillance integrator\n"
    "t-2,Orison Signal Works,,RU,interception\n"
    "t-4,Halvorsen Maritime Tracking,,NO,vessel tracking\n"
)
# t-1 renamed, t-2 removed, t-3 added, t-4 unchanged.
AFTER = HEADER + (
    "t-1,Zephyr Lumen Analytics,,AE,surveillance integrator\n"
    "t-3,Kestrel Vantage Systems,,AE,spyware reseller\n"
    "t-4,Halvorsen Maritime Tracking,,NO,vessel tracking\n"
)


def test_the_diff_names_each_added_changed_and_removed_entry_and_nothing_unchanged() -> None:
    current = {entry.entry_id: entry_digest(entry) for entry in parse_csv(BEFORE, "test")}
    changes = compute_delta(current, parse_csv(AFTER, "test")).changes()
    assert [(change.entry_id, change.change) for change in changes] == [
        ("t-3", "added"),
        ("t-1", "changed"),
        ("t-2", "removed"),
    ]
    assert changes[1].entry is not None
    assert changes[1].entry.name == "Zephyr Lumen Analytics"
    assert changes[2].entry is None


ENTRIES = [
    RestrictedPartyEntry("Test List", "p-1", "SULTANOV, Timur Bakhtiyarovich", countries=("UZ",)),
    RestrictedPartyEntry("Test List", "p-2", "Hassan Rahimi Tabrizi", countries=("IR",)),
    RestrictedPartyEntry("Test List", "p-3", "Mohammed Yusuf Karimov", countries=("UZ",)),
    RestrictedPartyEntry("Test List", "o-1", "Granitex Maritime Holdings Ltd", countries=("CY",)),
    RestrictedPartyEntry("Test List", "o-2", "Veltrano Systems GmbH", countries=("DE",)),
    RestrictedPartyEntry("Test List", "o-3", "Pars Kimia Sanat Co.", countries=("IR",)),
    RestrictedPartyEntry("Test List", "o-4", "NSO Group Technologies", countries=("IL",)),
    RestrictedPartyEntry("Test List", "b-1", "Xinjiang Public Security Bureau", countries=("CN",)),
]
# One way of writing a listed name differently per evasion class the matcher folds.
VARIANTS = [
    ("p-1", "T. B. Sultanov"),  # initials
    ("p-1", "SLTNV, Tmr Bkhtyrvch"),  # vowels dropped
    ("p-1", "Prof. Timur Sultanov Jr."),  # titles and affixes
    ("p-2", "Hasan Rahimi Tabrizy"),  # typos and respelling
    ("p-3", "Muhammad Yusuf Karimov"),  # another transliteration of a given name
    ("p-3", "KARIMOV, Mohammed Yu"),  # cut at a field limit of 20
    ("o-1", "Granitex Maritirne Holdings"),  # OCR: rn for m
    ("o-1", "Gran1tex Maritime Holdings Ltd"),  # a digit for a letter
    ("o-2", "Veltrano Sys tems GmbH"),  # a word split
    ("o-3", "Prs Kimia Snt"),  # Arabic-script consonants
    ("o-4", "NSOGroup Technologies"),  # words joined
    ("o-4", "Group NSO"),  # reordered, a word dropped
    ("o-4", "NЅО Group Technologies"),  # homoglyphs
    ("b-1", "Xinjiang Public Security Bureau"),  # a public body, places and trade words
    ("o-2", "V. Systems GmbH"),  # an organisation's distinctive word as its initial
    ("o-2", "Veltrano Systems G.M.B.H."),  # a legal form abbreviated with full stops
]


@pytest.fixture(scope="module")
def index() -> RestrictedPartyIndex:
    return RestrictedPartyIndex.build(ENTRIES, POLICY.match_policy())


@pytest.mark.parametrize(("entry_id", "variant"), VARIANTS)
def test_a_party_the_matcher_pairs_with_an_entry_shares_a_match_key_with_it(
    index: RestrictedPartyIndex, entry_id: str, variant: str
) -> None:
    assert entry_id in {hit.entry_id for hit in index.screen(variant)}, "the matcher hits it"
    entry = next(entry for entry in ENTRIES if entry.entry_id == entry_id)
    assert party_keys(variant) & listed_keys(entry)


@pytest.mark.parametrize("party", ["Kyoto University", "Shenzhen Electronics Co Ltd", "Acme"])
def test_a_party_with_nothing_of_an_entrys_telling_words_shares_no_key_with_it(party: str) -> None:
    assert not party_keys(party) & listed_keys(ENTRIES[3])


def test_an_entry_removed_or_changed_finds_the_cases_that_matched_it_by_its_id() -> None:
    removed = affected_keys([ListChange("t-2", "removed")])
    added = affected_keys([ListChange("t-3", "added", ENTRIES[4])])
    assert len(removed.keys) == 1
    assert added.keys == listed_keys(ENTRIES[4])


def hits_of(index: RestrictedPartyIndex, parties: list[str]) -> list[set[tuple[str, float]]]:
    return [{(hit.entry_id, hit.score) for hit in index.screen(party, "CY")} for party in parties]


def test_an_index_updated_in_place_gives_the_hits_a_rebuild_gives_update_after_update() -> None:
    def maritime(entry_id: str, name: str) -> RestrictedPartyEntry:
        return RestrictedPartyEntry("Test List", entry_id, name, countries=("CY",))

    # Words shared by many names weigh less: the update moves the weights of "Maritime".
    fleet = [maritime(f"m-{n}", f"{brand} Maritime Holdings") for n, brand in enumerate("ABC")]
    first = [*ENTRIES, *fleet]
    renamed = RestrictedPartyEntry(
        "Test List", "o-2", "Veltrano Systems GmbH", alt_names=("Veltranix Sistemi",)
    )
    added = [renamed, *(maritime(f"n-{n}", f"Ostrava {n} Maritime") for n in range(4))]
    second = [e for e in first if e.entry_id not in {"o-1", "o-2", "m-0"}] + added
    parties = [
        *(variant for _, variant in VARIANTS),
        "Granitex Maritime Holdings",  # its entry removed: no hit, its words looked up no more
        "Granitex Maritim",  # a word cut at 16 letters
        "Veltranix Sistemi SRL",
        "Ostrava 2 Maritime Ltd",
        "B Maritime Holdings",
    ]
    updated = RestrictedPartyIndex.build(first).updated(added, ["o-1", "m-0"])

    assert hits_of(updated, parties) == hits_of(RestrictedPartyIndex.build(second), parties)
    assert not any("o-1" in {e for e, _ in hits} for hits in hits_of(updated, parties))
    assert sorted(entry.entry_id for entry in updated.entries) == sorted(
        entry.entry_id for entry in second
    )

    # The removed entry comes back, a changed one goes: its words are looked up again.
    third = [e for e in second if e.entry_id != "n-1"] + [ENTRIES[3]]
    again = updated.updated([ENTRIES[3]], ["n-1"])
    assert hits_of(again, parties) == hits_of(RestrictedPartyIndex.build(third), parties)
    assert {"o-1"} <= {e for hits in hits_of(again, parties) for e, _ in hits}


KIN = "".join(  # entries sharing the word "Halvorsen" with t-4
    f"h-{n},Halvorsen {trade},,DK,\n"
    for n, trade in enumerate(("Foods", "Textiles", "Orchards", "Brewery", "Furniture", "Salmon"))
)


def rescreens(store: FakeScreeningStore) -> dict[str, ScreeningCompleted]:
    return {
        result.case_id: result
        for result in store.state.results.values()
        if "/rescreen/" in result.request_id
    }


async def test_only_the_cases_an_update_can_change_are_screened_again() -> None:
    store = FakeScreeningStore()
    await load_list_version("test", parse_csv(BEFORE, "test"), "before.csv", store)
    before = knowing(BEFORE, 1)
    hit_removed = screening_request(with_end_user("Orison Signal Works LLC", "RU"))
    hit_renamed = screening_request(with_end_user("Zephyr Lattice Analytics FZE"))
    matches_added = screening_request(with_end_user("Kestrel Vantage Systems LLC"))
    hit_unchanged = screening_request(with_end_user("Halvorsen Maritime Tracking AS", "NO"))
    unrelated = screening_request(with_end_user("Kyoto University", "JP"))
    requests = (hit_removed, hit_renamed, matches_added, hit_unchanged, unrelated)
    for request in requests:
        await screen_case(request, store, POLICY, before)
    await load_list_version("test", parse_csv(AFTER, "test"), "after.csv", store)

    after = updated_knowing(before, BEFORE, AFTER, 2)

    rescreened = await rescreen_affected(published_update(store), store, POLICY, after)

    removed, renamed, added = (r.data.case_id for r in (hit_removed, hit_renamed, matches_added))
    assert rescreened.candidates == 3  # the unchanged entry's and the unrelated case: not read
    assert sorted(rescreened.cases) == sorted([removed, renamed, added])
    results = rescreens(store)
    assert results[removed].reason == "list_update: test 2: no longer matches removed entry 't-2'"
    assert results[removed].risk_level == "low"
    assert results[renamed].reason == (
        "list_update: test 2: no longer matches changed entry 'Zephyr Lumen Analytics'"
    )
    assert results[added].reason == (
        "list_update: test 2: end user 'Kestrel Vantage Systems LLC' (AE) matches added entry "
        "'Kestrel Vantage Systems'"
    )
    assert results[added].risk_level == "critical"


async def test_a_hit_on_an_unchanged_entry_that_an_update_weighs_under_the_threshold_is_gone() -> (
    None
):
    # Six entries added that share the word "Halvorsen": it tells less, and a near name that
    # rested on it no longer reaches the entry the update left as it was.
    kin = KIN
    store = FakeScreeningStore()
    await load_list_version("test", parse_csv(BEFORE, "test"), "before.csv", store)
    near = screening_request(with_end_user("Halvorsen Shipping", "SE"))
    exact = screening_request(with_end_user("Halvorsen Maritime Tracking AS", "NO"))
    for request in (near, exact):
        await screen_case(request, store, POLICY, knowing(BEFORE, 1))
    await load_list_version("test", parse_csv(BEFORE + kin, "test"), "kin.csv", store)

    rescreened = await rescreen_affected(
        published_update(store), store, POLICY, knowing(BEFORE + kin, 2)
    )

    assert rescreened.cases == [near.data.case_id]
    assert rescreens(store)[near.data.case_id].reason == (
        "list_update: test 2: no longer matches entry 't-4'"
    )


async def test_a_near_name_an_update_weighs_over_the_threshold_on_an_unchanged_entry_hits_it() -> (
    None
):
    # Six entries sharing the word "Halvorsen" removed: it tells more, and a near name that
    # rests on it now reaches the entry the update left as it was.
    store = FakeScreeningStore()
    await load_list_version("test", parse_csv(BEFORE + KIN, "test"), "kin.csv", store)
    near = screening_request(with_end_user("Halvorsen Shipping", "SE"))
    unrelated = screening_request(with_end_user("Kyoto University", "JP"))
    before = knowing(BEFORE + KIN, 1)
    for request in (near, unrelated):
        await screen_case(request, store, POLICY, before)
    assert not rescreens(store)
    await load_list_version("test", parse_csv(BEFORE, "test"), "before.csv", store)

    rescreened = await rescreen_affected(
        published_update(store), store, POLICY, updated_knowing(before, BEFORE + KIN, BEFORE, 2)
    )

    assert rescreened.cases == [near.data.case_id]
    assert rescreened.candidates == 1  # the unrelated case shares no word with what moved
    assert rescreens(store)[near.data.case_id].reason == (
        "list_update: test 2: end user 'Halvorsen Shipping' (SE) now matches entry 't-4'"
    )


async def test_a_process_that_knows_not_what_moved_screens_every_subject_again_in_full() -> None:
    store = FakeScreeningStore()
    await load_list_version("test", parse_csv(BEFORE + KIN, "test"), "kin.csv", store)
    near = screening_request(with_end_user("Halvorsen Shipping", "SE"))
    unrelated = screening_request(with_end_user("Kyoto University", "JP"))
    for request in (near, unrelated):
        await screen_case(request, store, POLICY, knowing(BEFORE + KIN, 1))
    await load_list_version("test", parse_csv(BEFORE, "test"), "before.csv", store)

    # A process started after the update indexed the list whole: what moved is not known.
    rescreened = await rescreen_affected(published_update(store), store, POLICY, knowing(BEFORE, 2))

    assert (rescreened.candidates, rescreened.screened) == (2, 2)
    assert rescreened.cases == [near.data.case_id]


async def test_a_case_re_screened_is_found_by_its_new_hits_at_the_next_update() -> None:
    store = FakeScreeningStore()
    await load_list_version("test", parse_csv(BEFORE, "test"), "before.csv", store)
    case = screening_request(with_end_user("Kestrel Vantage Systems LLC"))
    await screen_case(case, store, POLICY, knowing(BEFORE, 1))
    await load_list_version("test", parse_csv(AFTER, "test"), "after.csv", store)
    await rescreen_affected(published_update(store), store, POLICY, knowing(AFTER, 2))
    await load_list_version("test", parse_csv(BEFORE, "test"), "before.csv", store)

    third = await rescreen_affected(published_update(store), store, POLICY, knowing(BEFORE, 3))

    assert third.cases == [case.data.case_id]
    assert rescreens(store)[case.data.case_id].reason == (
        "list_update: test 3: no longer matches removed entry 't-3'"
    )


def test_a_candidate_sharing_only_a_word_with_an_added_entry_is_not_screened_again() -> None:
    added = parse_csv(HEADER + "t-9,Zephyr Orthovane Kelmira,,AE,\n", "test")[0]
    listed = parse_csv(AFTER + "t-9,Zephyr Orthovane Kelmira,,AE,\n", "test")
    lists = CurrentLists(RestrictedPartyIndex.build(listed), {"test": 2}, POLICY.match_policy())
    found = affected_keys(
        [ListChange("t-9", "added", added)], lists, KeyRules.of(POLICY.match_policy())
    )
    positions = lists.entry_positions(["t-9"])

    def candidate(end_user: str) -> Candidate:
        application = with_end_user(end_user)
        keys: set[int] = set()
        for _, named in application.parties():
            keys |= party_keys(named.name)
        subject = open_case(str(uuid.uuid4()), application, frozenset())
        return Candidate(subject, frozenset(keys & found.keys))

    near, same = candidate("Acme Orthovane Kelmira"), candidate("Zephyr Orthovane Kelmira FZE")
    assert near.keys, "a candidate: it shares the words 'orthovane kelmira'"
    assert not could_change(near, found, lists, positions, POLICY.match_policy().hit_threshold)
    assert could_change(same, found, lists, positions, POLICY.match_policy().hit_threshold)


async def test_a_licence_approved_on_appeal_after_a_denial_is_re_screened_on_a_list_update() -> (
    None
):
    store = FakeScreeningStore()
    await load_list_version("test", parse_csv(BEFORE, "test"), "before.csv", store)
    appealed = screening_request(with_end_user("Kestrel Vantage Systems LLC"))
    await screen_case(appealed, store, POLICY, knowing(BEFORE, 1))
    case_id = appealed.data.case_id
    closing = (store, POLICY, knowing(BEFORE, 1))
    await close_case(decided(case_id, DecisionOutcome.DENIED), *closing)  # no longer a subject
    await close_case(decided(case_id, DecisionOutcome.APPROVED), *closing)  # licence in force
    await load_list_version("test", parse_csv(AFTER, "test"), "after.csv", store)

    rescreened = await rescreen_affected(published_update(store), store, POLICY, knowing(AFTER, 2))

    assert rescreened.cases == [case_id]
    assert rescreens(store)[case_id].risk_level == "critical"


async def test_a_hit_on_an_unchanged_entry_that_added_names_keep_from_being_retrieved_is_gone() -> (
    None
):
    # Words found in more names than the policy's retrieval limit find no candidates: once the
    # update adds two names with every word the party shares with t-4, only "Orison" finds
    # any, and a full screen no longer reaches t-4, though the pair alone still scores a hit.
    match = replace(POLICY.match_policy(), retrieval_max_names=2)
    kin = (
        "h-1,Halvorsen Maritime Tracking Foods Kontor,,DK,\n"
        "h-2,Halvorsen Maritime Tracking Textiles Brygge,,DK,\n"
    )

    def knowing_at(listed: str, version: int) -> Knowledge:
        index = RestrictedPartyIndex.build(parse_csv(listed, "test"), match)
        return Knowledge(CurrentLists(index, {"test": version}, match), REGISTER)

    store = FakeScreeningStore()
    await load_list_version("test", parse_csv(BEFORE, "test"), "before.csv", store)
    crowded = screening_request(with_end_user("Halvorsen Maritime Tracking Orison", "NO"))
    await screen_case(crowded, store, POLICY, knowing_at(BEFORE, 1))
    await load_list_version("test", parse_csv(BEFORE + kin, "test"), "kin.csv", store)
    after = knowing_at(BEFORE + kin, 2)
    assert isinstance(after.screener, CurrentLists)
    [position] = after.screener.entry_positions(["t-4"])["t-4"]
    assert after.screener.pair_score("Halvorsen Maritime Tracking Orison", "NO", position) >= (
        match.hit_threshold
    ), "the pair alone still scores a hit"

    rescreened = await rescreen_affected(published_update(store), store, POLICY, after)

    assert rescreened.cases == [crowded.data.case_id]
    assert rescreens(store)[crowded.data.case_id].reason == (
        "list_update: test 2: no longer matches entry 't-4'"
    )


@pytest.mark.parametrize(("entry_id", "variant"), VARIANTS[:6])
def test_a_screen_among_some_entries_gives_the_full_screens_hits_on_those_entries(
    index: RestrictedPartyIndex, entry_id: str, variant: str
) -> None:
    positions = {p for p, entry in enumerate(index.entries) if entry.entry_id != "o-4"}
    among = {p for p, entry in enumerate(index.entries) if entry.entry_id == entry_id}
    full = index.screen(variant, "UZ")
    assert [hit.entry_id for hit in index.screen(variant, "UZ", among)] == [entry_id]
    assert index.screen(variant, "UZ", among) == [hit for hit in full if hit.entry_id == entry_id]
    assert index.screen(variant, "UZ", positions) == [h for h in full if h.entry_id != "o-4"]
    assert not index.screen(variant, "UZ", set())


async def test_a_re_screened_result_goes_on_showing_a_hit_cleared_before_the_case_opened() -> None:
    store = FakeScreeningStore()
    await load_list_version("test", parse_csv(BEFORE, "test"), "before.csv", store)
    before = knowing(BEFORE, 1)
    shipper = "Halvorsen Maritime Tracking AS"
    cleared = Clearance(
        party_key(shipper, "NO"), "t-4", "officer", utcnow(), "a namesake shipping firm"
    )
    async with store.unit_of_work() as uow:
        await uow.add_clearance(cleared, shipper)
    request = screening_request(
        with_end_user(shipper, "NO").model_copy(
            update={"purchaser": party("Kestrel Vantage Systems LLC", "AE")}
        )
    )
    await screen_case(request, store, POLICY, before)
    await load_list_version("test", parse_csv(AFTER, "test"), "after.csv", store)

    rescreened = await rescreen_affected(
        published_update(store), store, POLICY, updated_knowing(before, BEFORE, AFTER, 2)
    )

    assert rescreened.cases == [request.data.case_id]
    result = rescreens(store)[request.data.case_id]
    assert "matches added entry 'Kestrel Vantage Systems'" in result.reason
    severities = {finding.reference: finding.severity for finding in result.findings}
    assert severities["t-4"] is POLICY.cleared_hit_severity
    assert severities["t-3"] is POLICY.restricted_party_severity


@pytest.mark.parametrize("cleared_pair", [False, True])
def test_a_subject_is_told_nothing_new_exactly_when_its_new_result_holds_no_news(
    cleared_pair: bool,
) -> None:
    knowledge = updated_knowing(knowing(BEFORE, 1), BEFORE, AFTER, 2)
    shipper = "Halvorsen Maritime Tracking AS"
    submitted = with_end_user(shipper, "NO").model_copy(
        update={"purchaser": party("Kestrel Vantage Systems LLC", "AE")}
    )
    if cleared_pair:
        clearance = Clearance(party_key(shipper, "NO"), "t-4", "officer", utcnow(), "namesake")
        knowledge = replace(knowledge, clearances=[clearance])
    current = {entry.entry_id: entry_digest(entry) for entry in parse_csv(BEFORE, "test")}
    changes = compute_delta(current, parse_csv(AFTER, "test")).changes()
    result = screening_result(
        Screening("r/rescreen/2", "c", submitted), POLICY, knowledge, utcnow()
    )
    reported = uncleared_hits(result, POLICY)
    assert reported == ({"t-3"} if cleared_pair else {"t-3", "t-4"})
    # Every hit set a subject may have held, against no change, this update's and one touching
    # only the unchanged entry.
    befores = [frozenset(s) for s in ({"t-3", "t-4"}, {"t-3"}, {"t-4"}, set(), {"t-1", "t-3"})]
    change_sets = [{}, {c.entry_id: c for c in changes}, {"t-1": changes[1]}]
    told = []
    for before in befores:
        for change_of in change_sets:
            silent = nothing_new(before, submitted, knowledge, POLICY, change_of)
            assert silent == (not what_changed(before, result, POLICY, change_of))
            told.append(silent)
    assert any(told)  # both answers occur
    assert not all(told)


def test_a_party_screened_on_some_entries_is_retrieved_again_from_an_updated_index() -> None:
    knowledge = knowing(BEFORE, 1)
    lists = knowledge.screener
    assert isinstance(lists, CurrentLists)
    name = "Kestrel Vantage Systems LLC"
    listed = lists.entry_positions({"t-1", "t-2", "t-4"})
    everywhere = {p for found in listed.values() for p in found}
    assert lists.screen(name, "AE", everywhere) == []  # kept: its names retrieved, none a hit
    updated_knowing(knowledge, BEFORE, AFTER, 2)
    among = {p for found in lists.entry_positions({"t-3"}).values() for p in found}
    assert [hit.entry_id for hit in lists.screen(name, "AE", among)] == ["t-3"]
    assert lists.screen(name, "AE", among) == lists.screen(name, "AE")
