"""A case file exported from the register is checked against the audit trail's hash chain."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

from entrypoints.register_export import Bundle, check_against_trail, printable, write_pdf
from entrypoints.register_samples import END_USER, decided_case
from schemas.register import CaseFile, Retention
from services.audit.domain import AuditEntry, ChainedRow, breaks, link
from services.register.domain import build_case_file, recorded
from services.register.handlers import envelope_of
from services.register.retention import pseudonymise

DECIDED = datetime(2020, 3, 2, 12, 0, tzinfo=UTC)


def _published() -> list[tuple[str, bytes]]:
    """The sample case's messages as they travel on Kafka."""
    import json

    return [
        (topic, json.dumps(envelope).encode())
        for topic, envelope in decided_case("case-1", "Z100001", DECIDED)
    ]


def _trail(messages: list[tuple[str, bytes]]) -> list[ChainedRow]:
    """The audit trail the audit service builds from the same messages."""
    rows: list[ChainedRow] = []
    for topic, raw in messages:
        entry = AuditEntry.of_envelope(envelope_of(raw), topic)
        rows.append(link(rows[-1] if rows else None, entry, DECIDED))
    return rows


def _case(messages: list[tuple[str, bytes]]) -> CaseFile:
    events = [recorded(envelope_of(raw), topic) for topic, raw in messages]  # type: ignore[arg-type]
    return build_case_file("case-1", events, Retention(keep_until=None, source="rule"))


def _bundle(case: CaseFile, rows: list[ChainedRow]) -> Bundle:
    audit = check_against_trail(case, rows, breaks(rows), len(rows), rows[-1].hash)
    return Bundle(exported_at=DECIDED, case=case, audit=audit)


def test_the_trail_vouches_for_every_event_of_an_untouched_case_file() -> None:
    messages = _published()

    bundle = _bundle(_case(messages), _trail(messages))

    assert bundle.audit.holds, bundle.audit.problems
    assert [event.audit_seq for event in bundle.audit.events] == list(range(1, 10))


def test_a_case_file_changed_in_the_register_is_named() -> None:
    messages = _published()
    case = _case(messages)
    decided = next(event for event in case.events if event.type == "CaseDecided")
    decided.data["outcome"] = "approved"  # someone with write access to the register's tables

    bundle = _bundle(case, _trail(messages))

    assert not bundle.audit.holds
    assert bundle.audit.problems == [f"CaseDecided {decided.event_id}: data changed since received"]


def test_an_event_the_trail_never_recorded_is_named() -> None:
    messages = _published()
    case = _case(messages)
    forged = case.events[-1].model_copy(update={"event_id": uuid.uuid4()})
    case.events.append(forged)

    bundle = _bundle(case, _trail(messages))

    assert bundle.audit.problems == [f"CaseStatusChanged {forged.event_id}: not on the audit trail"]


def test_a_broken_chain_fails_the_check() -> None:
    messages = _published()
    rows = _trail(messages)
    del rows[3]

    bundle = _bundle(_case(messages), rows)

    assert not bundle.audit.chain_intact
    assert "audit trail: row 4: deleted (the chain skips from it to the next row)" in (
        bundle.audit.problems
    )


def test_a_pseudonymised_case_file_is_still_vouched_for_by_its_digests() -> None:
    messages = _published()
    case = _case(messages)
    done = pseudonymise(case.events, b"k" * 32)
    retention = Retention(keep_until=DECIDED, source="rule", pseudonymised_at=DECIDED)
    pseudonymised = build_case_file("case-1", done.events, retention)

    bundle = _bundle(pseudonymised, _trail(messages))

    assert bundle.audit.holds, bundle.audit.problems
    assert END_USER not in bundle.model_dump_json()


def test_the_printable_page_and_its_pdf(tmp_path: Path) -> None:
    messages = _published()
    bundle = _bundle(_case(messages), _trail(messages))

    html = printable(bundle)
    write_pdf(html, tmp_path / "case.pdf")

    assert "Case Z100001: denied" in html
    assert "hash chain is intact" in html
    assert "countersign" in html
    assert (tmp_path / "case.pdf").read_bytes().startswith(b"%PDF-")
