"""After any run of list updates, the hits screening holds are the hits a full screen finds."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable

import pytest

from services.screening.current_lists import CurrentLists
from services.screening.domain import Knowledge, ScreeningPolicy
from services.screening.handlers import screen_case
from services.screening.list_diff import compute_delta, entry_digest
from services.screening.list_moves import WIDE_MOVE_ENTRIES, ListMoves, moved_keys
from services.screening.list_updates import load_list_version
from services.screening.match_keys import hit_key, party_keys
from services.screening.matching import RestrictedPartyEntry, RestrictedPartyIndex
from services.screening.rescreen_scope import moved_parties, moved_subjects
from services.screening.rescreen_screens import named_parties
from services.screening.rescreening import IN_PROCESS, rescreen_affected
from services.screening.screen_workers import ScreenWorkers
from services.screening.screened_subjects import Candidate, open_case
from tests.unit.test_screening_fakes import FakeScreeningStore, screening_request, with_end_user
from tests.unit.test_screening_list_updates import REGISTER, knowing, published_update

POLICY = ScreeningPolicy.load()
SYLLABLES = ("kar", "vel", "tor", "mis", "lun", "bre", "gad", "oss", "pel", "rin", "sta", "wex")
BRANDS = sorted({"".join(random.Random(n).sample(SYLLABLES, 3)).capitalize() for n in range(60)})
TRADES = ("Maritime", "Shipping", "Systems", "Analytics", "Holdings", "Trading", "Foods")
COUNTRIES = ("AE", "NO", "DK", "CY", "DE", "RU")


def named(rng: random.Random, entry_id: str) -> RestrictedPartyEntry:
    words = [rng.choice(BRANDS), *rng.sample(TRADES, rng.randint(1, 2))]
    return RestrictedPartyEntry(
        "Test List", entry_id, " ".join(words), countries=(rng.choice(COUNTRIES),)
    )


def next_version(
    rng: random.Random, entries: dict[str, RestrictedPartyEntry], version: int
) -> dict[str, RestrictedPartyEntry]:
    """Some entries removed, some added (several sharing a brand), an alias given to others."""
    following = dict(entries)
    for entry_id in rng.sample(sorted(following), 8):
        del following[entry_id]
    for n in range(5):
        added = named(rng, f"v{version}-{n}")
        following[added.entry_id] = added
    for entry_id in rng.sample(sorted(following), 2):
        alias = named(rng, "alias").name
        entry = following[entry_id]
        following[entry_id] = RestrictedPartyEntry(
            entry.source, entry.entry_id, entry.name, (*entry.alt_names, alias), entry.countries
        )
    return following


def held_and_full(
    store: FakeScreeningStore, entries: list[RestrictedPartyEntry]
) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    index = RestrictedPartyIndex.build(entries, POLICY.match_policy())
    held, full = {}, {}
    for subject, _ in store.state.subjects.values():
        held[subject.subject_id] = subject.hits
        full[subject.subject_id] = frozenset(
            hit.entry_id
            for _, party in subject.application.parties()
            for hit in index.screen(party.name, party.address.country)
        )
    return held, full


async def take_version(
    store: FakeScreeningStore,
    lists: CurrentLists,
    entries: dict[str, RestrictedPartyEntry],
    following: dict[str, RestrictedPartyEntry],
    version: int,
) -> None:
    """Load `following` as list version `version` and index its changes from `entries`."""
    await load_list_version("test", list(following.values()), f"v{version}", store)
    digests = {entry_id: entry_digest(entry) for entry_id, entry in entries.items()}
    changes = compute_delta(digests, following.values()).changes()
    current = [change.entry for change in changes if change.entry is not None]
    removed = [change.entry_id for change in changes if change.entry is None]
    lists.take_changes(current, removed, {"test": version})


IN_WORKERS = ScreenWorkers(processes=2, least=0)


@pytest.mark.parametrize(
    ("seed", "workers"),
    [*((seed, IN_PROCESS) for seed in (3, 17, 29, 41, 53)), (3, IN_WORKERS), (41, IN_WORKERS)],
    ids=["3", "17", "29", "41", "53", "3-workers", "41-workers"],
)
async def test_after_each_update_the_held_hits_are_a_full_screens_whatever_the_update_moved(
    seed: int, workers: ScreenWorkers
) -> None:
    rng = random.Random(seed)
    entries = {f"e-{n}": named(rng, f"e-{n}") for n in range(300)}
    store = FakeScreeningStore()
    await load_list_version("test", list(entries.values()), "v1", store)
    lists = CurrentLists(
        RestrictedPartyIndex.build(list(entries.values()), POLICY.match_policy()),
        {"test": 1},
        POLICY.match_policy(),
    )
    knowledge = Knowledge(lists, REGISTER)
    for _ in range(30):  # near names: a listed brand with other trade words, or a name as listed
        words = [rng.choice(BRANDS), *rng.sample(TRADES, rng.randint(1, 2))]
        request = screening_request(with_end_user(" ".join(words), rng.choice(COUNTRIES)))
        await screen_case(request, store, POLICY, knowledge)
    lists.followed(lists.moves()[0])  # every case was just screened against these lists
    screened_fewer = False
    for version in range(2, 10):
        following = next_version(rng, entries, version)
        await take_version(store, lists, entries, following, version)
        entries = following

        rescreened = await rescreen_affected(
            published_update(store), store, POLICY, knowledge, workers
        )

        held, full = held_and_full(store, list(entries.values()))
        assert held == full, f"version {version}"
        screened_fewer |= rescreened.screened < len(held)
    assert screened_fewer, "some update screened fewer than every case"


class ManyNamed:
    """Lists in which a moved word is in more names than keys would tell subjects apart by."""

    def entries_with_words(self, words: Iterable[str]) -> list[RestrictedPartyEntry]:
        return [
            RestrictedPartyEntry("Test List", f"w-{n}", f"Name{n} Technologies")
            for n in range(WIDE_MOVE_ENTRIES + 1)
        ]


async def test_a_word_moved_in_very_many_names_has_every_subject_screened_again() -> None:
    store = FakeScreeningStore()
    for end_user in ("Kyoto University", "Halvorsen Shipping"):
        await screen_case(screening_request(with_end_user(end_user)), store, POLICY, knowing())
    moves = ListMoves(frozenset({"technology"}))

    assert moved_keys(moves, ManyNamed()) is None
    async with store.unit_of_work() as uow:
        moved, every = await moved_subjects(uow, moves, ManyNamed())
    assert len(moved) == 2
    assert every


def test_only_the_parties_sharing_a_key_with_what_moved_are_screened_again_in_full() -> None:
    application = with_end_user("Halvorsen Shipping", "NO")
    subject = open_case(str(uuid.uuid4()), application, frozenset({"e-1"}))

    moved = moved_parties(Candidate(subject, party_keys("Halvorsen Shipping")), (20, 35))
    matched_a_moved_entry = moved_parties(Candidate(subject, frozenset({hit_key("e-1")})), (20,))
    by_no_party_key = moved_parties(Candidate(subject, frozenset({hit_key("e-2")})), (20,))

    assert moved.full == [("Halvorsen Shipping", "NO")]
    every = list(dict.fromkeys(named_parties(application)))
    assert len(every) > 1
    assert matched_a_moved_entry.full == every
    assert by_no_party_key.full == every
