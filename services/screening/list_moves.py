"""What a list update moves besides the entries it changes, for re-screening to follow.

A word's weight falls with the number of listed names that have it, so an update moves the
weight of the words of the names it adds or removes (a common word's only when its count crosses
a step, `counted_names`), and with it the score of every party having such a word and of every
party against every name having one: a party may cross the threshold on an entry the update left
as it was. The names it adds or removes also join or leave the candidates the party's words
find, and may push a name out of the few scored or let one in. The subjects those parties belong
to are screened again in full; this module says which keys find them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from services.screening.match_keys import MatchKey, hit_key, retrieval_keys, word_keys
from services.screening.matching import RestrictedPartyEntry, RestrictedPartyIndex

# Past this many entries having a word whose weight moved (a common word crossing a step of its
# count, in a large list), their keys would find about every subject: every one is screened.
WIDE_MOVE_ENTRIES = 20_000


@dataclass(frozen=True)
class ListMoves:
    """What moved in the index since the subjects were last screened in step with it: the
    words whose weight moved, the entries indexed or dropped (both versions of a changed one);
    `everything`: the index was built whole (a process starting, most of a list changed), and
    what moved is not known. `before`: the indexes it was updated from since (each subject
    screened against one of them; None: not kept); `since` and `version`: the list versions it
    moved from and to."""

    words: frozenset[str] = frozenset()
    entries: tuple[RestrictedPartyEntry, ...] = ()
    everything: bool = False
    before: tuple[RestrictedPartyIndex, ...] | None = ()
    since: str = ""
    version: str = ""

    def __or__(self, other: ListMoves) -> ListMoves:
        return ListMoves(
            self.words | other.words,
            (*self.entries, *other.entries),
            self.everything or other.everything,
            self._before_with(other),
            self.since if not self.nothing else other.since,
            other.version or self.version,
        )

    def _before_with(self, other: ListMoves) -> tuple[RestrictedPartyIndex, ...] | None:
        if self.nothing or other.nothing:
            return other.before if self.nothing else self.before
        if self.before is None or other.before is None:
            return None  # one of them not kept: the indexes it came through are not known
        return (*self.before, *other.before)

    @property
    def came_through(self) -> bool:
        """Whether what moved is known and the indexes it came through are kept."""
        return bool(self.before) and not self.everything

    @property
    def nothing(self) -> bool:
        """True when nothing moved."""
        return not (self.words or self.entries or self.everything)


class WordedLists(Protocol):
    """The current lists' entries found by their names' words."""

    def entries_with_words(self, words: Iterable[str]) -> list[RestrictedPartyEntry]: ...


def moved_keys(moves: ListMoves, lists: WordedLists) -> set[MatchKey] | None:
    """The keys of the subjects what moved may change (`moves.everything` aside): the parties
    having a word whose weight moved, and those whose candidates may include a name indexed or
    dropped or a name having such a word (their weight moved too), or that matched one. None
    when so many names have such a word that every subject is as good as found."""
    reweighed = lists.entries_with_words(moves.words)
    if len(reweighed) > WIDE_MOVE_ENTRIES:
        return None
    keys = {key for word in moves.words for key in word_keys(word, False, False)}
    for entry in (*moves.entries, *reweighed):
        keys |= retrieval_keys(entry)
        keys.add(hit_key(entry.entry_id))
    return keys
