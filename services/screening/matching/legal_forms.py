"""Whether two names carry the same legal form, however each writes it.

A legal form says under which law a company is registered; names that differ only in it are
kept as hits (a re-registration is how evasion looks), but among hits of about the same score
the entry with the party's legal form is shown first (`MatchPolicy.legal_form_margin`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from services.screening.matching import lexicon

# Forms written out, abbreviated, or in another script's romanisation, as one key each
# (after normalisation: lower case, no full stops). Forms not named here are their own key.
_SAME_FORM = """
ltd: limited, private limited
co ltd: company limited, youxiangongsi, youxian gongsi, youxianzerengongsi, youxian zeren gongsi
inc: incorporated
corp: corporation
co: company, cos, sherkat, shirkat, sharikat, sharika, sharikah, shrkh, shrkt, sherkate,
  sherkat e, gongsi
llc: l l c, limited liability company, ooo, tov, obshchestvo s ogranichennoy otvetstvennostyu,
  obshchestvo s ogranichennoi otvetstvennostiu
llp: limited liability partnership
plc: public limited company
jsc: ao, joint stock company, aktsionernoe obshchestvo, aktsionernoye obshchestvo
cjsc: zao, closed joint stock company, zakrytoe aktsionernoe obshchestvo
ojsc: oao, open joint stock company, otkrytoe aktsionernoe obshchestvo
pjsc: pao, public joint stock company, publichnoe aktsionernoe obshchestvo
pjs: sahami khas, shmy khs, private joint stock company, prat
sa: s a, societe anonyme, sociedad anonima, ae, a e
srl: s r l
spa: s p a
gmbh: gesellschaft mit beschrankter haftung
ag: aktiengesellschaft
sdn bhd: sendirian berhad
bhd: berhad
kk: kabushiki kaisha, kabushiki gaisha
as: a s, anonim sirketi
ltd sti: limited sirketi, sti
sp z oo: sp zoo
doo: d o o
sro: s r o, spol s r o
aps: a p s
ev: e v
wll: w l l
"""


def _same_form_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for line in _SAME_FORM.replace("\n  ", " ").strip().splitlines():
        key, _, written = line.partition(":")
        table[key] = key
        for spelling in written.split(","):
            table[spelling.strip()] = key
    return table


_TABLE = _same_form_table()


@lru_cache(maxsize=1 << 12)
def legal_form_keys(forms: tuple[str, ...]) -> frozenset[str]:
    """The legal forms a name's removed forms stand for, one key per form ("Co., Ltd." and
    "Company Limited" both give {"co ltd"})."""
    words: list[str] = []
    for form in forms:
        # A transposed form is recorded as "ldt (ltd)": the form it was read as counts.
        read = form.rsplit("(", 1)[-1].rstrip(")") if form.endswith(")") else form
        words += read.split()
    keys: set[str] = set()
    start = 0
    while start < len(words):
        for end in range(len(words), start, -1):
            spelling = " ".join(words[start:end])
            if spelling in _TABLE or end == start + 1:
                keys.add(_TABLE.get(spelling, spelling))
                start = end
                break
    if {"co", "ltd"} <= keys:
        keys = (keys - {"co", "ltd"}) | {"co ltd"}
    return frozenset(keys)


def legal_form_agreement(party: Sequence[str], listed: Sequence[str]) -> int:
    """1 when both names have the same legal form, -1 when both have one and none is shared,
    0 when either has none or they overlap only in part."""
    party_keys, listed_keys = legal_form_keys(tuple(party)), legal_form_keys(tuple(listed))
    if not party_keys or not listed_keys:
        return 0
    if party_keys == listed_keys:
        return 1
    return -1 if party_keys.isdisjoint(listed_keys) else 0


def _partial_words() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Words (3+ letters) that are legal-form words only inside a longer form ("youxian",
    "sdn", "sahami"), with the forms they belong to."""
    partial: dict[str, list[tuple[str, ...]]] = {}
    for form in lexicon.LEGAL_FORMS:
        if len(form) > 1:
            for word in form:
                if (word,) not in lexicon.LEGAL_FORMS and len(word) >= 3:
                    partial.setdefault(word, []).append(form)
    return {word: tuple(forms) for word, forms in partial.items()}


PARTIAL_LEGAL_WORDS = _partial_words()


def scattered_form_words(kept: Sequence[str], removed: Sequence[str]) -> dict[int, str]:
    """Words of `kept` (by position) that belong to a multi-word legal form whose other words
    are in the name too, elsewhere or in another order ("Gongsi ... Youxian", "Bhd. Sdn. ...",
    "Khas Sahami"), with that form: the form's words, not the company's name."""
    present = set(kept) | {word for form in removed for word in form.split()}
    found: dict[int, str] = {}
    for i, word in enumerate(kept):
        for form in PARTIAL_LEGAL_WORDS.get(word, ()):
            if present.issuperset(form):
                found[i] = " ".join(form)
                break
    return found


def _cut_forms() -> frozenset[tuple[str, ...]]:
    """What is left of a legal form cut at a field limit: its first words whole, then the
    beginning of the next ("co lt", "youxian g", "gmb"; one word cut needs two letters), or its
    first words without the rest ("sahami" of "sahami khas")."""
    cut: set[tuple[str, ...]] = set()
    for form in lexicon.LEGAL_FORMS:
        for k, word in enumerate(form):
            cut.update((*form[:k], word[:end]) for end in range(1 if k else 2, len(word)))
            if k:
                cut.add(form[:k])
    return frozenset(cut)


CUT_FORMS = _cut_forms()


def cut_form_words(words: Sequence[str]) -> int:
    """How many of a cut name's last words are the beginning of a legal form (0 if none); at
    least one word is left."""
    for length in range(min(lexicon.LONGEST_LEGAL_FORM, len(words) - 1), 0, -1):
        if tuple(words[-length:]) in CUT_FORMS:
            return length
    return 0
