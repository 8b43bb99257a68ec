"""The index's shortcuts change no result: a name dropped before it is aligned word by word
could not have been a hit, so screening with and without the shortcut gives the same hits."""

from __future__ import annotations

import random

import pytest

from services.screening.matching import RestrictedPartyIndex, load_seed_list
from services.screening.matching.index import Int32s
from services.screening.matching.normalise import normalise_name
from services.screening.matching.scoring import WeightedToken, compare_names, score_ceiling


@pytest.fixture(scope="module")
def index() -> RestrictedPartyIndex:
    return RestrictedPartyIndex.build(load_seed_list())


def variants(index: RestrictedPartyIndex, count: int) -> list[str]:
    """Seeded variants of listed names: as listed, a typo, a word dropped, words joined or
    swapped, a title before, and words of two entries mixed (near misses)."""
    rng = random.Random(20261206)
    names = [name for entry in index.entries for name in entry.names]
    parties = []
    for _ in range(count):
        words = rng.choice(names).split()
        kind = rng.randrange(7)
        if kind == 1:
            at = rng.randrange(len(words))
            word = words[at]
            if len(word) > 3:
                cut = rng.randrange(1, len(word) - 1)
                words[at] = word[:cut] + word[cut + 1] + word[cut] + word[cut + 2 :]
        elif kind == 2 and len(words) > 1:
            del words[rng.randrange(len(words))]
        elif kind == 3 and len(words) > 1:
            at = rng.randrange(len(words) - 1)
            words[at : at + 2] = [words[at] + words[at + 1]]
        elif kind == 4 and len(words) > 1:
            words[0], words[1] = words[1], words[0]
        elif kind == 5:
            words.insert(0, "Prof.")
        elif kind == 6:
            words = words[:1] + rng.choice(names).split()[1:]
        parties.append(" ".join(words))
    return parties


def test_every_shortcut_keeps_the_same_hits(
    index: RestrictedPartyIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    parties = variants(index, 300)
    within_reach = index._within_reach
    dropped = 0

    def counted(names: Int32s, *args: object) -> list[int]:
        nonlocal dropped
        kept = within_reach(names, *args)  # type: ignore[arg-type]
        dropped += len(names) - len(kept)
        return kept

    monkeypatch.setattr(index, "_within_reach", counted)
    quick = [index.screen(party, "CN") for party in parties]
    assert sum(1 for hits in quick if hits) > 100  # the sample has hits to keep
    assert dropped > 100  # and names the shortcut left out

    def every_name(names: Int32s, *_: object) -> list[int]:
        return [int(name) for name in names.tolist()]

    monkeypatch.setattr(index, "_within_reach", every_name)
    assert [index.screen(party, "CN") for party in parties] == quick


def test_no_comparison_scores_above_its_ceiling(index: RestrictedPartyIndex) -> None:
    rng = random.Random(7)
    checked = 0
    for party in variants(index, 300):
        tokens = index._party_tokens(normalise_name(party))
        if not tokens:
            continue
        others = rng.sample(range(index.name_count), 10)  # names sharing no word, mostly
        for name in [*index._candidate_names(tokens, None, False).tolist(), *others]:
            listed: list[WeightedToken] = index._listed_tokens(name)
            score = compare_names(tokens, listed, index.policy).score
            assert score <= score_ceiling(tokens, listed, index.policy) + 1e-9, (party, name)
            checked += 1
    assert checked > 3000
