"""The restricted-party lists a screening process matches against."""

from __future__ import annotations

from services.screening.matching import RestrictedPartyIndex, load_seed_list


def load_screener() -> RestrictedPartyIndex:
    """An index of the shipped human-rights Entity List designations."""
    return RestrictedPartyIndex.build(load_seed_list())
