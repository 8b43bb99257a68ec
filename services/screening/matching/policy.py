"""Thresholds and weights of restricted-party name matching, with their documented defaults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any


@dataclass(frozen=True, slots=True)
class MatchPolicy:
    """How names are weighed and when a comparison becomes a hit.

    Defaults were chosen on the synthetic variant set of `bench/screening.py` (seeded, labelled
    true variants and near misses) and checked against the seed Entity List entries:

    - hit_threshold 0.75: below it a party is not reported; the variant set's true variants
      (typos, dropped words, transliterations) score 0.78-1.0, its near misses are capped at 0.5.
    - distinctive_weight 1.0, place_weight 0.35, generic_weight 0.2: a brand word ("Huaxin")
      identifies a party, a city ("Shenzhen") a little, a trade word ("Electronics") hardly.
    - filler_weight 0.05: joining words ("and", "de") barely count either way.
    - missing_listed_word_weight 0.25: a listed word missing from the party name counts a
      quarter as much as a party word the listed name lacks (the F-beta of the two coverages,
      beta squared 0.25): dropping words from a listed name is how evasion looks, while an
      unexplained party word suggests a different party.
    - common_word_names 20: a word's weight is multiplied by 1 / (1 + log10(1 + names / 20)),
      names being how many list names contain it, never below min_weight_factor 0.3: a word
      found in 20 names keeps 77% of its weight, in 2,000 names 33%.
    - exact_word_names 16, word_count_steps 8: a word's count of names is read exactly up to 16
      and above on a grid of 8 steps per doubling (about 9% apart, the step at or under the
      count), so that a list update moves a common word's weight only when its count crosses a
      step: re-screening follows the words whose weight moved (a weight moved by every name
      added would move the score of every party against every name).
    - no_distinctive_cap 0.5: the score ceiling when no distinctive word is shared, so a name
      made of generic words and places ("Shenzhen Electronics") never hits "Shenzhen X Electronics".
    - min_partial_evidence 0.4: when some listed words are missing, the listed distinctive words
      that did match must weigh at least this much, or the score is capped as above; a word
      common in the list ("Labs" in 2% of names weighs 0.3) is not enough on its own.
    - consonant_similarity 0.85: the credit for a word romanised from Arabic or Hebrew letters
      whose consonants match a listed word's ("prs" for "Pars").
    - spelling_similarity 0.92: the credit for a word that differs only by romanisation
      ("Tsement"/"Cement", "Kytrox"/"Cytrox"), times the similarity of the folded spellings.
    - initial_similarity 0.8, initial_weight 0.3: a single letter matches a word it begins
      ("K." for "Karimov") at 0.8, and a single letter weighs 0.3 of a word, on either side;
      an initial is never the telling word a partial match must share.
    - vowel_dropped_similarity 0.85: a word written without its inner vowels ("Mhmmd",
      "Trdng") for a listed word with the same first and last letters and consonants.
    - ocr_similarity 0.95: a word with letter shapes a text recogniser confuses ("rn" for "m",
      "cl" for "d", "vv" for "w"); digits inside a word are read as the letters they resemble
      (0/o, 1/l, 2/z, 5/s, 8/b, 3/e, 6/g) before anything else.
    - name_variant_similarity 0.9: two renderings of one given or family name across
      transliteration systems (services/screening/data/given_names.txt, sources named there).
    - prefix_similarity 0.9, field_lengths (20, 35): a party name exactly as long as a common
      field limit may have been cut: its last word matches a listed word it begins, and the
      listed words after that one are not counted as missing.
    - conflicting_word_penalty 0.05: taken off when each name has a telling word the other
      lacks (a different name in its place, "Jose Petrossian" for "Jose Eduardo"), not only
      words left out.
    - same_country_bonus 0.05, country_mismatch_penalty 0.10: added to or taken from the name
      score when party and entry countries are both known.
    - legal_form_margin 0.03: among hits, one whose matched name has the party's legal form
      (Ltd/Limited, OOO/LLC, 有限公司/Co., Ltd. alike) ranks as if 0.03 higher, one with another
      legal form 0.03 lower (`legal_forms.py`); the scores themselves are unchanged.
    - candidates 40: list names scored in full after the index's prefilter, per party.
    - prefilter_names 640: names kept by the prefilter's first cut on the party's telling words
      alone, then ranked on every party word; at a million entries a brand is in thousands of
      names, and a first cut of 160 lost the party's own name among them (6 of 2,000 parties).
    - retrieval_max_names 200_000: a word found in more names is not used to find candidates.
    - max_hits 10: hits reported per party, best first (more if tied with the tenth).
    """

    version: str = "name-matching/2026-12-07c"
    hit_threshold: float = 0.75
    distinctive_weight: float = 1.0
    place_weight: float = 0.35
    generic_weight: float = 0.2
    filler_weight: float = 0.05
    missing_listed_word_weight: float = 0.25
    common_word_names: int = 20
    min_weight_factor: float = 0.3
    exact_word_names: int = 16
    word_count_steps: int = 8
    no_distinctive_cap: float = 0.5
    min_partial_evidence: float = 0.4
    consonant_similarity: float = 0.85
    spelling_similarity: float = 0.92
    initial_similarity: float = 0.8
    initial_weight: float = 0.3
    vowel_dropped_similarity: float = 0.85
    ocr_similarity: float = 0.95
    name_variant_similarity: float = 0.9
    prefix_similarity: float = 0.9
    field_lengths: tuple[int, ...] = (20, 35)
    conflicting_word_penalty: float = 0.05
    same_country_bonus: float = 0.05
    country_mismatch_penalty: float = 0.10
    legal_form_margin: float = 0.03
    candidates: int = 40
    prefilter_names: int = 640
    retrieval_max_names: int = 200_000
    max_hits: int = 10
    # Computed once: the policy keys the matcher's caches of word similarities.
    _hash: int = field(default=0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        values = tuple(getattr(self, f.name) for f in fields(self) if f.compare)
        object.__setattr__(self, "_hash", hash(values))

    def __hash__(self) -> int:
        return self._hash

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> MatchPolicy:
        """A policy from a policy file section: unknown keys fail, missing ones keep defaults."""
        defaults = cls()
        unknown = sorted(set(values) - {each.name for each in fields(cls) if each.init})
        if unknown:
            raise ValueError(f"unknown name-matching policy keys: {', '.join(unknown)}")
        converted: dict[str, Any] = {}
        for key, value in values.items():
            default = getattr(defaults, key)
            if isinstance(default, float) and type(value) in (int, float):
                converted[key] = float(value)  # type: ignore[arg-type]
            elif isinstance(default, tuple) and isinstance(value, list | tuple):
                if not all(type(item) is int for item in value):
                    raise ValueError(f"name-matching policy key {key} must be a list of integers")
                converted[key] = tuple(value)
            elif type(value) is type(default):
                converted[key] = value
            else:
                raise ValueError(f"name-matching policy key {key} must be {type(default).__name__}")
        return replace(defaults, **converted)

    def base_weight(self, kind: int) -> float:
        """Weight of a word by kind (TokenKind: distinctive, place, generic, filler)."""
        weights = (self.distinctive_weight, self.place_weight, self.generic_weight)
        return (*weights, self.filler_weight)[kind]
