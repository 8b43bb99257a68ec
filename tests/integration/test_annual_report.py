"""The annual report over a generated year of 5,000 decided cases, recorded through the
register's own write path, matches the counts the test makes from the cases it generated; the
CLI writes it as JSON, CSV, an HTML page with charts and a PDF, through the register's API."""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy
import pytest
from temporalio.client import Client

from caseflow.auth import Authentication, Principal, Role, key_ring, open_accounts
from caseflow.auth.tokens import issuer
from caseflow.db import create_pool, migrate
from caseflow.http import HttpServer
from caseflow.settings import Endpoints, Settings
from caseflow.uow import HeldPool, PostgresStore
from desk.register_client import RegisterClient, RegisterUnavailable
from desk.runtime import open_desk
from entrypoints.register_sample_year import CaseFacts, NoticeFacts, generate_year
from schemas.report import AnnualReport
from schemas.topics import SHARING_NOTICES
from services.register.adapters import RegisterUnitOfWork
from services.register.api import build_api
from services.register.config import MIGRATIONS
from services.register.handlers import record, record_many
from services.register.retention import RetentionPolicy
from tests.integration.desk_fixtures import PASSWORD, add_accounts, desk_http
from tests.support import caseflow

pytestmark = [pytest.mark.integration]

YEAR, CASES = 2026, 5_000
START, END = datetime(YEAR, 1, 1, tzinfo=UTC), datetime(YEAR + 1, 1, 1, tzinfo=UTC)
CATEGORY_OF = {
    "0": "0 Nuclear and miscellaneous",
    "3": "3 Electronics",
    "4": "4 Computers",
    "5": "5 Telecommunications and information security",
    "6": "6 Sensors and lasers",
    "9": "9 Aerospace and propulsion",
    "1": "1 Special materials, chemicals, microorganisms, toxins",
    "2": "2 Materials processing",
    "7": "7 Navigation and avionics",
    "8": "8 Marine",
}


@dataclass
class Year:
    """The generated cases and notices, and the register (a schema of its own) they went into."""

    cases: list[CaseFacts]
    notices: list[NoticeFacts]
    store: PostgresStore[RegisterUnitOfWork]
    first_batch: list[tuple[bytes, str]]
    url: str = ""


@pytest.fixture(scope="module")
async def year(stack_settings: Settings, stack_endpoints: Endpoints) -> AsyncIterator[Year]:
    database = stack_endpoints.database
    schema = f"register_report_{uuid.uuid4().hex[:8]}"  # other tests' cases stay out of it
    await migrate(database, schema, MIGRATIONS)
    pool = await create_pool(database, schema, size=4)
    store = PostgresStore(HeldPool(pool), RegisterUnitOfWork)
    generated = Year([], [], store, [])
    batch: list[tuple[bytes, str]] = []
    for facts, published in generate_year(YEAR, CASES):
        if isinstance(facts, CaseFacts):
            generated.cases.append(facts)
        else:
            generated.notices.append(facts)
        batch += [(envelope.to_bytes(), topic) for topic, envelope in published]
        if len(batch) >= 2_000:
            generated.first_batch = generated.first_batch or batch
            await _record(store, batch)
            batch = []
    await _record(store, batch)
    async with open_accounts(database) as accounts:
        api = build_api(
            HeldPool(pool),
            store,
            RetentionPolicy.load(),
            Authentication(key_ring(stack_settings), accounts),
        )
        url_file = stack_settings.state_dir / "run" / f"{schema}.url"
        server = HttpServer("register", "127.0.0.1", None, 0, url_file)
        generated.url = await server.start(api)
        try:
            yield generated
        finally:
            await server.stop()
            await pool.close()


async def _record(store: PostgresStore[RegisterUnitOfWork], batch: list[tuple[bytes, str]]) -> int:
    """Through the register's write path: case events in bulk, notices one by one (as the
    consumer keeps them); the events newly kept."""
    async with store.unit_of_work() as uow:
        kept = await record_many(uow, [(raw, t) for raw, t in batch if t != SHARING_NOTICES.name])
    for raw, topic in batch:
        if topic == SHARING_NOTICES.name:
            async with store.unit_of_work() as uow:
                kept += await record(uow, raw, topic)
    return kept


async def _token(settings: Settings, role: Role) -> str:
    principal = Principal(name=f"report-{role.value}-{uuid.uuid4().hex[:6]}", role=role)
    async with open_accounts(settings.endpoints().database) as accounts:
        await accounts.add(principal, "report-test-password")
    return issuer(settings).issue(principal, timedelta(minutes=30))


def _in_year(at: datetime | None) -> bool:
    return at is not None and START <= at < END


def _cross(pairs: Iterable[tuple[str, str]]) -> dict[str, dict[str, int]]:
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for key, outcome in pairs:
        table[key][outcome] += 1
    return {key: dict(counts) for key, counts in table.items()}


def _expected(cases: list[CaseFacts], notices: list[NoticeFacts]) -> dict[str, object]:
    """The report's figures, counted from the generated facts alone."""
    decided = [case for case in cases if _in_year(case.decided_at)]
    consulted = [case for case in cases if _in_year(case.consulted_at)]
    positions = [p for case in consulted for p in case.positions]
    denied_hr = [case for case in decided if case.outcome == "denied" and case.human_rights_grounds]
    grounds = Counter(ground for case in denied_hr for ground in set(case.human_rights_grounds))
    days = [(c.decided_at - c.registered_at).total_seconds() / 86400 for c in decided]
    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    for kind, position, _ in positions:
        by_kind[kind][position] += 1
    return {
        "applications": len([c for c in cases if _in_year(c.registered_at)]),
        "applications_by_agency": dict(
            Counter(c.agency for c in cases if _in_year(c.registered_at))
        ),
        "decisions": len(decided),
        "by_outcome": dict(Counter(c.outcome for c in decided)),
        "by_destination": _cross((c.destination, c.outcome) for c in decided),
        "by_control_category": _cross(
            (category, c.outcome)
            for c in decided
            for category in {CATEGORY_OF.get(code[0], "other") for code in c.control_codes}
        ),
        "by_technology": _cross(
            (tech, c.outcome)
            for c in decided
            for tech in (set(c.technologies) or {"none declared"})
        ),
        "human_rights_denials": len(denied_hr),
        "human_rights_grounds": dict(grounds),
        "consultations": len(consulted),
        "consultations_with_dissent": len([c for c in consulted if c.dissent]),
        "positions": dict(Counter(position for _, position, _ in positions)),
        "positions_by_stakeholder_kind": {kind: dict(counts) for kind, counts in by_kind.items()},
        "deemed_no_objection": len([p for p in positions if p[2]]),
        "processing": {
            "decided": len(decided),
            "median_days": round(float(numpy.percentile(days, 50)), 2),
            "p90_days": round(float(numpy.percentile(days, 90)), 2),
            "deadline_breaches": len([c for c in decided if c.breached]),
        },
        "notices_shared": dict(Counter(n.kind for n in notices if n.direction == "shared")),
        "notices_received": dict(Counter(n.kind for n in notices if n.direction == "received")),
        "appeals_filed": len([c for c in cases if _in_year(c.appeal_filed_at)]),
        "appeals_decided": dict(Counter(c.appeal for c in cases if _in_year(c.appeal_decided_at))),
    }


COUNTED = (
    "applications", "applications_by_agency", "decisions", "by_outcome", "by_destination",
    "by_control_category", "by_technology", "human_rights_denials", "human_rights_grounds",
    "consultations", "consultations_with_dissent", "positions", "positions_by_stakeholder_kind",
    "deemed_no_objection", "processing", "notices_shared", "notices_received", "appeals_filed",
    "appeals_decided",
)  # fmt: skip


def _as_counted(report: AnnualReport) -> dict[str, object]:
    figures = report.model_dump(mode="json")
    figures["human_rights_grounds"] = {g.ground: g.denials for g in report.human_rights_grounds}
    return {key: figures[key] for key in COUNTED}


async def test_the_report_of_a_generated_year_matches_the_counts_of_its_cases(
    year: Year, stack_settings: Settings
) -> None:
    officer = await _token(stack_settings, Role.SENIOR_OFFICER)

    report = await RegisterClient(lambda: year.url).annual_report(officer, YEAR)

    expected = _expected(year.cases, year.notices)
    assert set(expected) == set(COUNTED)
    assert report.decisions > 4_000  # most of the generated cases are decided in the year
    assert report.appeals_decided
    assert report.human_rights_grounds
    assert report.notices_received
    assert _as_counted(report) == expected


async def test_recording_the_same_events_again_changes_no_figure(
    year: Year, stack_settings: Settings
) -> None:
    officer = await _token(stack_settings, Role.LICENSING_OFFICER)
    before = await RegisterClient(lambda: year.url).annual_report(officer, YEAR)

    kept = await _record(year.store, year.first_batch)  # delivered again

    again = await RegisterClient(lambda: year.url).annual_report(officer, YEAR)
    assert kept == 0
    assert len(year.first_batch) >= 2_000
    assert _as_counted(again) == _as_counted(before)


async def test_an_agency_may_not_read_the_report_of_every_agency(
    year: Year, stack_settings: Settings
) -> None:
    name = f"report-agency-{uuid.uuid4().hex[:6]}"
    principal = Principal(name=name, role=Role.AGENCY, agency="DE-BAFA")
    async with open_accounts(stack_settings.endpoints().database) as accounts:
        await accounts.add(principal, "report-test-password")
    token = issuer(stack_settings).issue(principal, timedelta(minutes=30))

    with pytest.raises(RegisterUnavailable, match="403"):
        await RegisterClient(lambda: year.url).annual_report(token, YEAR)


async def test_the_cli_writes_json_csv_html_with_charts_and_pdf(
    year: Year, stack_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    operator = await _token(stack_settings, Role.OPERATOR)
    monkeypatch.setenv("CASEFLOW_REGISTER_URL", year.url)

    arguments = ("report", "--year", str(YEAR), "--out", str(tmp_path), "--pdf")
    shown = await caseflow(stack_settings, *arguments, token=operator)

    written = json.loads((tmp_path / f"annual-report-{YEAR}.json").read_text())
    expected = _expected(year.cases, year.notices)
    assert written["decisions"] == expected["decisions"]
    assert f"{expected['decisions']}" in shown
    rows = (tmp_path / f"annual-report-{YEAR}.csv").read_text().splitlines()
    assert rows[0] == "section,key,outcome,count"
    assert f"decisions,all,,{expected['decisions']}" in rows
    page = (tmp_path / f"annual-report-{YEAR}.html").read_text()
    assert page.count("<svg") == 5
    assert (tmp_path / f"annual-report-{YEAR}.pdf").read_bytes().startswith(b"%PDF-")


async def test_the_desk_shows_the_report_with_its_charts_and_serves_its_csv(
    year: Year, stack_settings: Settings, temporal: Client
) -> None:
    async with open_desk(stack_settings) as opened:
        desk = dataclasses.replace(opened, register=RegisterClient(lambda: year.url))
        names = await add_accounts(stack_settings)
        async with desk_http(desk) as http:
            signed = await http.post("/login", data={"name": names["senior"], "password": PASSWORD})
            assert signed.status_code == 303, signed.text

            shown = await http.get("/report", params={"year": YEAR})
            table = await http.get("/report", params={"year": YEAR, "format": "csv"})
            await http.post("/login", data={"name": names["agency"], "password": PASSWORD})
            refused = await http.get("/report", params={"year": YEAR})

    expected = _expected(year.cases, year.notices)
    assert shown.status_code == 200
    assert shown.text.count("<svg") == 5
    assert f"<td>{expected['decisions']}</td>" in shown.text
    assert f"decisions,all,,{expected['decisions']}" in table.text.splitlines()
    assert refused.status_code == 403
