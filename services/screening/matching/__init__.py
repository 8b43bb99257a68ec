"""Restricted-party name matching: normalise, index, score and explain (pure logic, no I/O)."""

from services.screening.matching.index import RestrictedPartyIndex
from services.screening.matching.list_files import (
    ListFormatError,
    load_list,
    load_seed_list,
    parse_consolidated,
    parse_csv,
)
from services.screening.matching.model import Address, Hit, Identifier, RestrictedPartyEntry
from services.screening.matching.normalise import NormalisedName, normalise_name
from services.screening.matching.policy import MatchPolicy

__all__ = [
    "Address",
    "Hit",
    "Identifier",
    "ListFormatError",
    "MatchPolicy",
    "NormalisedName",
    "RestrictedPartyEntry",
    "RestrictedPartyIndex",
    "load_list",
    "load_seed_list",
    "normalise_name",
    "parse_consolidated",
    "parse_csv",
]
