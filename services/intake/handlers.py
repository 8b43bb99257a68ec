"""Intake's use case: a batch of raw agency messages in, cases and refusals out, once each."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import TypeVar

from caseflow.messaging import HandlerTable
from schemas.application import SubmitApplication
from schemas.cases import CaseAmended, CaseReceived, CaseWithdrawn
from schemas.envelope import Contract, Envelope, derived_id, utcnow
from schemas.intake import Deficiency, SubmissionRejected
from schemas.topics import CASES, REJECTIONS, Topic
from services.intake.appeals import appeal_deficiencies, appeal_hash, filed
from services.intake.delivery import FOLLOWED, agency_facing, refusal_for_agency
from services.intake.domain import (
    Amendment,
    Appeal,
    Deficient,
    Examined,
    Shipment,
    Submission,
    Withdrawal,
    changes_between,
    examine_message,
    normalise_names,
)
from services.intake.policy import IntakePolicy
from services.intake.ports import (
    CaseFollowingStore,
    Changes,
    Handled,
    IntakeStore,
    Outcome,
    RawSubmission,
    RegisteredCase,
)
from services.intake.progress import progress_of
from services.intake.shipments import shipment_deficiency, shipment_reported

SOURCE = "caseflow/intake"
ContractT = TypeVar("ContractT", bound=Contract)


async def handle_messages(
    batch: Sequence[RawSubmission], store: IntakeStore, policy: IntakePolicy
) -> Handled:
    """Act on each message once: register, amend, withdraw, or refuse listing every deficiency."""
    examined = [examine_message(raw.body, policy, raw.agency_header) for raw in batch]
    message_ids = [_message_id(item, raw) for item, raw in zip(examined, batch, strict=True)]
    async with store.unit_of_work() as uow:
        fresh = await uow.first_deliveries(message_ids)
        known = await uow.find_cases(sorted({key for item in examined if (key := _key(item))}))
        numbers = await uow.next_control_numbers(
            sum(isinstance(item, Submission) for item in examined), policy.control_number_prefix
        )
        desk = _Registrar(known, numbers, policy)
        outcomes = []
        for raw, item, message_id in zip(batch, examined, message_ids, strict=True):
            first = message_id in fresh
            fresh.discard(message_id)  # a repeat within the batch is a redelivery too
            outcomes.append(desk.act(raw, item, message_id) if first else Outcome.ALREADY_PROCESSED)
        await uow.save(desk.changes)
    return Handled(outcomes, [rejection for _, rejection in desk.changes.rejections])


async def follow_case(event: Envelope[Contract], store: CaseFollowingStore) -> None:
    """Keep a case's status, and forward what its agency may see to that agency's topic, once."""
    progress = progress_of(event.data)
    facing = agency_facing(event)
    async with store.unit_of_work() as uow:
        if progress is not None:
            await uow.record_progress(progress)
        if facing is not None and await uow.first_delivery(facing.source_id):
            agency = await uow.agency_of(facing.case_id)
            if agency is not None:  # a case intake never registered has no agency to tell
                await uow.publish(*facing.to(agency))


def case_table(store: CaseFollowingStore) -> HandlerTable[None]:
    """The case events intake follows, each kept and forwarded by `follow_case`; the cases topic
    carries others, skipped."""
    table = HandlerTable[None]("a case event intake follows")
    for contract in FOLLOWED:
        table.on(contract, lambda event: follow_case(event, store))
    return table


def _message_id(examined: Examined, raw: RawSubmission) -> uuid.UUID:
    return examined.header.id if examined.header is not None else raw.fallback_id


def _key(examined: Examined) -> tuple[str, str] | None:
    if isinstance(examined, Submission):
        return examined.application.submitting_agency, examined.application.agency_reference
    if isinstance(examined, Amendment | Withdrawal | Shipment | Appeal):
        return examined.command.submitting_agency, examined.command.agency_reference
    return None


class _Registrar:
    """Decides each message against the cases known so far, collecting the batch's changes."""

    def __init__(
        self,
        known: dict[tuple[str, str], RegisteredCase],
        numbers: list[str],
        policy: IntakePolicy,
    ) -> None:
        self._known = known
        self._numbers = iter(numbers)
        self._policy = policy
        self._agencies = policy.known_agencies
        self.changes = Changes()

    def act(self, raw: RawSubmission, examined: Examined, message_id: uuid.UUID) -> Outcome:
        """The outcome of one first-delivered message."""
        if isinstance(examined, Deficient):
            return self._refuse(raw, message_id, examined)
        key = _key(examined)
        assert key is not None
        case = self._known.get(key)
        if isinstance(examined, Submission):
            return self._register(raw, message_id, examined, case)
        if isinstance(examined, Shipment):
            return self._take_shipment(raw, message_id, examined, case, key)
        if isinstance(examined, Appeal):
            return self._appeal(raw, message_id, examined, case, key)
        problem = _cannot_change(key, case)
        if problem is not None:
            return self._refuse(raw, message_id, _deficient(problem, key, examined))
        assert case is not None
        if isinstance(examined, Amendment):
            return self._amend(raw, message_id, examined, case, key)
        return self._withdraw(examined, case, key)

    def _register(
        self,
        raw: RawSubmission,
        message_id: uuid.UUID,
        submission: Submission,
        existing: RegisteredCase | None,
    ) -> Outcome:
        """A new reference becomes a case; a known one with the same content is a redelivery."""
        application = normalise_names(submission.application)
        content_hash = _hash(application)
        if existing is not None:
            if existing.content_hash == content_hash:
                return Outcome.REDELIVERED
            conflict = _of_reference(
                "reference_conflict",
                f"reference '{application.agency_reference}' is already registered as case "
                f"{existing.control_number} with different content; amend that case or use a "
                "new reference",
            )
            return self._refuse(raw, message_id, _deficient(conflict, _key(submission), submission))
        case = RegisteredCase(
            case_id=str(uuid.uuid4()),
            control_number=next(self._numbers),
            content_hash=content_hash,
            registered_at=utcnow(),
            application=application,
            correlation_id=submission.header.correlation_id,
        )
        self._known[(application.submitting_agency, application.agency_reference)] = case
        self.changes.new_cases.append(case)
        received = CaseReceived(
            case_id=case.case_id,
            control_number=case.control_number,
            registered_at=case.registered_at,
            application=application,
        )
        self._emit(CASES, received, case.case_id, submission.header.correlation_id)
        return Outcome.REGISTERED

    def _amend(
        self,
        raw: RawSubmission,
        message_id: uuid.UUID,
        amendment: Amendment,
        case: RegisteredCase,
        key: tuple[str, str],
    ) -> Outcome:
        """A changed application replaces the case's; the workflow screens it again."""
        application = normalise_names(amendment.command.application)
        changes = changes_between(case.application, application)
        if not changes:
            unchanged = Deficiency(
                code="nothing_changed",
                path="$.data.application",
                message="the amendment changes nothing in the application",
            )
            return self._refuse(raw, message_id, _deficient(unchanged, key, amendment))
        amended = replace(case, application=application, content_hash=_hash(application))
        self._known[key] = amended
        self.changes.amended_cases.append(amended)
        event = CaseAmended(
            case_id=case.case_id,
            control_number=case.control_number,
            amended_at=utcnow(),
            reason=amendment.command.reason,
            changes=changes,
            application=application,
        )
        self._emit(CASES, event, case.case_id, amendment.header.correlation_id)
        return Outcome.AMENDED

    def _withdraw(
        self, withdrawal: Withdrawal, case: RegisteredCase, key: tuple[str, str]
    ) -> Outcome:
        """The case closes here; the workflow ends it as withdrawn."""
        closed = replace(case, closed=True)
        self._known[key] = closed
        self.changes.closed_cases.append(closed)
        event = CaseWithdrawn(
            case_id=case.case_id,
            control_number=case.control_number,
            withdrawn_at=utcnow(),
            reason=withdrawal.command.reason,
        )
        self._emit(CASES, event, case.case_id, withdrawal.header.correlation_id)
        return Outcome.WITHDRAWN

    def _take_shipment(
        self,
        raw: RawSubmission,
        message_id: uuid.UUID,
        shipment: Shipment,
        case: RegisteredCase | None,
        key: tuple[str, str],
    ) -> Outcome:
        """A shipment against the agency's own licence goes to the licence's workflow."""
        problem = shipment_deficiency(case, shipment.command)
        if problem is not None:
            return self._refuse(raw, message_id, _deficient(problem, key, shipment))
        assert case is not None
        reported = shipment_reported(case, shipment.command)
        self._emit(CASES, reported, case.case_id, shipment.header.correlation_id)
        return Outcome.SHIPMENT_REPORTED

    def _appeal(
        self,
        raw: RawSubmission,
        message_id: uuid.UUID,
        appeal: Appeal,
        case: RegisteredCase | None,
        key: tuple[str, str],
    ) -> Outcome:
        """An appeal in time against the agency's own denied or returned case is filed (once);
        the same appeal again is a redelivery; any other is refused with every reason."""
        if case is None:
            unknown = _of_reference(
                "unknown_reference",
                f"agency '{key[0]}' has no case registered under reference '{key[1]}'",
            )
            return self._refuse(raw, message_id, _deficient(unknown, key, appeal))
        content = appeal_hash(appeal.command)
        if case.appeal_hash == content:
            return Outcome.REDELIVERED
        now = utcnow()
        problems = appeal_deficiencies(case, appeal.command, now, self._policy)
        if problems:
            return self._refuse(raw, message_id, Deficient(problems, *key, appeal.header))
        appeal_id = str(derived_id("appeal", case.case_id))
        event = filed(case, appeal.command, appeal_id, now, self._policy)
        self._known[key] = replace(case, appeal_hash=content)
        self.changes.appeals.append((event, content))
        self._emit(CASES, event, case.case_id, appeal.header.correlation_id)
        return Outcome.APPEALED

    def _refuse(self, raw: RawSubmission, message_id: uuid.UUID, deficient: Deficient) -> Outcome:
        """Record the refusal and tell the agency, in the same transaction."""
        rejection = SubmissionRejected(
            submitting_agency=deficient.agency,
            agency_reference=deficient.reference,
            rejected_at=utcnow(),
            deficiencies=deficient.deficiencies,
            raw_message=raw.location,
        )
        self.changes.rejections.append((message_id, rejection))
        subject = f"{deficient.agency or 'unknown'}:{deficient.reference or raw.location}"
        correlation = deficient.header.correlation_id if deficient.header else str(message_id)
        envelope = self._emit(
            REJECTIONS, rejection, subject, correlation, derived_id("rejection", str(message_id))
        )
        delivery = refusal_for_agency(raw.agency_header, self._agencies, envelope)
        if delivery is not None:
            self.changes.events.append(delivery)
        return Outcome.REJECTED

    def _emit(
        self,
        topic: Topic,
        data: ContractT,
        subject: str,
        correlation_id: str,
        event_id: uuid.UUID | None = None,
    ) -> Envelope[ContractT]:
        envelope = Envelope.wrap(
            data, source=SOURCE, subject=subject, correlation_id=correlation_id, event_id=event_id
        )
        self.changes.events.append((topic, envelope))
        return envelope


def _cannot_change(key: tuple[str, str], case: RegisteredCase | None) -> Deficiency | None:
    """Why an amendment or withdrawal cannot apply to the case, if it cannot."""
    if case is None:
        return _of_reference(
            "unknown_reference", f"no case is registered under reference '{key[1]}'"
        )
    if case.closed:
        return _of_reference(
            "case_closed",
            f"case {case.control_number} is decided or withdrawn and can no longer change",
        )
    return None


def _of_reference(code: str, message: str) -> Deficiency:
    """A deficiency of the message's agency reference."""
    return Deficiency(code=code, path="$.data.agency_reference", message=message)


def _deficient(
    deficiency: Deficiency,
    key: tuple[str, str] | None,
    examined: Submission | Amendment | Withdrawal | Shipment | Appeal,
) -> Deficient:
    agency, reference = key or (None, None)
    return Deficient([deficiency], agency, reference, examined.header)


def _hash(application: SubmitApplication) -> str:
    return hashlib.sha256(application.model_dump_json().encode()).hexdigest()
