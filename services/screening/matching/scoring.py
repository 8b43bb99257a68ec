"""Compare two normalised names word by word and score how surely they name the same party."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz.distance import OSA

from services.screening.matching import lexicon
from services.screening.matching.normalise import TokenKind
from services.screening.matching.policy import MatchPolicy

_NOT_CONSONANTS = str.maketrans("", "", "aeiouywv")
# Arabic letters Persian pronounces differently from Arabic (dhal: dh/z, tha: th/s).
_ABJAD_SPELLINGS = (("dh", "z"), ("th", "s"))
# Letters and digraphs that romanisation systems render differently (Cyrillic kha: kh/h,
# tse: ts/c, zhe: zh/j; Greek upsilon: y/i, xi: x/ks; w/v; ph/f), folded to one spelling.
_SPELLINGS = (
    ("shch", "sh"),
    ("sch", "sh"),
    ("kh", "h"),
    ("zh", "j"),
    ("tz", "c"),
    ("ts", "c"),
    ("ph", "f"),
    ("ck", "k"),
    ("yu", "u"),
    ("iu", "u"),
    ("ya", "a"),
    ("ia", "a"),
    ("w", "v"),
    ("q", "k"),
    ("x", "ks"),
    ("y", "i"),
    ("c", "k"),
)


class PairKind(StrEnum):
    """How a party word was found in a listed name."""

    EXACT = "exact"
    TYPO = "typo"
    SPELLING = "spelling"
    CONSONANTS = "consonants"
    JOINED = "joined"


@dataclass(frozen=True, slots=True)
class WeightedToken:
    """A normalised word with the weight it carries as evidence of identity."""

    text: str
    kind: TokenKind
    weight: float
    abjad: bool = False
    spelling: str = ""  # spelling_key(text), precomputed because it is compared often


@dataclass(frozen=True, slots=True)
class TokenPair:
    """Party word(s) matched to listed word(s)."""

    party: str
    listed: str
    similarity: float
    how: PairKind


@dataclass(frozen=True, slots=True)
class NameComparison:
    """The score of a party name against one listed name, and the evidence for it."""

    score: float
    pairs: tuple[TokenPair, ...]
    unmatched_party: tuple[str, ...]
    unmatched_listed: tuple[str, ...]
    reordered: bool
    shares_distinctive: bool


def allowed_edits(length: int) -> int:
    """Typos tolerated in a word of this length: none up to 3 letters, 1 up to 7, else 2."""
    return 0 if length <= 3 else 1 if length <= 7 else 2


def allowed_between(first: str, second: str) -> int:
    """Typos tolerated between two words: by the longer, if neither is under 3 letters."""
    if min(len(first), len(second)) < 3:
        return 0
    return allowed_edits(max(len(first), len(second)))


def spelling_key(text: str) -> str:
    """A word with romanisation variants folded ("Tsement", "Cement" -> "kement")."""
    for written, folded in _SPELLINGS:
        text = text.replace(written, folded)
    return "".join(c for i, c in enumerate(text) if i == 0 or c != text[i - 1])


def consonants(text: str) -> str:
    """A word's consonant skeleton, doubled letters once ("Pars" and Arabic "prs" -> "prs")."""
    for written, folded in _ABJAD_SPELLINGS:
        text = text.replace(written, folded)
    stripped = text.translate(_NOT_CONSONANTS)
    return "".join(c for i, c in enumerate(stripped) if i == 0 or c != stripped[i - 1])


def word_similarity(party: str, listed: str, abjad: bool, policy: MatchPolicy) -> float:
    """1 for the same word, less for a typo, a romanisation variant or matching consonants."""
    party_token = WeightedToken(party, TokenKind.DISTINCTIVE, 1.0, abjad, spelling_key(party))
    listed_token = WeightedToken(listed, TokenKind.DISTINCTIVE, 1.0, abjad, spelling_key(listed))
    return token_similarity(party_token, listed_token, policy)[0]


def token_similarity(
    party: WeightedToken, listed: WeightedToken, policy: MatchPolicy
) -> tuple[float, PairKind]:
    """Similarity of two words and how they match (exact, typo, spelling, consonants)."""
    if party.text == listed.text:
        return 1.0, PairKind.EXACT
    if party.kind in _RECOGNISED and listed.kind is not party.kind:
        return 0.0, PairKind.EXACT  # a correctly spelt place or trade word is not a brand typo
    found = (0.0, PairKind.EXACT)
    if not (party.text.isdigit() or listed.text.isdigit()):
        typo = _edit_similarity(party.text, listed.text)
        variant = _edit_similarity(party.spelling, listed.spelling) * policy.spelling_similarity
        found = max((typo, PairKind.TYPO), (variant, PairKind.SPELLING), key=lambda f: f[0])
    if (party.abjad or listed.abjad) and _same_consonants(party.text, listed.text):
        found = max(found, (policy.consonant_similarity, PairKind.CONSONANTS), key=lambda f: f[0])
    return found


def _same_consonants(party: str, listed: str) -> bool:
    """Consonant skeletons agree (an Arabic-script "lrshyd" also as "rshyd": article al-)."""
    skeleton, listed_skeleton = consonants(party), consonants(listed)
    if len(skeleton) < 2:
        return False
    return skeleton == listed_skeleton or (skeleton[0] == "l" and skeleton[1:] == listed_skeleton)


_RECOGNISED = (TokenKind.PLACE, TokenKind.GENERIC)


def _edit_similarity(first: str, second: str) -> float:
    limit = allowed_between(first, second)
    if not limit:
        return 0.0
    distance = OSA.distance(first, second, score_cutoff=limit)
    return 1.0 - distance / max(len(first), len(second)) if distance <= limit else 0.0


def compare_names(
    party: Sequence[WeightedToken], listed: Sequence[WeightedToken], policy: MatchPolicy
) -> NameComparison:
    """Align words (any order, typos, joined words) and score the weighted overlap."""
    matches = _best_pairs(party, listed, policy)
    matches += _joined_pairs(party, listed, matches, policy)
    matches += _misspelt_generic_pairs(party, listed, matches)
    party_used = {i for party_ids, _, _, _ in matches for i in party_ids}
    listed_used = {j for _, listed_ids, _, _ in matches for j in listed_ids}
    found_party = sum(party[i].weight * sim for ids, _, sim, _ in matches for i in ids)
    found_listed = sum(listed[j].weight * sim for _, ids, sim, _ in matches for j in ids)
    precision = found_party / (sum(t.weight for t in party) or 1.0)
    recall = found_listed / (sum(t.weight for t in listed) or 1.0)
    beta2 = policy.missing_listed_word_weight
    denominator = beta2 * precision + recall
    score = (1 + beta2) * precision * recall / denominator if denominator else 0.0
    shares = _shares_distinctive(party, listed, party_used, listed_used)
    evidence = sum(
        listed[j].weight * sim
        for _, ids, sim, _ in matches
        for j in ids
        if listed[j].kind is TokenKind.DISTINCTIVE
    )
    # A partial match must rest on a telling word, not only on words common in the list.
    weak = len(listed_used) < len(listed) and evidence < policy.min_partial_evidence
    if not shares or weak:
        score = min(score, policy.no_distinctive_cap)
    order = [j for _, ids, _, _ in sorted(matches) for j in ids]
    return NameComparison(
        score=score,
        pairs=tuple(
            TokenPair(
                " ".join(party[i].text for i in p), " ".join(listed[j].text for j in c), s, how
            )
            for p, c, s, how in sorted(matches)
        ),
        unmatched_party=tuple(t.text for i, t in enumerate(party) if i not in party_used),
        unmatched_listed=tuple(t.text for j, t in enumerate(listed) if j not in listed_used),
        reordered=order != sorted(order),
        shares_distinctive=shares and not weak,
    )


_Match = tuple[tuple[int, ...], tuple[int, ...], float, PairKind]


def _best_pairs(
    party: Sequence[WeightedToken], listed: Sequence[WeightedToken], policy: MatchPolicy
) -> list[_Match]:
    scored = []
    for i, p in enumerate(party):
        for j, c in enumerate(listed):
            similarity, how = token_similarity(p, c, policy)
            if similarity > 0:
                scored.append((similarity, p.weight + c.weight, i, j, how))
    scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
    matches: list[_Match] = []
    used_party: set[int] = set()
    used_listed: set[int] = set()
    for similarity, _, i, j, how in scored:
        if i not in used_party and j not in used_listed:
            used_party.add(i)
            used_listed.add(j)
            matches.append(((i,), (j,), similarity, how))
    return matches


def _joined_pairs(
    party: Sequence[WeightedToken],
    listed: Sequence[WeightedToken],
    matches: list[_Match],
    policy: MatchPolicy,
) -> list[_Match]:
    """Words written together on one side and apart on the other ("NSOGroup", "Hua Xin")."""
    used_party = {i for ids, _, _, _ in matches for i in ids}
    used_listed = {j for _, ids, _, _ in matches for j in ids}
    joined: list[_Match] = []
    for run in (3, 2):
        for ids, j in _runs_matching(party, listed, used_party, used_listed, run, policy):
            joined.append((ids, (j,), 1.0, PairKind.JOINED))
        for ids, i in _runs_matching(listed, party, used_listed, used_party, run, policy):
            joined.append(((i,), ids, 1.0, PairKind.JOINED))
    return joined


def _runs_matching(
    apart: Sequence[WeightedToken],
    together: Sequence[WeightedToken],
    used_apart: set[int],
    used_together: set[int],
    run: int,
    policy: MatchPolicy,
) -> list[tuple[tuple[int, ...], int]]:
    found = []
    for start in range(len(apart) - run + 1):
        ids = tuple(range(start, start + run))
        if used_apart.intersection(ids):
            continue
        text = "".join(apart[k].text for k in ids)
        for j, word in enumerate(together):
            if j in used_together or abs(len(word.text) - len(text)) > 2:
                continue
            if word_similarity(text, word.text, False, policy) > 0.85:
                found.append((ids, j))
                used_apart.update(ids)
                used_together.add(j)
                break
    return found


def _misspelt_generic_pairs(
    party: Sequence[WeightedToken], listed: Sequence[WeightedToken], matches: list[_Match]
) -> list[_Match]:
    """A party word that is a typo of one spelling of a listed generic word ("Gupp", "Grupp")."""
    used_party = {i for ids, _, _, _ in matches for i in ids}
    used_listed = {j for _, ids, _, _ in matches for j in ids}
    found: list[_Match] = []
    for i, word in enumerate(party):
        if i in used_party or word.kind is not TokenKind.DISTINCTIVE:
            continue
        for j, generic in enumerate(listed):
            if j in used_listed or generic.kind is not TokenKind.GENERIC:
                continue
            spellings = lexicon.GENERIC_SPELLINGS.get(generic.text, ())
            similarity = max((_edit_similarity(word.text, s) for s in spellings), default=0.0)
            if similarity:
                found.append(((i,), (j,), similarity, PairKind.TYPO))
                used_listed.add(j)
                break
    return found


def _shares_distinctive(
    party: Sequence[WeightedToken],
    listed: Sequence[WeightedToken],
    party_used: set[int],
    listed_used: set[int],
) -> bool:
    """A distinctive word in common; a name without one must be matched whole."""
    for tokens, used in ((listed, listed_used), (party, party_used)):
        distinctive = [i for i, t in enumerate(tokens) if t.kind is TokenKind.DISTINCTIVE]
        if distinctive and not used.intersection(distinctive):
            return False
        telling = [i for i, t in enumerate(tokens) if t.kind is not TokenKind.FILLER]
        if not distinctive and not used.issuperset(telling):
            return False
    return True
