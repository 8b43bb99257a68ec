"""Restricted-party lists: versions, the delta of a reload, and re-screening of open cases."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from entrypoints.cli.lists import app as lists_cli
from schemas.cases import CaseDecided, DecisionOutcome
from schemas.envelope import Envelope, utcnow
from schemas.screening import (
    FindingCategory,
    ListUpdated,
    ScreeningCompleted,
)
from services.screening.case_closing import close_case
from services.screening.clearing import ClearHit, clear_hit
from services.screening.config import SEED_LIST
from services.screening.current_lists import CurrentLists
from services.screening.domain import Knowledge, ScreeningPolicy
from services.screening.handlers import screen_case
from services.screening.list_diff import (
    compute_delta,
    entry_digest,
    entry_from_json,
    entry_to_json,
)
from services.screening.list_updates import ensure_seed_list, load_list_version
from services.screening.matching import RestrictedPartyIndex, load_list, parse_csv
from services.screening.rescreening import rescreen_affected
from services.screening.rules.destination import DestinationRegister
from tests.unit.test_screening_fakes import FakeScreeningStore, screening_request, with_end_user

POLICY = ScreeningPolicy.load()
REGISTER = DestinationRegister.load()
HEADER = "id,name,alt_names,country,remarks\n"
VERSION_1 = HEADER + (
    "t-1,Zephyr Lattice Analytics,,AE,surveillance integrator\n"
    "t-2,Orison Signal Works,,RU,interception\n"
)
# t-1 changed (new alias), t-2 removed, t-3 added.
VERSION_2 = HEADER + (
    "t-1,Zephyr Lattice Analytics,Zephyr Lattice FZE,AE,surveillance integrator\n"
    "t-3,Kestrel Vantage Systems,,AE,spyware reseller\n"
)


def knowing(listed: str = HEADER, version: int = 0) -> Knowledge:
    """Standing knowledge: the CSV list indexed as version `version`, the shipped register."""
    index = RestrictedPartyIndex.build(parse_csv(listed, "test"))
    versions = {"test": version} if version else {}
    return Knowledge(CurrentLists(index, versions, POLICY.match_policy()), REGISTER)


def updated_knowing(knowledge: Knowledge, before: str, after: str, version: int) -> Knowledge:
    """`knowledge`'s lists (the CSV list `before`) updated in place to the CSV list `after` as
    version `version`, as a screening process takes an update; the subjects screened so far
    were screened in step with `before`."""
    lists = knowledge.screener
    assert isinstance(lists, CurrentLists)
    lists.followed(lists.moves()[0])
    digests = {entry.entry_id: entry_digest(entry) for entry in parse_csv(before, "test")}
    delta = compute_delta(digests, parse_csv(after, "test"))
    changes = delta.changes()
    current = [change.entry for change in changes if change.entry is not None]
    removed = [change.entry_id for change in changes if change.entry is None]
    lists.take_changes(current, removed, {"test": version})
    return knowledge


def published_update(store: FakeScreeningStore) -> Envelope[ListUpdated]:
    *_, envelope = store.published_of("ListUpdated")
    return Envelope[ListUpdated].model_validate_json(envelope.to_bytes())


def rescreen_results(store: FakeScreeningStore) -> list[ScreeningCompleted]:
    return [result for result in store.state.results.values() if "/rescreen/" in result.request_id]


def test_a_reload_is_compared_entry_by_entry_with_the_current_version() -> None:
    first = parse_csv(VERSION_1, "test")
    current = {entry.entry_id: entry_digest(entry) for entry in first}
    delta = compute_delta(current, parse_csv(VERSION_2, "test"))
    assert [entry.entry_id for entry in delta.added] == ["t-3"]
    assert [entry.entry_id for entry in delta.changed] == ["t-1"]
    assert delta.removed == ("t-2",)
    assert delta.summary() == "1 added, 1 changed, 1 removed"


def test_every_field_of_an_entry_survives_storage() -> None:
    for entry in load_list(SEED_LIST):
        assert entry_from_json(json.loads(json.dumps(entry_to_json(entry)))) == entry


async def test_each_reload_that_changes_the_list_is_a_new_version_announced_once() -> None:
    store = FakeScreeningStore()
    first = await load_list_version("test", parse_csv(VERSION_1, "test"), "v1.csv", store)
    again = await load_list_version("test", parse_csv(VERSION_1, "test"), "v1.csv", store)
    second = await load_list_version("test", parse_csv(VERSION_2, "test"), "v2.csv", store)
    assert (first.list_version, again.list_version, second.list_version) == (
        "test@1",
        "test@1",
        "test@2",
    )
    assert again.update is None
    update = published_update(store).data
    assert (update.number, update.added, update.changed, update.removed) == (2, 1, 1, 1)
    assert len(store.published_of("ListUpdated")) == 2
    assert sorted(store.state.entries["test"]) == ["t-1", "t-3"]


async def test_the_seed_list_is_loaded_once_on_first_start() -> None:
    store = FakeScreeningStore()
    seeded = await ensure_seed_list(store)
    assert seeded is not None
    assert seeded.list_version == "entity-list-human-rights@1"
    assert await ensure_seed_list(store) is None


async def test_an_open_case_matching_an_added_entry_is_screened_again_with_the_reason() -> None:
    store = FakeScreeningStore()
    lists = knowing()
    request = screening_request(with_end_user("Kestrel Vantage Systems LLC"))
    await screen_case(request, store, POLICY, lists)
    first = store.state.results[request.data.request_id]
    assert FindingCategory.RESTRICTED_PARTY not in {finding.category for finding in first.findings}
    await load_list_version("test", parse_csv(VERSION_1, "test"), "v1.csv", store)
    await load_list_version("test", parse_csv(VERSION_2, "test"), "v2.csv", store)
    lists = knowing(VERSION_2, 2)

    rescreened = (await rescreen_affected(published_update(store), store, POLICY, lists)).cases

    assert rescreened == [request.data.case_id]
    [result] = rescreen_results(store)
    assert result.request_id == f"{request.data.case_id}/rescreen/test@2"
    assert result.reason.startswith("list_update: test 2: end user 'Kestrel Vantage Systems LLC'")
    assert "matches added entry 'Kestrel Vantage Systems'" in result.reason
    assert result.risk_level == "critical"
    assert result.list_version == "test@2"
    assert any("Kestrel Vantage Systems" in f.explanation for f in result.findings)


async def test_a_decided_case_and_an_unrelated_case_are_not_screened_again() -> None:
    store = FakeScreeningStore()
    lists = knowing()
    decided = screening_request(with_end_user("Zephyr Lattice Analytics"))
    unrelated = screening_request(with_end_user("Kyoto University", "JP"))
    for request in (decided, unrelated):
        await screen_case(request, store, POLICY, lists)
    await close_case(decision(decided.data.case_id), store, POLICY, lists)
    await load_list_version("test", parse_csv(VERSION_1, "test"), "v1.csv", store)

    rescreened = (await rescreen_affected(published_update(store), store, POLICY, lists)).cases

    assert rescreened == []
    assert rescreen_results(store) == []


async def test_a_list_update_delivered_twice_re_screens_once() -> None:
    store = FakeScreeningStore()
    lists = knowing(VERSION_1, 1)
    await screen_case(screening_request(with_end_user("Orison Signal Works")), store, POLICY, lists)
    await load_list_version("test", parse_csv(VERSION_1, "test"), "v1.csv", store)
    update = published_update(store)
    assert len((await rescreen_affected(update, store, POLICY, lists)).cases) == 1
    assert (await rescreen_affected(update, store, POLICY, lists)).cases == []
    assert len(store.published_of("ScreeningCompleted")) == 2  # the first answer, the re-screen


def decision(case_id: str) -> Envelope[CaseDecided]:
    decided = CaseDecided(
        case_id=case_id,
        control_number="Z100001",
        submitting_agency="DE-BAFA",
        agency_reference="BAFA-1",
        outcome=DecisionOutcome.DENIED,
        decided_at=utcnow(),
        decided_by="officer-1",
        rationale="listed end user",
        human_rights_assessment="critical",
    )
    return Envelope.wrap(decided, source="test", subject=case_id, correlation_id=case_id)


async def test_a_list_update_leaves_alone_a_case_whose_match_a_reviewer_cleared() -> None:
    store = FakeScreeningStore()
    lists = knowing(VERSION_1, 1)
    await screen_case(screening_request(with_end_user("Orison Signal Works")), store, POLICY, lists)
    await load_list_version("test", parse_csv(VERSION_1, "test"), "v1.csv", store)
    reason = "Dubai trading house, unrelated to the listed Russian firm"
    cleared = ClearHit("Orison Signal Works", "AE", "t-2", reason, "officer-17", "senior_officer")
    await clear_hit(cleared, at=utcnow(), store=store)
    assert (await rescreen_affected(published_update(store), store, POLICY, lists)).cases == []


def test_a_file_that_is_not_a_list_is_refused_before_anything_is_stored(tmp_path: Path) -> None:
    broken = tmp_path / "consolidated.json"
    broken.write_text('{"results": [{"no_name": true}]}')
    refused = CliRunner().invoke(lists_cli, ["load", str(broken), "--source", "csl"])
    assert refused.exit_code == 2
    assert "record 0: not an object with a name" in refused.output


def test_a_list_name_that_cannot_name_a_version_is_refused_before_the_file_is_read(
    tmp_path: Path,
) -> None:
    listed = tmp_path / "list.csv"
    listed.write_text(VERSION_1)
    refused = CliRunner().invoke(lists_cli, ["load", str(listed), "--source", "eu/fsf"])
    assert refused.exit_code == 2
    assert "starting with a letter or digit" in refused.output
