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

import numpy as np

from services.screening.matching.index import PreparedParty, RestrictedPartyIndex
from services.screening.matching.model import Hit
from services.screening.matching.name_table import Int32s


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

    def screen(self, party_name: str, country: str | None, held: Collection[int]) -> list[Hit]:
        """The party's full screen against the current index; `held`: the positions of every
        entry it hit before, cleared hits included."""
        after = self.after
        now = after.prepared(party_name)
        if now is None:
            return []
        names = after.retrieved(now, country)
        moved = self._moved(now, party_name, country, names)
        if moved is None or len(held) >= after.policy.max_hits:
            return after.screen_retrieved(now, country, names)
        return after.screen_retrieved(now, country, names, {*moved, *held})

    def _moved(
        self, now: PreparedParty, party_name: str, country: str | None, names: Int32s
    ) -> list[int] | None:
        """The entries of the retrieved names that may score otherwise than before; None when
        any may (the party's own words weigh otherwise, or its name may have been cut)."""
        if now.truncated:
            return None
        moved = self._reweighed[names]
        prints = self.after.name_prints[names]
        for before in self.before:
            then = before.prepared(party_name)
            if then != now:
                return None
            assert then is not None
            moved |= ~np.isin(prints, before.name_prints[before.retrieved(then, country)])
        return self.after.entries_of(names[moved])
