"""Input limits, in one place: every size caseflow refuses beyond, each named when it refuses.

Documented defaults (README, "Limits"). Each limit sits below the one of the layer behind it, so
the refusal comes early and says which limit it was: a desk request body (256 KiB) fits in a
Temporal payload (512 KiB), which is far below Temporal's own refusals (2 MiB per payload, 4 MiB
per gRPC message), and a submission (256 KiB) fits below Kafka's default 1 MiB message.
"""

from __future__ import annotations

from dataclasses import dataclass

KIB = 1024


@dataclass(frozen=True)
class Limit:
    """A size limit: its name in refusals and documentation, and how many bytes it allows."""

    name: str
    max_bytes: int
    of: str

    def exceeded_by(self, size: int) -> str | None:
        """Why `size` bytes are refused, naming the limit; None when they fit."""
        if size <= self.max_bytes:
            return None
        return f"{self.of} of {size} bytes exceeds the limit {self.name} of {self.max_bytes} bytes"


DESK_REQUEST_BODY = Limit("desk_request_body", 256 * KIB, "the request body")
SUBMISSION_MESSAGE = Limit("submission_message", 256 * KIB, "the message")
TEMPORAL_PAYLOAD = Limit("temporal_payload", 512 * KIB, "the encoded payload")
# A million Consolidated Screening List records take about 1 GiB as JSON.
LIST_FILE = Limit("list_file", 4 * KIB**3, "the list file")

ALL_LIMITS: tuple[Limit, ...] = (DESK_REQUEST_BODY, SUBMISSION_MESSAGE, TEMPORAL_PAYLOAD, LIST_FILE)


@dataclass(frozen=True)
class CountLimit:
    """A limit on how many of something a field holds: characters of a text, items of a list."""

    name: str
    most: int
    unit: str

    def exceeded_by(self, where: str, count: int) -> str | None:
        """Why `count` is refused at `where`, naming the limit; None when it fits."""
        if count <= self.most:
            return None
        return f"{where} has {count} {self.unit}: the limit {self.name} is {self.most}"


# Every text and list of a reviewer's task (a rationale, conditions, grounds, questions,
# stakeholders), checked by the case's validator before anything else, whoever sends the task
# (the desk, the CLI, a raw Update); both sit well inside TEMPORAL_PAYLOAD.
REVIEWER_TEXT = CountLimit("reviewer_text", 10_000, "characters")
REVIEWER_LIST = CountLimit("reviewer_list", 50, "items")
