"""A party's full screen after a list update, scoring only the names the update may have moved.

A screen compares a party with the few names its words retrieve from the index. A name that the
index before the update retrieved too, as it stood (the same entry, name and countries, its
words weighing the same), scores against a party whose own words weigh as they did just as it
scored then: it hits or misses as before. So that party's full screen against the updated index
hits only entries it hit before and entries of names retrieved anew or changed, and only those
are scored. A party whose screen before reported as many hits as a screen reports at most may
have had one more left out: it is screened in full, as is a name that may have been cut at a
field limit (its own steps read the listed words).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from services.screening.matching.index import RestrictedPartyIndex
from services.screening.matching.model import Hit
from services.screening.matching.name_table import Int32s
from services.screening.matching.prepared_party import PreparedParty

Retrieved = npt.NDArray[np.uint64]  # the names a party's screen retrieved, as `name_prints`


@dataclass(frozen=True)
class PartyScreen:
    """A party's full screen: its hits, and the names it retrieved (to tell, after the next
    update, which it retrieves anew)."""

    hits: list[Hit]
    retrieved: Retrieved


def full_party_screen(
    index: RestrictedPartyIndex, party_name: str, country: str | None
) -> PartyScreen:
    """The party's full screen against `index`, every name it retrieves scored."""
    prepared = index.prepared(party_name)
    if prepared is None:
        return PartyScreen([], np.empty(0, dtype=np.uint64))
    names = index.retrieved(prepared, country)
    hits = index.screen_retrieved(prepared, country, names)
    return PartyScreen(hits, index.name_prints[names])


class SinceIndexes:
    """The current index, and the indexes it was updated from since a caseload was screened
    (each subject screened against one of them), with the words whose weight moved since."""

    def __init__(
        self,
        after: RestrictedPartyIndex,
        before: Sequence[RestrictedPartyIndex],
        moved_words: Collection[str],
    ) -> None:
        self.after, self.before = after, before
        self._reweighed = after.names_with_words(moved_words)
        for index in (after, *before):  # made once (an index updated carries them over)
            index.name_prints  # noqa: B018

    def screen(
        self,
        party_name: str,
        country: str | None,
        held: Collection[int],
        retrieved: Retrieved | None = None,
        hit_before: int | None = None,
    ) -> PartyScreen:
        """The party's full screen against the current index; `held`: the positions of every
        entry it hit before, cleared hits included; `retrieved`: the names its screen against
        the one index before retrieved, if known (else retrieved again); `hit_before`: how
        many entries it hit before, those the update removed included (as many as `held` if
        not given): with one removed, an entry a screen at its cap left out may come in."""
        after = self.after
        now = after.prepared(party_name)
        if now is None:
            return PartyScreen([], np.empty(0, dtype=np.uint64))
        names = after.retrieved(now, country)
        prints = after.name_prints[names]
        moved = self._moved(now, party_name, country, names, prints, retrieved)
        capped = (len(held) if hit_before is None else hit_before) >= after.policy.max_hits
        among = None if moved is None or capped else {*moved, *held}
        return PartyScreen(after.screen_retrieved(now, country, names, among), prints)

    def _moved(
        self,
        now: PreparedParty,
        party_name: str,
        country: str | None,
        names: Int32s,
        prints: Retrieved,
        retrieved: Retrieved | None,
    ) -> list[int] | None:
        """The entries of the retrieved names that may score otherwise than before; None when
        any may (the party's own words weigh otherwise, or its name may have been cut)."""
        if now.truncated:
            return None
        moved = self._reweighed[names]
        for before in self.before:
            then = before.prepared(party_name)
            if then != now:
                return None
            assert then is not None
            if retrieved is None or len(self.before) > 1:
                retrieved = before.name_prints[before.retrieved(then, country)]
            # A few dozen names: a set answers faster than numpy's sorting.
            old = set(retrieved.tolist())
            moved |= np.fromiter((p not in old for p in prints.tolist()), np.bool_, len(prints))
        return self.after.entries_of(names[moved])
