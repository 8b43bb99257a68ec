"""After a list update, a party screened only on what the update may have moved finds what a
full screen finds: the names its words retrieve anew or as changed, and the entries it hit."""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np
import pytest

from services.screening.current_lists import CurrentLists
from services.screening.domain import ScreeningPolicy
from services.screening.matching import Hit, RestrictedPartyEntry, RestrictedPartyIndex
from services.screening.matching.screen_since import SinceIndexes, full_party_screen
from services.screening.screen_workers import Asked
from tests.unit.test_screening_rescreen_drift import BRANDS, COUNTRIES, TRADES, named, next_version

MATCH = ScreeningPolicy.load().match_policy()


def parties(rng: random.Random) -> list[tuple[str, str]]:
    """Names near the listed ones: a listed brand with other trade words, misspelt, cut."""
    found = []
    for brand in BRANDS:
        words = [brand, *rng.sample(TRADES, rng.randint(1, 2))]
        found.append((" ".join(words), rng.choice(COUNTRIES)))
        found.append((" ".join([brand[:-1] + "e", *words[1:]]), rng.choice(COUNTRIES)))
        found.append(((" ".join(words) + " Limited Company")[:20], rng.choice(COUNTRIES)))
    return found


def positions(index: RestrictedPartyIndex, entry_ids: set[str]) -> list[int]:
    return [p for p, entry in enumerate(index.entries) if entry.entry_id in entry_ids]


def hits(found: Sequence[Hit]) -> list[tuple[str, float, str]]:
    return [(hit.entry_id, hit.score, hit.explanation) for hit in found]


@pytest.mark.parametrize("seed", [5, 23, 47])
def test_a_party_screened_on_what_moved_finds_what_a_full_screen_finds(seed: int) -> None:
    rng = random.Random(seed)
    entries = {f"e-{n}": named(rng, f"e-{n}") for n in range(300)}
    first = index = RestrictedPartyIndex.build(list(entries.values()), MATCH)
    befores: list[RestrictedPartyIndex] = []
    moved: set[str] = set()
    checked = 0
    for version in range(2, 8):
        following = next_version(rng, entries, version)
        changed = [e for i, e in following.items() if entries.get(i) != e]
        updated = index.updated(changed, [i for i in entries if i not in following])
        moved |= set(updated.vocabulary.moved_since(index.vocabulary))
        befores.append(index)
        entries, index = following, updated
        # Screened against the first lists and not since: every index after them is one the
        # current index came through. Screened on what moved since, as a full screen screens.
        since = SinceIndexes(index, befores, moved)
        for name, country in parties(rng):
            held = {hit.entry_id for hit in first.screen(name, country)}
            screened = since.screen(name, country, positions(index, held)).hits
            assert hits(screened) == hits(index.screen(name, country)), (version, name)
            checked += bool(screened)
    assert checked, "some party hit"


@pytest.mark.parametrize("seed", [5, 47])
def test_the_names_a_screen_retrieved_kept_tell_what_the_index_before_would(seed: int) -> None:
    rng = random.Random(seed)
    entries = {f"e-{n}": named(rng, f"e-{n}") for n in range(300)}
    index = RestrictedPartyIndex.build(list(entries.values()), MATCH)
    for version in range(2, 6):
        following = next_version(rng, entries, version)
        changed = [e for i, e in following.items() if entries.get(i) != e]
        updated = index.updated(changed, [i for i in entries if i not in following])
        since = SinceIndexes(updated, [index], updated.vocabulary.moved_since(index.vocabulary))
        for name, country in parties(rng):
            before = full_party_screen(index, name, country)
            held = positions(updated, {hit.entry_id for hit in before.hits})
            screened = since.screen(name, country, held, before.retrieved)
            full = full_party_screen(updated, name, country)
            assert hits(screened.hits) == hits(full.hits), (version, name)
            assert screened.retrieved.tolist() == full.retrieved.tolist()
        entries, index = following, updated


def entry(entry_id: str, name: str) -> RestrictedPartyEntry:
    return RestrictedPartyEntry("Test List", entry_id, name, countries=("NO",))


def test_only_what_moved_and_the_entries_hit_before_are_scored() -> None:
    before = RestrictedPartyIndex.build(
        [entry("e-1", "Karvelmis Shipping"), entry("e-2", "Torluna Analytics")], MATCH
    )
    after = before.updated([entry("e-3", "Brestamis Foods")], [])
    since = SinceIndexes(after, [before], after.vocabulary.moved_since(before.vocabulary))
    full = after.screen("Karvelmis Shipping", "NO")

    assert [hit.entry_id for hit in full] == ["e-1"]
    # e-1 retrieved before as it is now, its words weighing the same: a hit as before, so not
    # scored again unless held (told apart only to show what is scored).
    assert since.screen("Karvelmis Shipping", "NO", []).hits == []
    held = positions(after, {"e-1"})
    assert hits(since.screen("Karvelmis Shipping", "NO", held).hits) == hits(full)


def test_a_party_that_held_as_many_hits_as_reported_is_screened_in_full() -> None:
    listed = [entry("e-1", "Karvelmis Shipping")]
    listed += [entry(f"o-{n}", f"Other{n} Foods") for n in range(MATCH.max_hits)]
    before = RestrictedPartyIndex.build(listed, MATCH)
    after = before.updated([entry("e-3", "Brestamis Foods")], [])
    since = SinceIndexes(after, [before], after.vocabulary.moved_since(before.vocabulary))
    others = positions(after, {f"o-{n}" for n in range(MATCH.max_hits)})

    # One more hit may have been left out before: every name retrieved is scored.
    screened = since.screen("Karvelmis Shipping", "NO", others)
    assert [hit.entry_id for hit in screened.hits] == ["e-1"]


def test_a_name_whose_words_weigh_otherwise_is_scored_again() -> None:
    before = RestrictedPartyIndex.build(
        [entry("e-1", "Karvelmis Torluna Brestamis"), entry("e-2", "Wexsta Foods")], MATCH
    )
    # Names sharing the listed name's other words: they weigh less, and the party (which has
    # neither) now covers enough of it to hit.
    added = [entry(f"t-{n}", f"Torluna Brestamis Pel{n}") for n in range(60)]
    after = before.updated(added, [])
    since = SinceIndexes(after, [before], after.vocabulary.moved_since(before.vocabulary))

    assert before.screen("Karvelmis Shipping", "NO") == []
    assert [hit.entry_id for hit in since.screen("Karvelmis Shipping", "NO", []).hits] == ["e-1"]


def prints_by_name(index: RestrictedPartyIndex) -> dict[tuple[str, int], int]:
    return {
        (index.entries[entry].entry_id, int(print_)): entry
        for entry, print_ in zip(
            index.entries_of(np.arange(index.name_count, dtype=np.int32)),
            index.name_prints.tolist(),
            strict=True,
        )
    }


@pytest.mark.parametrize("printed_before", [True, False])
def test_an_index_updated_in_place_prints_its_names_as_one_built_whole(
    printed_before: bool,
) -> None:
    rng = random.Random(11)
    entries = {f"e-{n}": named(rng, f"e-{n}") for n in range(200)}
    index = RestrictedPartyIndex.build(list(entries.values()), MATCH)
    for version in range(2, 5):
        if printed_before:
            assert len(index.name_prints) == index.name_count  # made, then carried over
        following = next_version(rng, entries, version)
        changed = [e for i, e in following.items() if entries.get(i) != e]
        index = index.updated(changed, [i for i in entries if i not in following])
        entries = following

        whole = RestrictedPartyIndex.build(list(entries.values()), MATCH)
        assert len(index.name_prints) == index.name_count
        assert sorted(prints_by_name(index)) == sorted(prints_by_name(whole))


def test_a_party_at_its_cap_whose_hit_was_removed_finds_the_entry_left_out_before() -> None:
    karvelmis = [
        "Karvelmis Shipping",
        "Karvelmis Shipping AS",
        "Karvelmis Shipping Holding",
        "Karvelmis Global Shipping",
        "Karvelmis Shipping and Trading",
        "Kar Velmis Shipping",
        "Karvelmiz Shipping",
        "Karvelmis",
        "Karvelmis Sea Shipping",
        "Karvelmis Shipping Bergen Branch",
        "Karvelmis Shipping Bergen Oslo Branch",  # the eleventh: left out at the cap
    ]
    listed = [entry(f"k-{n}", name) for n, name in enumerate(karvelmis)]
    # Shipping names enough that one fewer leaves the word's weight where it was.
    listed += [entry(f"s-{n}", f"Torluna{n} Shipping") for n in range(100)]
    lists = CurrentLists(RestrictedPartyIndex.build(listed, MATCH), {"test": 1}, MATCH)
    party = ("Karvelmis Shipping", "NO")
    before = lists.screen(*party)
    assert len(before) == MATCH.max_hits
    assert "k-10" not in {hit.entry_id for hit in before}
    lists.followed(lists.moves()[0])

    lists.take_changes([], ["k-6"], {"test": 2})  # a hit removed
    _, moves = lists.moves()
    held = frozenset(hit.entry_id for hit in before)
    screened = lists.full_screen(Asked(party, held), moves)

    assert moves.came_through  # screened on what moved, not every name
    assert hits(screened.hits) == hits(lists.screen(*party))
    assert "k-10" in {hit.entry_id for hit in screened.hits}
