"""The licence's outbox: events queued by any step or handler, published in order on the
cases topic, keyed by the licence's case so that they follow the case's own events."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.envelope import Contract, derived_id
    from schemas.topics import CASES
    from workflows.licence_model import LicenceState
    from workflows.outbox import EventQueue, publish_locally


class LicenceOutbox(EventQueue):
    """The licence's events, published by a local activity."""

    def __init__(self, licence: LicenceState) -> None:
        super().__init__(publish_locally)
        self._licence = licence

    def add(self, data: Contract) -> None:
        """Queue `data`; its id derives from the licence and its place, so a retry is known."""
        licence = self._licence
        licence.events_queued += 1
        event_id = derived_id("licence", licence.issued.licence_number, str(licence.events_queued))
        self.queue(CASES, event_id, licence.issued.case_id, licence.correlation_id, data)
