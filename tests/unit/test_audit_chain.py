"""The audit trail's hash chain names every changed or deleted row."""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import UTC, datetime, timedelta

from schemas.audit_trail import TrailRow
from services.audit.domain import AuditEntry, ChainedRow, breaks, link

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _entry(n: int) -> AuditEntry:
    envelope = {
        "id": str(uuid.uuid4()),
        "type": "CaseStatusChanged.v1",
        "source": "caseflow/workflow",
        "time": (START + timedelta(minutes=n)).isoformat(),
        "subject": "case-1",
        "correlation_id": "c",
        "data": {"control_number": "Z100001", "status": "under_review", "n": n},
    }
    return AuditEntry.of_envelope(envelope, "caseflow.cases")


def _chain(length: int = 5) -> list[ChainedRow]:
    rows: list[ChainedRow] = []
    for n in range(length):
        rows.append(link(rows[-1] if rows else None, _entry(n), START + timedelta(seconds=n)))
    return rows


def test_an_untouched_chain_has_no_breaks() -> None:
    rows = _chain()
    assert [row.seq for row in rows] == [1, 2, 3, 4, 5]
    assert breaks(rows) == []


def test_a_row_whose_content_changed_is_named() -> None:
    rows = _chain()
    changed = dataclasses.replace(rows[2].entry, content=rows[2].entry.content.replace("3", "4"))
    rows[2] = dataclasses.replace(rows[2], entry=changed)
    assert [str(problem) for problem in breaks(rows)] == [
        "row 3: changed after it was recorded (hash mismatch)"
    ]


def test_a_row_changed_with_a_recomputed_hash_is_named_by_the_next_link() -> None:
    rows = _chain()
    forged = link(rows[1], dataclasses.replace(rows[2].entry, event_type="Forged.v1"), START)
    rows[2] = forged
    assert [problem.seq for problem in breaks(rows)] == [3]


def test_a_deleted_row_is_named() -> None:
    rows = _chain()
    del rows[1]
    assert [str(problem) for problem in breaks(rows)] == [
        "row 2: deleted (the chain skips from it to the next row)"
    ]


def test_the_same_event_read_twice_hashes_the_same() -> None:
    entry = _entry(1)
    again = AuditEntry.of_envelope(
        {
            "data": {"n": 1, "status": "under_review", "control_number": "Z100001"},
            **{k: v for k, v in json.loads(entry.content).items() if k != "data"},
        },
        "caseflow.cases",
    )
    assert again.content == entry.content
    assert link(None, again, START).hash == link(None, entry, START).hash


def _as_served(row: ChainedRow) -> TrailRow:
    """The row as the audit service's API answers it: JSON, read back."""
    fields = {**dataclasses.asdict(row.entry), **dataclasses.asdict(row)}
    del fields["entry"]
    return TrailRow.model_validate_json(TrailRow.model_validate(fields).model_dump_json())


def test_rows_read_from_the_services_answer_check_as_the_stored_ones() -> None:
    rows = _chain()
    served = [ChainedRow.of_stored(_as_served(row)) for row in rows]
    assert served == rows
    assert breaks(served) == []


def test_a_row_changed_in_the_services_answer_breaks_the_chain() -> None:
    answer = [_as_served(row) for row in _chain()]
    answer[2] = answer[2].model_copy(update={"event_type": "CaseDecided.v1"})
    found = breaks(ChainedRow.of_stored(row) for row in answer)
    assert [str(problem) for problem in found] == [
        "row 3: changed after it was recorded (hash mismatch)"
    ]
