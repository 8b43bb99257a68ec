"""A re-screen's full screens on forked worker processes: the screens the screening process
would make, in another process, against the lists as they stood when the workers were forked."""

from __future__ import annotations

import asyncio
import gc
import os
import signal

import numpy as np
import pytest
from pydantic import ValidationError

from caseflow.settings import Settings
from services.screening import rescreen_screens
from services.screening.bootstrap import workers
from services.screening.current_lists import load_screener
from services.screening.list_moves import ListMoves
from services.screening.matching import Hit
from services.screening.matching.screen_since import PartyScreen
from services.screening.rescreen_screens import FullScreens
from services.screening.screen_workers import Asked, ScreenWorkers, screen_in_worker

PARTIES = [
    ("NSO Group Technologies", "IL"),
    ("Candiru Ltd", None),
    ("Positive Technologies", "RU"),
    ("Kyoto University", "JP"),
    ("Intellexa S.A.", "GR"),
    ("Halvorsen Shipping", "NO"),
]


class WhoScreens:
    """Lists whose every hit names the process that screened it, and the version screened."""

    def __init__(self, version: str) -> None:
        self.list_version = version

    def screen(self, party_name: str, country: str | None = None) -> list[Hit]:
        return [Hit("test", self.list_version, party_name, party_name, 1.0, str(os.getpid()))]

    def full_screen(self, asked: Asked, moves: ListMoves | None) -> PartyScreen:
        return PartyScreen(self.screen(*asked.named), np.empty(0, dtype=np.uint64))


async def test_workers_forked_with_the_lists_screen_as_this_process_would() -> None:
    lists = load_screener()
    workers = ScreenWorkers(processes=2, least=0)

    with workers.forked(lists) as pool:
        screens = FullScreens(lists, pool)
        screens.ahead(PARTIES)
        await screens.ready(PARTIES)
        made = {named: screens.screen(*named) for named in PARTIES}

    assert made == {named: lists.screen(*named) for named in PARTIES}
    assert any(made.values()), "some party matches the seed list"


async def test_workers_screen_against_the_lists_as_they_stood_when_forked() -> None:
    lists = WhoScreens("test@1")

    with ScreenWorkers(processes=2, least=0).forked(lists) as pool:
        lists.list_version = "test@2"  # moved on here after the fork: not in the workers
        made = pool.submit(screen_in_worker, [Asked(named) for named in PARTIES]).result()

    screened = [party.hits for party in made]
    assert [hits[0].entry_id for hits in screened] == ["test@1"] * len(PARTIES)
    assert {hits[0].explanation for hits in screened} - {str(os.getpid())} == {
        hits[0].explanation for hits in screened
    }


async def test_a_screen_made_before_the_lists_moved_on_is_made_again() -> None:
    lists = WhoScreens("test@1")
    with ScreenWorkers(processes=2, least=0).forked(lists) as pool:
        screens = FullScreens(lists, pool)
        screens.ahead(PARTIES)
        await screens.ready(PARTIES)
        lists.list_version = "test@2"

        hits = screens.screen(*PARTIES[0])

    assert (hits[0].entry_id, hits[0].explanation) == ("test@2", str(os.getpid()))


async def test_a_worker_killed_leaves_the_screens_to_this_process() -> None:
    lists = WhoScreens("test@1")
    with ScreenWorkers(processes=2, least=0).forked(lists) as pool:
        for pid in pool._processes:  # the workers, killed as a crash would
            os.kill(pid, signal.SIGKILL)
        screens = FullScreens(lists, pool)
        screens.ahead(PARTIES)  # the pool found broken now, or when its screens are waited for

        await screens.ready(PARTIES)

        assert [screens.screen(*named)[0].explanation for named in PARTIES] == [
            str(os.getpid())
        ] * len(PARTIES)


def test_workers_are_forked_only_for_enough_parties_and_more_than_one_process() -> None:
    assert not ScreenWorkers(processes=1, least=0).worth_it(10_000)
    assert not ScreenWorkers(processes=2, least=400).worth_it(399)
    assert ScreenWorkers(processes=2, least=400).worth_it(400)
    assert not ScreenWorkers(processes=2, least=0).worth_it(0)


def test_outside_a_worker_screening_there_is_refused() -> None:
    with pytest.raises(RuntimeError, match="not a screening worker"):
        screen_in_worker([Asked(named) for named in PARTIES])


def test_the_settings_say_how_many_workers_and_from_how_many_parties() -> None:
    assert workers(Settings(screening_processes=3, screening_processes_from=10)) == ScreenWorkers(
        3, 10
    )
    assert workers(Settings()) == ScreenWorkers(os.cpu_count() or 1, 400)
    with pytest.raises(ValidationError):
        Settings(screening_processes=0)


async def test_workers_killed_mid_screen_are_told_once_not_once_per_batch(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(rescreen_screens, "BATCH", 1)
    lists = WhoScreens("test@1")
    with ScreenWorkers(processes=2, least=0).forked(lists) as pool:
        screens = FullScreens(lists, pool)
        screens.ahead(PARTIES)
        for pid in pool._processes:
            os.kill(pid, signal.SIGKILL)

        await screens.ready(PARTIES)
    await asyncio.sleep(0.05)  # the batches still pending end as the pool breaks
    gc.collect()

    assert "never retrieved" not in caplog.text
    assert {screens.screen(*named)[0].entry_id for named in PARTIES} == {"test@1"}
