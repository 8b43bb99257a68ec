"""The worker's workflow cache: a setting, sized for an open caseload, passed to the Worker."""

import pytest
from pydantic import ValidationError

from caseflow.settings import Settings
from workflows.worker import worker_tuning


def test_the_default_cache_holds_an_authoritys_open_caseload() -> None:
    assert worker_tuning(Settings())["max_cached_workflows"] == 10_000


def test_the_environment_sets_the_cache_the_worker_gets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEFLOW_WORKER_CACHED_WORKFLOWS", "2500")

    assert worker_tuning(Settings())["max_cached_workflows"] == 2500


def test_no_cache_is_allowed_and_a_negative_one_refused() -> None:
    assert worker_tuning(Settings(worker_cached_workflows=0))["max_cached_workflows"] == 0
    with pytest.raises(ValidationError):
        Settings(worker_cached_workflows=-1)
