"""Who may read and write which Kafka topic: the ACLs docker-compose.yml sets, declared once.

Each service has a principal of its own (its process name) and each agency one named by its
registry code. An agency writes submissions and reads its own topic, nothing else: not the
internal `caseflow.cases`, not another agency's topic. The embedded broker has no ACLs; a
Kafka cluster gets these from the `kafka-access` job (deploy/kafka/set-access.sh).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from schemas.topics import (
    AGENCY_TOPIC_PREFIX,
    CASES,
    CONSULTATION_REQUESTS,
    CONSULTATION_RESPONSES,
    PARKED,
    REJECTIONS,
    REVIEW_ACTIONS,
    SCREENING_REQUESTS,
    SCREENING_RESULTS,
    SHARING_NOTICES,
    SUBMISSIONS,
    Topic,
    agency_topic,
)
from services.audit.config import AUDITED
from services.register.config import REGISTERED

Operation = Literal["Read", "Write"]
Resource = Literal["topic", "group"]


@dataclass(frozen=True)
class Grant:
    """One ACL: `principal` may `operation` the topic or consumer group; `*` ends a prefix."""

    principal: str
    operation: Operation
    resource: Resource
    name: str

    def spec(self) -> str:
        """As deploy/kafka/set-access.sh takes it: PRINCIPAL:OPERATION:RESOURCE:NAME."""
        return f"{self.principal}:{self.operation}:{self.resource}:{self.name}"


@dataclass(frozen=True)
class ServiceAccess:
    """The topics one service reads and writes (every one also parks messages)."""

    reads: tuple[Topic, ...]
    writes: tuple[Topic, ...]
    writes_to_agencies: bool = False


# The worker has no consumer: its activities publish the workflow's events.
SERVICES: dict[str, ServiceAccess] = {
    "intake": ServiceAccess((SUBMISSIONS, CASES), (CASES, REJECTIONS), writes_to_agencies=True),
    "screening": ServiceAccess(
        (SCREENING_REQUESTS, CASES, SHARING_NOTICES), (SCREENING_RESULTS, SCREENING_REQUESTS)
    ),
    "consultation": ServiceAccess(
        (CONSULTATION_REQUESTS,), (CONSULTATION_RESPONSES, SHARING_NOTICES)
    ),
    # The bridge writes one thing: the refusal of a shipment no licence workflow can check.
    "bridge": ServiceAccess((CASES, CONSULTATION_RESPONSES, SCREENING_RESULTS), (CASES,)),
    "worker": ServiceAccess((), (CASES, SCREENING_REQUESTS, CONSULTATION_REQUESTS, REVIEW_ACTIONS)),
    "audit": ServiceAccess(AUDITED, ()),
    "register": ServiceAccess(REGISTERED, ()),
    # The point of contact: this state's notices in, partners' verified notices out.
    "sharing": ServiceAccess((SHARING_NOTICES,), (SHARING_NOTICES,)),
}


def service_grants(name: str, access: ServiceAccess) -> list[Grant]:
    """A service's ACLs: its topics, parking, and its consumer groups (`caseflow-<name>…`)."""
    grants = [Grant(name, "Read", "topic", topic.name) for topic in access.reads]
    grants += [Grant(name, "Write", "topic", topic.name) for topic in (*access.writes, PARKED)]
    if access.writes_to_agencies:
        grants.append(Grant(name, "Write", "topic", f"{AGENCY_TOPIC_PREFIX}*"))
    if access.reads:
        grants.append(Grant(name, "Read", "group", f"caseflow-{name}*"))
    return grants


def agency_grants(agency: str) -> list[Grant]:
    """An agency's ACLs: write submissions, read its own topic, with consumer groups named
    `caseflow-agency-<CODE>.<anything>` (the dot keeps one code from prefixing another's)."""
    return [
        Grant(agency, "Write", "topic", SUBMISSIONS.name),
        Grant(agency, "Read", "topic", agency_topic(agency).name),
        Grant(agency, "Read", "group", f"caseflow-agency-{agency}.*"),
    ]


def all_grants(agencies: Iterable[str]) -> list[Grant]:
    """Every ACL of a caseflow cluster: the services' and each agency's."""
    grants = [grant for name, access in SERVICES.items() for grant in service_grants(name, access)]
    return grants + [grant for agency in agencies for grant in agency_grants(agency)]
