"""A list update on real servers: only the cases it changes are screened again, in workflows."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer
from temporalio.client import Client

from caseflow.db import create_pool
from caseflow.settings import Endpoints, Settings
from caseflow.uow import HeldPool, PostgresStore
from services.screening.adapters import PostgresScreeningUnitOfWork
from services.screening.config import SCHEMA
from services.screening.current_lists import CurrentLists, load_screener
from services.screening.list_updates import load_list_version
from services.screening.match_keys import party_keys
from services.screening.matching import RestrictedPartyEntry
from services.screening.screened_subjects import ScreenedSubject
from tests.integration.test_license_case import submit_and_await_review
from tests.integration.test_screening_service import caseflow, with_end_user
from workflows.activities import CaseActivities
from workflows.case_client import case_view
from workflows.model import CaseView
from workflows.worker import build_worker

pytestmark = [pytest.mark.integration]


async def open_case(endpoints: Endpoints, temporal: Client, end_user: str) -> str:
    """A case submitted through intake and awaiting review; its id."""
    application = with_end_user(end_user, "AE").model_copy(
        update={"agency_reference": f"BAFA-LIST-{uuid.uuid4().hex[:10]}"}
    )
    return (await submit_and_await_review(endpoints, temporal, application)).case_id


async def view_once(temporal: Client, case_id: str, version: str) -> CaseView:
    """The case once its workflow has taken in the list update `version`."""
    deadline = time.monotonic() + 90
    while version not in (view := await case_view(temporal, case_id)).alert:
        assert time.monotonic() < deadline, f"{case_id}: no {version} alert: {view.timeline}"
        await asyncio.sleep(0.5)
    return view


async def rescreened_for(endpoints: Endpoints, version: str) -> set[str]:
    """The cases screening re-screened for a list version (every open case of the session)."""
    connection = await asyncpg.connect(endpoints.database)
    try:
        rows = await connection.fetch(
            "SELECT case_id FROM screening.results WHERE request_id LIKE $1",
            f"%/rescreen/%{version}%",
        )
    finally:
        await connection.close()
    return {str(row["case_id"]) for row in rows}


@dataclass(frozen=True)
class Listing:
    """The session's servers, and a list of the test's own loaded through the CLI."""

    settings: Settings
    endpoints: Endpoints
    temporal: Client
    file: Path

    async def load(self, name: str, rows: str) -> str:
        """Load `rows` (id,name,country lines) as the next version of list `name`."""
        self.file.write_text("id,name,country\n" + rows)
        return await caseflow(self.settings, "lists", "load", str(self.file), "--source", name)

    async def open_case(self, end_user: str) -> str:
        """A case naming `end_user` (AE), awaiting review; its id."""
        return await open_case(self.endpoints, self.temporal, end_user)


@pytest.fixture
def listing(
    case_services: None,
    stack_settings: Settings,
    stack_endpoints: Endpoints,
    temporal: Client,
    tmp_path: Path,
) -> Listing:
    return Listing(stack_settings, stack_endpoints, temporal, tmp_path / "list.csv")


async def test_a_list_update_re_screens_only_the_cases_it_changes_and_a_removed_hit_goes(
    listing: Listing,
) -> None:
    temporal = listing.temporal
    name = f"update-{uuid.uuid4().hex[:8]}"
    removed, added = (f"{word} {uuid.uuid4().hex[:6].upper()} Dynamics" for word in "QV")
    hit_then_removed = await listing.open_case(f"{removed} FZE")
    matches_added = await listing.open_case(f"{added} LLC")
    unrelated = await listing.open_case("Kyoto Instruments Trading")
    await listing.load(name, f"{name}-1,{removed},AE\n")
    first = await view_once(temporal, hit_then_removed, f"{name}@1")
    assert first.screening is not None
    assert first.screening.risk_level == "critical"

    loaded = await listing.load(name, f"{name}-2,{added},AE\n")
    assert f"{name}@2: 1 added, 0 changed, 1 removed" in loaded

    lost = await view_once(temporal, hit_then_removed, f"{name}@2")
    assert lost.screening is not None
    assert lost.screening.risk_level == "low"
    assert lost.screening.reason == (
        f"list_update: {name} 2: no longer matches removed entry '{name}-1'"
    )
    assert "low risk (was critical)" in lost.alert
    gained = await view_once(temporal, matches_added, f"{name}@2")
    assert gained.screening is not None
    assert gained.screening.risk_level == "critical"
    assert f"matches added entry '{added}'" in gained.screening.reason
    # Of every open case of the session, these two alone were screened again.
    rescreened = await rescreened_for(listing.endpoints, f"{name}@2")
    assert rescreened == {hit_then_removed, matches_added}
    untouched = await case_view(temporal, unrelated)
    assert untouched.alert == ""
    assert untouched.screening is not None
    assert untouched.screening.risk_level == "low"


async def test_a_near_name_an_update_weighs_over_the_threshold_on_an_entry_it_left_is_told(
    listing: Listing,
) -> None:
    # Six names sharing the family name make it tell less; removed, the near name reaches the
    # entry (no other list of the session names a Halvorsen).
    name = f"weights-{uuid.uuid4().hex[:8]}"
    kin = ("Foods", "Textiles", "Orchards", "Brewery", "Furniture", "Salmon")
    entry = f"{name}-t,Halvorsen Maritime Tracking,NO\n"
    near = await listing.open_case("Halvorsen Shipping")
    await listing.load(name, entry + "".join(f"{name}-{t},Halvorsen {t},DK\n" for t in kin))
    loaded = await listing.load(name, entry)
    assert f"{name}@2: 0 added, 0 changed, 6 removed" in loaded

    told = await view_once(listing.temporal, near, f"{name}@2")
    assert told.screening is not None
    reason = f"end user 'Halvorsen Shipping' (AE) now matches entry '{name}-t'"
    assert reason in told.screening.reason
    assert await rescreened_for(listing.endpoints, f"{name}@1") == set()


def screened(lists: CurrentLists, parties: list[str]) -> list[set[tuple[str, float]]]:
    return [{(hit.entry_id, hit.score) for hit in lists.screen(party, "CY")} for party in parties]


async def test_the_index_is_updated_in_place_by_the_changed_entries_with_a_rebuilds_hits(
    case_services: None, stack_endpoints: Endpoints
) -> None:
    name, tag = f"in-place-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex[:6].upper()

    def entry(number: int, brand: str, *aliases: str) -> RestrictedPartyEntry:
        words = f"{brand} {tag} Maritime Holdings"
        return RestrictedPartyEntry(name, f"{name}-{number}", words, aliases, countries=("CY",))

    first = [entry(n, brand) for n, brand in enumerate(("Granitex", "Veltrano", "Ostrava"))]
    second = [*first[1:2], entry(2, "Ostrava", f"Ostravia {tag} Shipping"), entry(3, "Kestrel")]
    parties = [
        f"Granitex {tag} Maritime",
        f"Ostravia {tag} Shipping Ltd",
        f"Kestrel {tag} Maritime Holdings",
        f"Veltrano {tag} Holdings",
        f"Zanzibar {tag} Trading",
    ]
    pool = await create_pool(stack_endpoints.database, SCHEMA, size=2)
    try:
        store = PostgresStore(HeldPool(pool), PostgresScreeningUnitOfWork)
        await load_list_version(name, first, "first.csv", store)
        # Another list using the id of an entry the update changes: its entry stays indexed.
        namesake = RestrictedPartyEntry(f"{name}-other", f"{name}-2", f"Zanzibar {tag} Trading")
        await load_list_version(f"{name}-other", [namesake], "other.csv", store)
        lists = load_screener()
        await lists.refresh(pool)
        await load_list_version(name, second, "second.csv", store)

        assert await lists.refresh(pool)
        rebuilt = load_screener()
        await rebuilt.refresh(pool)
    finally:
        await pool.close()

    assert lists.refreshed is not None
    assert (lists.refreshed.how, lists.refreshed.changed_entries) == ("updated in place", 3)
    assert rebuilt.refreshed is not None
    assert rebuilt.refreshed.how == "rebuilt"
    assert lists.list_version == rebuilt.list_version
    assert screened(lists, parties) == screened(rebuilt, parties)
    found = {entry_id for hits in screened(lists, parties) for entry_id, _ in hits}
    assert f"{name}-0" not in found
    assert {f"{name}-1", f"{name}-2", f"{name}-3"} <= found
    assert screened(lists, parties)[-1] == {(f"{name}-2", 1.0)}  # the other list's entry


async def test_the_worker_keeps_the_cache_its_settings_ask_for(
    stack_settings: Settings, stack_endpoints: Endpoints, temporal: Client
) -> None:
    settings = stack_settings.model_copy(update={"worker_cached_workflows": 2500})
    producer = AIOKafkaProducer(bootstrap_servers=stack_endpoints.kafka)  # never started
    try:
        worker = build_worker(temporal, CaseActivities(producer), settings, task_queue="cache-size")

        assert worker.config()["max_cached_workflows"] == 2500
    finally:
        await producer.stop()


async def test_subjects_already_read_are_left_out_of_the_candidates_and_those_with_hits(
    case_services: None, stack_endpoints: Endpoints
) -> None:
    kind, tag = f"test-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex[:6].upper()
    subjects = [
        ScreenedSubject(
            kind, f"s-{n}", str(uuid.uuid4()), with_end_user(f"{tag} Trading", "AE"), hits
        )
        for n, hits in enumerate((frozenset({f"{kind}-e"}), frozenset(), frozenset({"x"})))
    ]
    keys = party_keys(f"{tag} Trading", (20, 35))
    pool = await create_pool(stack_endpoints.database, SCHEMA, size=1)
    try:
        store = PostgresStore(HeldPool(pool), PostgresScreeningUnitOfWork)
        async with store.unit_of_work() as uow:
            await uow.keep_subjects([(subject, keys) for subject in subjects])
        async with store.unit_of_work() as uow:
            sharing = await uow.subjects_sharing(keys, [subjects[0].id])
            with_hits = await uow.subjects_with_hits([subjects[2].id])
            every = await uow.subjects_sharing(keys)
    finally:
        await pool.close()

    def mine(found: list[ScreenedSubject]) -> list[tuple[str, str]]:
        return [subject.id for subject in found if subject.kind == kind]

    assert mine([candidate.subject for candidate in sharing]) == [subjects[1].id, subjects[2].id]
    assert mine(with_hits) == [subjects[0].id]
    assert mine([candidate.subject for candidate in every]) == [s.id for s in subjects]


class RolledBack(Exception):
    """Leaves the unit of work without committing: the running service's record stays."""


async def test_the_versions_every_subject_is_in_step_with_are_kept_one_row(
    case_services: None, stack_endpoints: Endpoints
) -> None:
    pool = await create_pool(stack_endpoints.database, SCHEMA, size=1)
    store = PostgresStore(HeldPool(pool), PostgresScreeningUnitOfWork)
    found: list[object] = []

    async def kept_twice() -> None:
        async with store.unit_of_work() as uow:
            await uow.rescreened_through("test@1")
            await uow.rescreened_through("test@2+other@5")
            found.append(await uow.in_step_with())
            found.append(await uow.connection.fetchval("SELECT count(*) FROM rescreened_through"))
            raise RolledBack

    try:
        with pytest.raises(RolledBack):
            await kept_twice()
    finally:
        await pool.close()

    assert found == ["test@2+other@5", 1]
