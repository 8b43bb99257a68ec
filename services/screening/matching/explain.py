"""Say in words why a party matched a list entry."""

from __future__ import annotations

from services.screening.matching.name_comparison import NameComparison
from services.screening.matching.normalise import NormalisedName
from services.screening.matching.scoring import PairKind


def explain_hit(
    party: NormalisedName,
    listed: NormalisedName,
    comparison: NameComparison,
    matched_name: str,
    is_alias: bool,
    country_note: str,
) -> str:
    """One readable sentence of reasons, most telling first, separated by semicolons."""
    what = "alias" if is_alias else "primary name"
    opening = f"matched {what} '{matched_name}'"
    legal = _legal_forms(party, listed)
    if legal:
        opening += f" after removing {legal}"
    reasons = [opening]
    reasons += _normalisation_notes(party)
    reasons += _word_notes(comparison)
    if country_note:
        reasons.append(country_note)
    return "; ".join(reasons)


def country_note(party_country: str | None, entry_countries: tuple[str, ...]) -> str:
    """'same country IL', 'different country: party RU, listed IL' or '' if either is unknown."""
    if not party_country or not entry_countries:
        return ""
    if party_country in entry_countries:
        return f"same country {party_country}"
    return f"different country: party {party_country}, listed {'/'.join(entry_countries)}"


def _legal_forms(party: NormalisedName, listed: NormalisedName) -> str:
    forms = list(dict.fromkeys(party.legal_forms + listed.legal_forms))
    if not forms:
        return ""
    quoted = ", ".join(f"'{form}'" for form in forms)
    return f"legal form{'s' if len(forms) > 1 else ''} {quoted}"


def _normalisation_notes(party: NormalisedName) -> list[str]:
    notes = []
    if party.transliterated_from:
        notes.append(f"transliterated from {', '.join(party.transliterated_from)}")
    if party.lookalikes_folded:
        count = party.lookalikes_folded
        notes.append(f"{count} look-alike letter{'s' if count > 1 else ''} folded to Latin")
    if party.invisible_removed:
        count = party.invisible_removed
        notes.append(f"{count} invisible character{'s' if count > 1 else ''} removed")
    if party.titles:
        notes.append(f"title dropped: {', '.join(repr(t) for t in party.titles)}")
    if party.digits_read:
        shown = ", ".join(repr(word) for word in party.digits_read)
        notes.append(f"OCR-folded: digits read as letters in {shown}")
    if party.cut_legal_form:
        notes.append(f"truncated at a field limit: legal form cut to '{party.cut_legal_form}'")
    for written, read in party.words_read:
        notes.append(f"'{written}' read as '{read}' (OCR, phonetic or vowel-dropped spelling)")
    return notes


_PAIR_NOTES = {
    PairKind.CONSONANTS: "consonants of '{party}' match '{listed}'",
    PairKind.JOINED: "split/joined word: '{party}' written as '{listed}'",
    PairKind.INITIAL: "initials matched: '{party}' for '{listed}'",
    PairKind.VOWELS: "vowel-dropped: '{party}' for '{listed}'",
    PairKind.OCR: "OCR-folded: '{party}' read as '{listed}'",
    PairKind.NAME_VARIANT: "transliteration variant: '{party}' for '{listed}'",
    PairKind.TRUNCATED: "truncated at a field limit: '{party}' begins '{listed}'",
}


def _word_notes(comparison: NameComparison) -> list[str]:
    notes = []
    typos = [pair for pair in comparison.pairs if pair.how is PairKind.TYPO]
    if typos:
        shown = ", ".join(f"'{pair.party}'~'{pair.listed}'" for pair in typos)
        notes.append(f"{len(typos)} typo{'s' if len(typos) > 1 else ''} ({shown})")
    variants = [pair for pair in comparison.pairs if pair.how is PairKind.SPELLING]
    if variants:
        shown = ", ".join(f"'{pair.party}'~'{pair.listed}'" for pair in variants)
        notes.append(f"phonetic/spelling variant{'s' if len(variants) > 1 else ''} ({shown})")
    for pair in comparison.pairs:
        if pair.how in _PAIR_NOTES:
            notes.append(_PAIR_NOTES[pair.how].format(party=pair.party, listed=pair.listed))
    if comparison.cut_off:
        shown = " ".join(comparison.cut_off)
        notes.append(f"truncated at a field limit: listed word(s) cut off: {shown}")
    for written, form, how in comparison.forms_read:
        notes.append(f"legal form {how}: '{written}' read as the listed '{form}'")
    if comparison.reordered:
        notes.append("word order differs")
    if comparison.unmatched_listed:
        notes.append(f"listed word(s) not in party name: {', '.join(comparison.unmatched_listed)}")
    if comparison.unmatched_party:
        notes.append(f"party word(s) not in listed name: {', '.join(comparison.unmatched_party)}")
    if not comparison.shares_distinctive:
        notes.append("no telling word in common")
    return notes
