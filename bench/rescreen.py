"""Re-screening after a list update: time until every affected open case has its new result.

Loads a synthetic restricted-party list, opens N cases of five parties each through intake and
their LicenseCase workflows (submitted in chunks, progress shown), then loads a list version
that changes `--changes` entries (added, changed, removed; some of each touch open cases) and
measures the time from the load until every case the update changes holds its new result in
its workflow (queried), with the CPU time of each process on the way (screening and its
workers, the bridge, the Temporal worker and server), the length of the re-screened cases'
histories and the load average. A second update of `--second` changes shows how the cost grows
with the change. In the same run, the baselines: the index rebuilt from the whole list beside
the same change made in place, and every open case screened again (in this process, parties
only, nothing stored or delivered: a lower bound of a full re-screen; timed on
`--baseline-cases` cases and scaled to all), which also says which sampled cases the update
changes, so missed and extra are counted. The bench stores its list versions in screening's
schema directly, as a bench sets up state (the CLI sends them through screening's API): it
measures re-screening once a version is stored, not the file's transfer.

`--reuse` keeps the list and cases on the stack (the state folder's bench/rescreen.json) and
reuses those of the last run kept, opening only the cases still missing: `--cases 2000
--reuse`, then `--cases 5000 --reuse` opens 3,000 more. `--warm` queries every open case once
before the updates, so that the worker holds the cases its cache can (a worker just started holds
none, and replays each case's history at its first task); `--restart-worker` restarts it
before the updates instead, to measure a worker that holds no case (as after a deployment).

    .venv/bin/python bench/rescreen.py --cases 10000
    .venv/bin/python bench/rescreen.py --cases 2000 --reuse --changes 500 --second 2000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
from common import caseflow_up
from rescreen_stack import HistoryLengths, PathProcesses, restart_worker, spent
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from screening_sets import make_list
from temporalio.client import Client
from temporalio.service import RPCError

from caseflow.db import create_pool
from caseflow.uow import HeldPool, PostgresStore
from entrypoints.agency_client import publish_submissions
from entrypoints.processes import processes_status
from entrypoints.samples import sample_applications, submission
from schemas.application import Address, Party, SubmitApplication
from schemas.envelope import derived_id
from services.screening.adapters import PostgresScreeningUnitOfWork
from services.screening.config import SCHEMA
from services.screening.list_diff import compute_delta, entry_digest, entry_from_json
from services.screening.list_storage import current_entries, list_versions
from services.screening.list_updates import load_list_version
from services.screening.matching import RestrictedPartyEntry, RestrictedPartyIndex
from services.screening.policy import ScreeningPolicy
from workflows.case_client import case_view

LIST_SEED, PARTY_SEED, CHURN_SEED = 11, 29, 47
SUBMIT_CHUNK = 500
PROGRESS_LINE_EVERY = 30.0  # seconds
ANSI = re.compile(r"\x1b\[[0-9;]*m")
PLANTED_SHARE = 0.05  # open cases whose end user is a listed entry (as in a real caseload)
console = Console() if sys.stdout.isatty() else Console(width=200)  # a log file: wide


@dataclass
class Caseload:
    """The open cases the bench made: application by case id."""

    applications: dict[str, SubmitApplication]

    @property
    def references(self) -> set[str]:
        return {application.agency_reference for application in self.applications.values()}

    @property
    def parties(self) -> int:
        return sum(len(a.parties()) for a in self.applications.values())


@dataclass(frozen=True)
class Measured:
    """One list update, end to end, beside its baselines."""

    changes: int
    candidates: int  # subjects sharing a key with the update (from screening's log)
    screened: int  # of those, screened again in full
    rescreened: int  # given a new result, delivered to their workflows
    seconds: float  # the load until every workflow holds its new result
    handled_seconds: float  # the load until screening had handled the update
    service_index_seconds: float  # screening's index brought up to date (its log)
    screening_cpu_seconds: float  # its process and its workers
    worker_cpu_seconds: float  # the Temporal worker: each re-screened case's workflow task
    server_cpu_seconds: float  # the Temporal server
    bridge_cpu_seconds: float  # the bridge, signalling the results in
    history_events: float  # the re-screened cases' histories, median (replayed by a worker
    history_events_longest: int  # that does not hold the case) and longest
    worker_mib: float  # the worker's resident memory once every result is in
    load_average: float
    index_in_place_seconds: float
    index_rebuild_seconds: float
    baseline_seconds: float  # every open case screened again (scaled from the sample)
    baseline_sample: int
    missed: int  # sampled cases whose hits a full screen changes, not re-screened
    extra: int  # sampled cases re-screened whose hits a full screen leaves as they were
    held_short: int  # sampled cases whose held hits lack one a full screen finds
    held_over: int  # sampled cases holding a hit a full screen no longer finds

    def rounded(self) -> dict[str, float | int]:
        return {key: round(value, 3) for key, value in asdict(self).items()}


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
    settings_kafka: str, client: Client, applications: list[SubmitApplication]
) -> float:
    """Submit the applications through intake in chunks; wait until every case awaits review
    in its workflow (shown as it goes); the seconds it took."""
    since, began = datetime.now(UTC), time.monotonic()
    query = (
        "WorkflowType = 'LicenseCase' AND CaseStatus = 'under_review' "
        f"AND StartTime >= '{since.isoformat()}'"
    )
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeElapsedColumn(), console=console) as progress:
        sent = progress.add_task("submitted through intake", total=len(applications))
        done = progress.add_task("cases awaiting review", total=len(applications))
        for start in range(0, len(applications), SUBMIT_CHUNK):
            chunk = applications[start : start + SUBMIT_CHUNK]
            messages = [(e.subject, e.to_bytes()) for e in map(submission, chunk)]
            await publish_submissions(settings_kafka, messages)
            progress.update(sent, advance=len(chunk))
            progress.update(done, completed=(await client.count_workflows(query)).count)
        told = time.monotonic()
        while (count := (await client.count_workflows(query)).count) < len(applications):
            progress.update(done, completed=count)
            if not console.is_terminal and time.monotonic() - told > PROGRESS_LINE_EVERY:
                told = time.monotonic()  # no live bar in a log file: a line now and then
                console.print(f"  {count} of {len(applications)} cases awaiting review")
            await asyncio.sleep(2)
        progress.update(done, completed=count)
    return time.monotonic() - began


async def warm_worker(client: Client, case_ids: Sequence[str]) -> float:
    """Query every case once, so that the worker holds each one it can cache, as a worker
    running for days would; the seconds it took."""
    began, gate = time.monotonic(), asyncio.Semaphore(16)

    async def ask(case_id: str) -> None:
        async with gate:
            await case_view(client, case_id)

    await asyncio.gather(*(ask(case_id) for case_id in case_ids))
    return time.monotonic() - began


async def bench_caseload(database: str, run: str) -> Caseload:
    """The open cases of the bench's run, as screening keeps them."""
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


class BridgeLog:
    """The cases the bridge has logged signalling a screening result into, read as it writes."""

    def __init__(self, log_file: Path) -> None:
        self._file = log_file
        self._read_to = log_file.stat().st_size if log_file.exists() else 0

    def signalled(self) -> set[str]:
        """The cases signalled since the last call."""
        with self._file.open("rb") as log:
            log.seek(self._read_to)
            lines = log.read().decode(errors="replace").splitlines(keepends=True)
        if lines and not lines[-1].endswith("\n"):
            lines.pop()  # a line still being written: read it whole next time
        self._read_to += sum(len(line.encode(errors="replace")) for line in lines)
        return {
            match.group(1)
            for line in lines
            if " screening_completed " in line and (match := SIGNALLED.search(line))
        }


SIGNALLED = re.compile(r"case_id=(\S+) delivered=True")
QUIET = 5.0  # seconds without a signal logged, screening done: every waiting case asked for


async def until_taken_in(
    database: str, client: Client, list_version: str, bridge: BridgeLog
) -> tuple[int, float]:
    """Wait until screening has handled the update and every re-screened case's workflow holds
    its new result; how many cases, and the seconds until screening had handled it. A case is
    asked for once its result is kept (screening publishes them a chunk at a time) and the
    bridge has signalled it in; once screening is done and the bridge has logged no signal for
    `QUIET` seconds, every case still waiting is asked for (a line missed must not stall it)."""
    began = time.monotonic()
    handled_after: float | None = None
    update_id = derived_id("list-updated", list_version)
    waiting: dict[str, str] = {}  # case id -> the request id of its new result
    confirmed, signalled = set[str](), set[str]()
    last_signal = began
    gate = asyncio.Semaphore(24)

    async def holds(case_id: str) -> bool:
        async with gate:
            try:
                screening = (await case_view(client, case_id)).screening
            except RPCError:  # a query timing out on a loaded machine: asked again
                return False
            return screening is not None and screening.request_id == waiting[case_id]

    connection = await asyncpg.connect(database)
    try:
        while handled_after is None or waiting:
            # Handled read first: the results read after it are then all of them.
            if handled_after is None and await connection.fetchval(
                "SELECT true FROM screening.processed_events WHERE event_id = $1", update_id
            ):
                handled_after = time.monotonic() - began
            rows = await connection.fetch(
                "SELECT case_id, request_id FROM screening.results WHERE request_id LIKE $1",
                f"%/rescreen/%{list_version}%",
            )
            waiting |= {
                str(row["case_id"]): row["request_id"]
                for row in rows
                if str(row["case_id"]) not in confirmed
            }
            if newly := bridge.signalled():
                signalled, last_signal = signalled | newly, time.monotonic()
            asked = [case_id for case_id in waiting if case_id in signalled]
            if handled_after is not None and time.monotonic() - last_signal > QUIET:
                asked = list(waiting)
            done = await asyncio.gather(*(holds(case_id) for case_id in asked))
            for case_id, ok in zip(asked, done, strict=True):
                if ok:
                    confirmed.add(case_id)
                    del waiting[case_id]
            await asyncio.sleep(0.5 if asked else 0.1)
    finally:
        await connection.close()
    assert handled_after is not None  # the loop ends only once screening has handled it
    return len(confirmed), handled_after


@dataclass
class Bench:
    """What every step of the bench works with."""

    store: PostgresStore[PostgresScreeningUnitOfWork]
    pool: asyncpg.Pool
    database: str
    client: Client
    name: str  # the bench's own list
    screening: ScreeningLog
    processes: PathProcesses  # on the measured path: their CPU
    index: RestrictedPartyIndex  # every current list, as the bench last indexed it
    sample: int  # cases the baseline screens in full
    bridge: BridgeLog


@dataclass(frozen=True)
class ScreeningLog:
    """The screening service's log: what it logs of each list update."""

    log_file: Path

    def update_logged(self, list_version: str) -> dict[str, str]:
        """The figures screening logged for a list update (candidates, index_s, …)."""
        label = re.compile(rf"list={re.escape(list_version)}(\+|\s|$)")
        for line in reversed(self.log_file.read_text(errors="replace").splitlines()):
            plain = ANSI.sub("", line)
            if " list update " in plain and label.search(plain):
                return dict(pair.split("=", 1) for pair in plain.split() if "=" in pair)
        return {}


async def measure(
    bench: Bench, current: dict[str, RestrictedPartyEntry], caseload: Caseload, changes: int
) -> tuple[Measured, dict[str, RestrictedPartyEntry]]:
    """Load the next version with `changes` changes; time until the workflows hold the results;
    then the baselines: the index rebuilt whole, and every open case screened again."""
    policy = ScreeningPolicy.load()
    database, name = bench.database, bench.name
    version = (await list_versions(bench.pool))[name] + 1
    following = churn(current, caseload, changes, version)
    delta = compute_delta({i: entry_digest(e) for i, e in current.items()}, following.values())
    before = await hits_now(database, list(caseload.applications))
    console.print(f"loading the next version of {name}: {delta.summary()} …")
    load, cpu, began = os.getloadavg()[0], bench.processes.cpu_seconds(), time.monotonic()
    loaded = await load_list_version(name, list(following.values()), "bench", bench.store)
    rescreened, handled = await until_taken_in(
        database, bench.client, loaded.list_version, bench.bridge
    )
    seconds = time.monotonic() - began
    cpu = spent(cpu, bench.processes.cpu_seconds())
    worker_mib = bench.processes.resident_mib("worker")
    load = max(load, os.getloadavg()[0])
    logged = bench.screening.update_logged(loaded.list_version)
    console.print(
        f"  {rescreened} cases re-screened and in their workflows in {seconds:.1f} s"
        f" (screening done after {handled:.1f} s, {cpu['screening']:.1f} s of its CPU; {logged})"
    )
    console.print("  baselines: the index rebuilt, every open case screened again …")
    changed = [*delta.added, *delta.changed]
    began = time.perf_counter()
    bench.index.updated(changed, delta.removed)
    in_place = time.perf_counter() - began
    _, everything = await current_entries(bench.pool)
    began = time.perf_counter()
    bench.index = RestrictedPartyIndex.build(everything, policy.match_policy())
    rebuilt = time.perf_counter() - began
    sample = random.Random(version_seed(loaded.list_version)).sample(
        sorted(caseload.applications), min(bench.sample, len(caseload.applications))
    )
    after, per_case = full_rescreen(caseload, sample, bench.index)
    # Both directions, on any entry: a hit on an entry the update left as it was counts too.
    expected = {c for c, now in after.items() if now != before.get(c, frozenset())}
    rescreened_ids = await rescreened_cases(database, loaded.list_version)
    got = rescreened_ids & set(sample)
    histories = await HistoryLengths.of(bench.client, sorted(rescreened_ids))
    held = await hits_now(database, sample)
    measured = Measured(
        changes=len(delta.changes()),
        candidates=int(logged.get("candidates", -1)),
        screened=int(logged.get("screened", -1)),
        rescreened=rescreened,
        seconds=seconds,
        handled_seconds=handled,
        service_index_seconds=float(logged.get("index_s", "nan")),
        screening_cpu_seconds=cpu["screening"],
        worker_cpu_seconds=cpu["worker"],
        server_cpu_seconds=cpu["temporal"],
        bridge_cpu_seconds=cpu["bridge"],
        history_events=histories.median,
        history_events_longest=histories.longest,
        worker_mib=worker_mib,
        load_average=load,
        index_in_place_seconds=in_place,
        index_rebuild_seconds=rebuilt,
        baseline_seconds=per_case * len(caseload.applications),
        baseline_sample=len(sample),
        missed=len(expected - got),
        extra=len(got - expected),
        held_short=sum(1 for c, now in after.items() if now - held.get(c, frozenset())),
        held_over=sum(1 for c, now in after.items() if held.get(c, frozenset()) - now),
    )
    return measured, following


def version_seed(list_version: str) -> int:
    return int.from_bytes(list_version.encode()[-8:], "big")


def full_rescreen(
    caseload: Caseload, sample: Sequence[str], index: RestrictedPartyIndex
) -> tuple[dict[str, frozenset[str]], float]:
    """The sampled cases' parties screened against the updated lists: hits, seconds a case."""
    began = time.perf_counter()
    hits = {
        case_id: frozenset(
            hit.entry_id
            for _, p in caseload.applications[case_id].parties()
            for hit in index.screen(p.name, p.address.country)
        )
        for case_id in sample
    }
    return hits, (time.perf_counter() - began) / max(1, len(sample))


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


@dataclass
class KeptRun:
    """A run whose list and cases stay on the stack for the next (`--reuse`)."""

    run: str
    entries: int


async def list_entries_of(pool: asyncpg.Pool, name: str) -> dict[str, RestrictedPartyEntry]:
    """The current entries of one list."""
    rows = await pool.fetch("SELECT entry FROM list_entries WHERE name = $1", name)
    entries = (entry_from_json(json.loads(row["entry"])) for row in rows)
    return {entry.entry_id: entry for entry in entries}


async def main(arguments: argparse.Namespace) -> None:
    without = [name for name in arguments.without.split(",") if name]
    settings, client = await caseflow_up(console, without)
    endpoints = settings.endpoints()
    kept_file = settings.state_dir / "bench" / "rescreen.json"
    kept = None
    if arguments.reuse and kept_file.exists():
        kept = KeptRun(**json.loads(kept_file.read_text()))
        if kept.entries != arguments.entries:
            console.print(f"the kept run has {kept.entries} entries: starting another")
            kept = None
    run = kept.run if kept else uuid.uuid4().hex[:6]
    pool = await create_pool(endpoints.database, SCHEMA, size=2)
    store = PostgresStore(HeldPool(pool), PostgresScreeningUnitOfWork)
    name = f"bench-{run}"
    logs = {p.name: p.log_file for p in processes_status(settings)}
    bridge = BridgeLog(logs["bridge"])
    try:
        listed = make_list(arguments.entries, LIST_SEED)
        if kept is None:
            console.print(f"loading {name}@1: {len(listed)} synthetic entries …")
            loaded = await load_list_version(name, listed, "bench v1", store)
            await until_taken_in(endpoints.database, client, loaded.list_version, bridge)
        else:
            console.print(f"reusing {name} and its cases (--reuse; {kept_file})")
        caseload = await bench_caseload(endpoints.database, run)
        applications = make_applications(arguments.cases, run, listed)
        opening = [a for a in applications if a.agency_reference not in caseload.references]
        if opening:
            console.print(f"opening {len(opening)} cases through intake and their workflows …")
            opened = await open_cases(endpoints.kafka, client, opening)
            console.print(f"  {len(opening)} cases open in {opened:.0f} s")
            caseload = await bench_caseload(endpoints.database, run)
        if arguments.reuse:
            kept_file.parent.mkdir(parents=True, exist_ok=True)
            kept_file.write_text(json.dumps(asdict(KeptRun(run, arguments.entries))))
        if arguments.open_only:
            console.print(f"{len(caseload.applications)} cases open; --open-only: none measured")
            return
        if arguments.warm:
            console.print(f"warming the worker: {len(caseload.applications)} cases queried …")
            warmed = await warm_worker(client, sorted(caseload.applications))
            console.print(f"  in {warmed:.0f} s")
        current = await list_entries_of(pool, name)
        _, everything = await current_entries(pool)
        console.print(f"indexing the current lists for the baselines ({len(everything)}) …")
        index = RestrictedPartyIndex.build(everything, ScreeningPolicy.load().match_policy())
        if arguments.restart_worker:
            console.print("restarting the Temporal worker: it holds no case …")
            console.print(f"  polling again in {await restart_worker(settings):.0f} s")
        screening, processes = ScreeningLog(logs["screening"]), PathProcesses.running(settings)
        bench = Bench(
            store, pool, endpoints.database, client, name, screening, processes, index, 0, bridge
        )
        bench.sample = arguments.baseline_cases
        first, current = await measure(bench, current, caseload, arguments.changes)
        second, current = await measure(bench, current, caseload, arguments.second)
        if not arguments.reuse:
            # Retire the bench's list, so that later runs on this stack screen against theirs.
            await load_list_version(name, [], "bench: retired", store)
    finally:
        await pool.close()
    report(caseload, len(current), first, second)


def report(caseload: Caseload, entries: int, first: Measured, second: Measured) -> None:
    table = Table(
        "update",
        "changed entries",
        "candidates / screened",
        "re-screened",
        "screening done (s)",
        "in workflows (s)",
        "CPU (s): screening / worker / Temporal / bridge",
        "history events (median / longest)",
        "worker memory (MiB)",
        "load avg",
        "index in place / rebuilt (s)",
        "full re-screen (s)",
        "missed / extra (sample)",
        "held short / over",
    )
    for label, m in (("first", first), ("second", second)):
        table.add_row(
            label,
            str(m.changes),
            f"{m.candidates} / {m.screened}",
            str(m.rescreened),
            f"{m.handled_seconds:.1f}",
            f"{m.seconds:.1f}",
            f"{m.screening_cpu_seconds:.1f} / {m.worker_cpu_seconds:.1f}"
            f" / {m.server_cpu_seconds:.1f} / {m.bridge_cpu_seconds:.1f}",
            f"{m.history_events:.0f} / {m.history_events_longest}",
            f"{m.worker_mib:.0f}",
            f"{m.load_average:.1f}",
            f"{m.index_in_place_seconds:.2f} / {m.index_rebuild_seconds:.1f}",
            f"{m.baseline_seconds:.0f}",
            f"{m.missed} / {m.extra} ({m.baseline_sample})",
            f"{m.held_short} / {m.held_over}",
        )
    console.print(table)
    console.print(
        f"{len(caseload.applications)} open cases, {caseload.parties} parties, {entries} entries"
        " in the bench's list. Index in place / rebuilt: this process, the same change; the full"
        " re-screen: this process screening a sample of the cases' parties again (nothing"
        " stored or delivered), times the cases; missed / extra: within that sample, cases whose"
        " hits a full screen changes not re-screened / re-screened with none changed; held"
        " short / over: within it, cases whose held hits lack one a full screen finds / hold"
        " one it no longer finds. CPU: each process over the update's span, screening with its"
        " workers; history events: of the re-screened cases' workflows, which a worker that does"
        " not hold a case replays before it takes the new result."
    )
    figures: dict[str, float | int] = {
        "cases": len(caseload.applications),
        "parties": caseload.parties,
        "list_entries": entries,
    }
    for prefix, m in (("", first), ("second_", second)):
        figures |= {f"{prefix}{key}": value for key, value in m.rounded().items()}
    print(json.dumps(figures))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000, help="Open cases (5 parties each).")
    parser.add_argument("--entries", type=int, default=20_000, help="Entries of the bench list.")
    parser.add_argument(
        "--changes", type=int, default=500, help="Entries the first update changes."
    )
    parser.add_argument("--second", type=int, default=2_000, help="Entries the second changes.")
    parser.add_argument(
        "--baseline-cases",
        type=int,
        default=1_000,
        help="Cases the baseline screens in full (its time is scaled to every case).",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Keep the list and cases on the stack for the next run, and reuse those of the "
        "last run kept (opening only the cases still missing).",
    )
    parser.add_argument(
        "--without",
        default="",
        help="Processes not started, comma-separated (audit,register: off the path measured, "
        "their backlog of the cases' events would share the cores with it).",
    )
    parser.add_argument(
        "--open-only",
        action="store_true",
        help="Open the cases still missing and stop there (with --reuse: kept for a later run).",
    )
    parser.add_argument(
        "--restart-worker",
        action="store_true",
        help="Restart the Temporal worker before the updates: it holds no case, and replays the "
        "history of each case it is signalled (as after a deployment).",
    )
    parser.add_argument(
        "--warm",
        action="store_true",
        help="Query every open case once before the updates, so that the worker's cache holds "
        "what a long-running worker's would (CASEFLOW_WORKER_CACHED_WORKFLOWS of them).",
    )
    asyncio.run(main(parser.parse_args()))
