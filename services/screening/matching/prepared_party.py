"""A party's name made ready to be scored against many listed names: normalised, its words
weighed by the index's vocabulary, a name cut at a field limit told apart, with a cut legal
form set aside."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from anyascii import anyascii

from services.screening.matching.ceiling import ScoreCeiling
from services.screening.matching.folds import spelling_key
from services.screening.matching.legal_forms import cut_form_words
from services.screening.matching.normalise import NormalisedName, normalise_name
from services.screening.matching.policy import MatchPolicy
from services.screening.matching.scoring import WeightedToken
from services.screening.matching.vocabulary import Vocabulary

# Party names: a caseload names the same parties again and again, and a re-screen prepares a
# party against the index before an update and after it.
_party_name = lru_cache(maxsize=1 << 16)(normalise_name)


@dataclass(frozen=True)
class PreparedParty:
    """A party's name as the index scores it: normalised, its words weighed, a cut legal form
    set apart (`prepare_party`)."""

    name: NormalisedName
    tokens: list[WeightedToken]
    truncated: bool  # as long as a field limit: it may have been cut
    _ceilings: dict[float, ScoreCeiling] = field(default_factory=dict, compare=False, repr=False)

    def ceiling(self, policy: MatchPolicy, floor: float) -> ScoreCeiling:
        """The party's score ceiling for `floor`, made once: it learns each listed word once."""
        if floor not in self._ceilings:
            self._ceilings[floor] = ScoreCeiling(self.tokens, policy, floor)
        return self._ceilings[floor]


def prepare_party(
    party_name: str, vocabulary: Vocabulary, policy: MatchPolicy
) -> PreparedParty | None:
    """The party's name normalised and weighed once by `vocabulary`, to be scored against many
    entries (None: nothing in it to match)."""
    party = _party_name(party_name)
    tokens = [
        WeightedToken(t.text, t.kind, vocabulary.weight_of(t), t.abjad, spelling_key(t.text))
        for t in party.tokens
    ]
    if not tokens:
        return None
    truncated = _truncated(party_name, party, policy)
    tokens, party = _without_cut_legal_form(tokens, party, truncated, vocabulary)
    return PreparedParty(party, tokens, truncated)


def _truncated(party_name: str, party: NormalisedName, policy: MatchPolicy) -> bool:
    """Whether the name is as long as a common field limit, or one shorter (cut just after a
    word, the space dropped), so it may have been cut; not if it ends in its legal form."""
    length = len(party_name.strip())
    if length not in policy.field_lengths and length + 1 not in policy.field_lengths:
        return False
    last = re.sub(r"\W", "", anyascii(party_name.split()[-1]).lower())
    return not any(last in form.split() for form in party.legal_forms)


def _without_cut_legal_form(
    tokens: list[WeightedToken], party: NormalisedName, truncated: bool, vocabulary: Vocabulary
) -> tuple[list[WeightedToken], NormalisedName]:
    """A cut name's last words that begin a legal form ("Gmb", "Co., Lt", "Youxian G") are that
    legal form (kept in the party's record); a single cut word only if no listed word is written
    so."""
    cut = cut_form_words([token.text for token in tokens]) if truncated else 0
    if not cut or (cut == 1 and tokens[-1].text in vocabulary.ids):
        return tokens, party
    form = " ".join(token.text for token in tokens[-cut:])
    return tokens[:-cut], replace(party, cut_legal_form=form)
