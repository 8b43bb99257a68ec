"""Name-matching thresholds come from the screening policy file, not from code."""

from __future__ import annotations

import pytest

from services.screening.current_lists import load_screener
from services.screening.policy import ScreeningPolicy

POLICY = ScreeningPolicy.load()


def test_the_policy_file_sets_the_name_matching_threshold() -> None:
    assert POLICY.match_policy().hit_threshold == POLICY.name_matching["hit_threshold"]


def test_a_stricter_threshold_in_the_policy_drops_a_misspelt_hit() -> None:
    misspelt = "NSO Gruop Technologies"
    assert load_screener(POLICY).screen(misspelt, "IL")
    strict = POLICY.model_copy(
        update={"name_matching": {**POLICY.name_matching, "hit_threshold": 0.999}}
    )
    assert not load_screener(strict).screen(misspelt, "IL")


def test_an_unknown_name_matching_key_is_refused() -> None:
    broken = POLICY.model_copy(update={"name_matching": {"hit_treshold": 0.8}})
    with pytest.raises(ValueError, match="hit_treshold"):
        broken.match_policy()
