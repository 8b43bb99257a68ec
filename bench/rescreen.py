"""Re-screening after a list update: time until every affected open case has its new result.

Loads a synthetic restricted-party list, opens N cases of five parties each through intake and
their LicenseCase workflows (submitted in one batch), then loads a list version that changes
`--changes` entries (added, changed, removed; some of each touch open cases) and measures the
time from the load until every case the update changes holds its new result in its workflow
(queried). A second update of `--second` changes shows how the cost grows with the change.
In the same run, the baseline: screening every open case again against the updated lists
(in this process, parties only, nothing stored or delivered: a lower bound of a full
re-screen), which also says which cases the update changes, so missed and extra are counted.

    .venv/bin/python bench/rescreen.py --cases 10000
    .venv/bin/python bench/rescreen.py --cases 300 --entries 5000 --changes 100 --second 1000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import asyncpg
from common import caseflow_up
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from screening_sets import make_list
from temporalio.client import Client
from temporalio.service import RPCError

from caseflow.db import create_pool
from caseflow.uow import HeldPool, PostgresStore
from entrypoints.agency_client import publish_submissions
from entrypoints.samples import sample_applications, submission
from schemas.application import Address, Party, SubmitApplication
from schemas.envelope import derived_id
from services.screening.adapters import PostgresScreeningUnitOfWork
from services.screening.config import SCHEMA
from services.screening.list_diff import compute_delta, entry_digest
from services.screening.list_storage import current_entries
from services.screening.list_updates import load_list_version
from services.screening.matching import RestrictedPartyEntry, RestrictedPartyIndex
from services.screening.policy import ScreeningPolicy
from services.screening.rescreening import affected_keys
from workflows.case_client import case_view

LIST_SEED, PARTY_SEED, CHURN_SEED = 11, 29, 47
PLANTED_SHARE = 0.05  # open cases whose end user is a listed entry (as in a real caseload)
console = Console()


@dataclass
class Caseload:
    """The open cases the bench made: application by case id."""

    applications: dict[str, SubmitApplication]

    @property
    def parties(self) -> int:
        return sum(len(a.parties()) for a in self.applications.values())


@dataclass(frozen=True)
class Measured:
    """One list update, end to end and against the full re-screen."""

    changes: int
    candidates: int
    rescreened: int
    seconds: float
    baseline_seconds: float
    index_seconds: float
    missed: int
    extra: int


def party(name: str, country: str) -> Party:
    return Party(name=name, address=Address(street="1 Harbour Road", city="Port", country=country))


def make_applications(
    count: int, run: str, listed: Sequence[RestrictedPartyEntry]
) -> list[SubmitApplication]:
    """`count` applications of five parties; a share name a listed entry as end user."""
    rng = random.Random(PARTY_SEED)
    names = [entry for entry in make_list(count * 3, PARTY_SEED) if len(entry.name) < 60]
    template = sample_applications()[0]
    made = []
    for position in range(count):
        purchaser, consignee, end_user = (rng.choice(names) for _ in range(3))
        if rng.random() < PLANTED_SHARE:
            end_user = rng.choice(listed)
        made.append(
            template.model_copy(
                update={
                    "agency_reference": f"RESCREEN-{run}-{position:06d}",
                    "purchaser": party(purchaser.name, _country(purchaser)),
                    "ultimate_consignee": party(consignee.name, _country(consignee)),
                    "end_users": [
                        party(end_user.name, _country(end_user)),
                        party(f"{rng.choice(names).name} Branch", "AE"),
                    ],
                }
            )
        )
    return made


def _country(entry: RestrictedPartyEntry) -> str:
    return entry.countries[0] if entry.countries else "AE"


async def open_cases(
    settings_kafka: str,
    client: Client,
    database: str,
    applications: list[SubmitApplication],
    run: str,
) -> Caseload:
    """Submit the applications in one batch; wait until every case awaits review."""
    since = datetime.now(UTC)
    messages = [(e.subject, e.to_bytes()) for e in map(submission, applications)]
    await publish_submissions(settings_kafka, messages)
    query = (
        "WorkflowType = 'LicenseCase' AND CaseStatus = 'under_review' "
        f"AND StartTime >= '{since.isoformat()}'"
    )
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeElapsedColumn(), console=console) as progress:
        task = progress.add_task("cases awaiting review", total=len(applications))
        while (done := (await client.count_workflows(query)).count) < len(applications):
            progress.update(task, completed=done)
            await asyncio.sleep(2)
        progress.update(task, completed=done)
    connection = await asyncpg.connect(database)
    try:
        rows = await connection.fetch(
            "SELECT subject_id, application FROM screening.screened_subjects"
            " WHERE kind = 'case' AND application->>'agency_reference' LIKE $1",
            f"RESCREEN-{run}-%",
        )
    finally:
        await connection.close()
    return Caseload(
        {
            row["subject_id"]: SubmitApplication.model_validate_json(row["application"])
            for row in rows
        }
    )


def churn(
    current: dict[str, RestrictedPartyEntry], caseload: Caseload, count: int, version: int
) -> dict[str, RestrictedPartyEntry]:
    """The next version: `count` entries added, changed or removed, half of each touching a case."""
    rng = random.Random(CHURN_SEED + version)
    entries = dict(current)
    parties = [p for a in caseload.applications.values() for _, p in a.parties()[1:]]
    fresh = make_list(count, CHURN_SEED * 100 + version)
    listed_parties = [e for e in entries.values() if e.source == "Synthetic List"]
    planted = {p.name for p in parties} & {e.name for e in listed_parties}
    hit = [e for e in listed_parties if e.name in planted]
    rng.shuffle(hit)
    for position in range(count):
        kind, touching = position % 3, position % 2 == 0
        if kind == 0:  # added
            named = rng.choice(parties) if touching else None
            base = fresh[position]
            entry = RestrictedPartyEntry(
                source="Synthetic List",
                entry_id=f"syn-v{version}-{position}",
                name=named.name if named else base.name,
                countries=(named.address.country,) if named else base.countries,
            )
            entries[entry.entry_id] = entry
        elif kind == 1:  # removed
            victim = hit.pop() if touching and hit else rng.choice(list(entries.values()))
            entries.pop(victim.entry_id, None)
        else:  # changed: an alias naming a case's party, or new remarks on a hit entry
            target = hit.pop() if touching and hit else rng.choice(list(entries.values()))
            alias = () if touching else (rng.choice(parties).name,)
            entries[target.entry_id] = replace(
                target,
                alt_names=(*target.alt_names, *alias),
                remarks=f"amended in version {version}",
            )
    return entries


async def hits_now(database: str, case_ids: Sequence[str]) -> dict[str, frozenset[str]]:
    connection = await asyncpg.connect(database)
    try:
        rows = await connection.fetch(
            "SELECT subject_id, hits FROM screening.screened_subjects"
            " WHERE kind = 'case' AND subject_id = ANY($1::text[])",
            list(case_ids),
        )
    finally:
        await connection.close()
    return {row["subject_id"]: frozenset(row["hits"]) for row in rows}


async def candidates_for(database: str, keys: set[int]) -> int:
    connection = await asyncpg.connect(database)
    try:
        return int(
            await connection.fetchval(
                "SELECT count(DISTINCT (kind, subject_id)) FROM screening.subject_keys"
                " WHERE key = ANY($1::bigint[])",
                list(keys),
            )
        )
    finally:
        await connection.close()


async def until_taken_in(database: str, client: Client, list_version: str) -> int:
    """Wait until screening has handled the update and every re-screened case's workflow holds
    its new result; how many cases."""
    connection = await asyncpg.connect(database)
    try:
        update_id = derived_id("list-updated", list_version)
        handled = "SELECT true FROM screening.processed_events WHERE event_id = $1"
        while not await connection.fetchval(handled, update_id):  # noqa: ASYNC110 (polling SQL)
            await asyncio.sleep(0.2)
        rows = await connection.fetch(
            "SELECT case_id, request_id FROM screening.results WHERE request_id LIKE $1",
            f"%/rescreen/%{list_version}%",
        )
    finally:
        await connection.close()
    waiting = {str(row["case_id"]): row["request_id"] for row in rows}
    total, gate = len(waiting), asyncio.Semaphore(24)

    async def holds(case_id: str) -> bool:
        async with gate:
            try:
                screening = (await case_view(client, case_id)).screening
            except RPCError:  # a query timing out on a loaded machine: asked again
                return False
            return screening is not None and screening.request_id == waiting[case_id]

    while waiting:
        done = await asyncio.gather(*(holds(case_id) for case_id in waiting))
        for case_id, ok in zip(list(waiting), done, strict=True):
            if ok:
                del waiting[case_id]
        if waiting:
            await asyncio.sleep(0.5)
    return total


def full_rescreen(
    caseload: Caseload, entries: list[RestrictedPartyEntry], policy: ScreeningPolicy
) -> tuple[dict[str, frozenset[str]], float, float]:
    """Every open case's parties screened against the updated lists: hits, seconds, index s."""
    began = time.perf_counter()
    index = RestrictedPartyIndex.build(entries, policy.match_policy())
    built = time.perf_counter() - began
    began = time.perf_counter()
    hits = {
        case_id: frozenset(
            hit.entry_id
            for _, p in application.parties()
            for hit in index.screen(p.name, p.address.country)
        )
        for case_id, application in caseload.applications.items()
    }
    return hits, time.perf_counter() - began, built


@dataclass
class Bench:
    """What every step of the bench works with."""

    store: PostgresStore[PostgresScreeningUnitOfWork]
    pool: asyncpg.Pool
    database: str
    client: Client
    name: str  # the bench's own list


async def measure(
    bench: Bench,
    current: dict[str, RestrictedPartyEntry],
    caseload: Caseload,
    changes: int,
    version: int,
) -> tuple[Measured, dict[str, RestrictedPartyEntry]]:
    """Load the next version with `changes` changes; time until the workflows hold the results."""
    policy = ScreeningPolicy.load()
    database, name = bench.database, bench.name
    following = churn(current, caseload, changes, version)
    delta = compute_delta({i: entry_digest(e) for i, e in current.items()}, following.values())
    candidates = await candidates_for(database, affected_keys(delta.changes()).keys)
    before = await hits_now(database, list(caseload.applications))
    console.print(f"loading {name}@{version}: {delta.summary()} …")
    began = time.monotonic()
    loaded = await load_list_version(
        name, list(following.values()), f"bench v{version}", bench.store
    )
    rescreened = await until_taken_in(database, bench.client, loaded.list_version)
    seconds = time.monotonic() - began
    console.print(f"  {rescreened} cases re-screened and in their workflows in {seconds:.1f} s")
    console.print("  baseline: screening every open case again …")
    _, everything = await current_entries(bench.pool)
    after, baseline, index_seconds = full_rescreen(caseload, everything, policy)
    touched = {c.entry_id for c in delta.changes() if c.change != "removed"}
    expected = {
        case_id
        for case_id, now in after.items()
        if (now & touched) or (before.get(case_id, frozenset()) - now)
    }
    got = await rescreened_cases(database, loaded.list_version)
    measured = Measured(
        changes=len(delta.changes()),
        candidates=candidates,
        rescreened=rescreened,
        seconds=seconds,
        baseline_seconds=baseline,
        index_seconds=index_seconds,
        missed=len(expected - got),
        extra=len(got - expected),
    )
    return measured, following


async def rescreened_cases(database: str, list_version: str) -> set[str]:
    connection = await asyncpg.connect(database)
    try:
        rows = await connection.fetch(
            "SELECT case_id FROM screening.results WHERE request_id LIKE $1",
            f"%/rescreen/%{list_version}%",
        )
    finally:
        await connection.close()
    return {str(row["case_id"]) for row in rows}


async def main(arguments: argparse.Namespace) -> None:
    settings, client = await caseflow_up(console)
    endpoints = settings.endpoints()
    run = uuid.uuid4().hex[:6]
    pool = await create_pool(endpoints.database, SCHEMA, size=2)
    store = PostgresStore(HeldPool(pool), PostgresScreeningUnitOfWork)
    bench = Bench(store, pool, endpoints.database, client, f"bench-{run}")
    try:
        listed = make_list(arguments.entries, LIST_SEED)
        console.print(f"loading {bench.name}@1: {len(listed)} synthetic entries …")
        loaded = await load_list_version(bench.name, listed, "bench v1", store)
        await until_taken_in(bench.database, client, loaded.list_version)
        applications = make_applications(arguments.cases, run, listed)
        console.print(f"opening {len(applications)} cases through intake and their workflows …")
        began = time.monotonic()
        caseload = await open_cases(endpoints.kafka, client, bench.database, applications, run)
        opened = time.monotonic() - began
        console.print(f"  {len(caseload.applications)} cases open in {opened:.0f} s")
        current = {entry.entry_id: entry for entry in listed}
        first, current = await measure(bench, current, caseload, arguments.changes, 2)
        second, current = await measure(bench, current, caseload, arguments.second, 3)
        # Retire the bench's list, so that later runs on this stack screen against theirs only.
        await load_list_version(bench.name, [], "bench: retired", store)
    finally:
        await pool.close()
    report(caseload, len(listed), first, second)


def report(caseload: Caseload, entries: int, first: Measured, second: Measured) -> None:
    table = Table(
        "update",
        "changed entries",
        "candidates",
        "re-screened",
        "in workflows (s)",
        "full re-screen (s)",
        "index rebuild (s)",
        "missed",
        "extra",
    )
    for label, measured in (("first", first), ("second", second)):
        table.add_row(
            label,
            str(measured.changes),
            str(measured.candidates),
            str(measured.rescreened),
            f"{measured.seconds:.1f}",
            f"{measured.baseline_seconds:.1f}",
            f"{measured.index_seconds:.1f}",
            str(measured.missed),
            str(measured.extra),
        )
    console.print(table)
    console.print(
        f"{len(caseload.applications)} open cases, {caseload.parties} parties, {entries} entries; "
        "the full re-screen is this process screening every party again, nothing stored"
    )
    print(
        json.dumps(
            {
                "cases": len(caseload.applications),
                "parties": caseload.parties,
                "list_entries": entries,
                "changes": first.changes,
                "candidates": first.candidates,
                "rescreened": first.rescreened,
                "seconds": round(first.seconds, 2),
                "missed": first.missed,
                "extra": first.extra,
                "second_changes": second.changes,
                "second_candidates": second.candidates,
                "second_rescreened": second.rescreened,
                "second_seconds": round(second.seconds, 2),
                "second_missed": second.missed,
                "second_extra": second.extra,
                "baseline_full_rescreen_s": round(first.baseline_seconds, 2),
                "index_rebuild_s": round(first.index_seconds, 2),
            }
        )
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000, help="Open cases (5 parties each).")
    parser.add_argument("--entries", type=int, default=20_000, help="Entries of the bench list.")
    parser.add_argument(
        "--changes", type=int, default=500, help="Entries the first update changes."
    )
    parser.add_argument("--second", type=int, default=5_000, help="Entries the second changes.")
    asyncio.run(main(parser.parse_args()))
