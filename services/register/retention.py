"""Retention as policy data, and what it does past its end: individuals' personal data is
pseudonymised, the decision kept. Pure functions, no I/O."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, Field, JsonValue

from schemas.register import RecordedEvent

POLICY_FILE = Path(__file__).parent / "data" / "retention.json"
PSEUDONYMISED = "(pseudonymised)"
# Keys whose value names a person who acted: officers, chairs, whoever answered or attested.
PERSON_KEYS = frozenset(
    {
        "reviewer_id",
        "decided_by",
        "countersigned_by",
        "answered_by",
        "recorded_by",
        "referred_by",
        "requested_by",
        "granted_by",
        "cleared_by",
        "changed_by",
        "resolved_by",
        "attested_by",
        "by",
    }
)
# A name this short inside free text is more likely part of a word than the person.
SHORTEST_NAME_IN_TEXT = 4


class RetentionPolicy(BaseModel):
    """How long a decided case's personal data is kept, and the rule that says so."""

    keep_years_after_decision: int = Field(ge=1, description="Whole years after the decision.")
    source: str = Field(min_length=1, description="The law or rule the period comes from.")
    policy_version: str = Field(min_length=1)

    @classmethod
    def load(cls, path: Path | None = None) -> RetentionPolicy:
        """The policy file (default: the shipped `data/retention.json`)."""
        return cls.model_validate_json((path or POLICY_FILE).read_text())

    def keep_until(self, decided_at: datetime) -> datetime:
        """The moment the case's personal data is past retention."""
        return _add_years(decided_at, self.keep_years_after_decision)

    def cutoff(self, now: datetime) -> datetime:
        """Cases decided before this moment are past retention at `now`."""
        return _add_years(now, -self.keep_years_after_decision)


def _add_years(moment: datetime, years: int) -> datetime:
    """The same day and time `years` later; 29 February becomes 28 February."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


@dataclass
class Pseudonyms:
    """Each person's stable pseudonym within one case (keyed hash; the key is not kept)."""

    key: bytes
    names: dict[str, str] = field(default_factory=dict)

    def of(self, value: str) -> str:
        """The pseudonym of a name or id, the same each time it appears in the case."""
        if value not in self.names:
            digest = hmac.new(self.key, value.encode(), hashlib.sha256).hexdigest()
            self.names[value] = f"person-{digest[:10]}"
        return self.names[value]


@dataclass(frozen=True)
class Pseudonymised:
    """The events with personal data replaced, and where each replacement was made."""

    events: list[RecordedEvent]
    fields: list[str]


def pseudonymise(events: list[RecordedEvent], key: bytes) -> Pseudonymised:
    """Replace individuals' names and addresses, and the ids of the people who acted, by
    pseudonyms, everywhere in the case's events; outcomes, rationale, conditions, grounds,
    assessments and dates stay as they were."""
    pseudonyms = Pseudonyms(key)
    for event in events:
        _collect(event.data, pseudonyms)
    in_text = sorted(
        (name for name in pseudonyms.names if len(name) >= SHORTEST_NAME_IN_TEXT),
        key=len,
        reverse=True,
    )
    changed: list[str] = []
    replaced = []
    for event in events:
        data = _replace(event.data, None, pseudonyms, in_text, f"{event.type}$", changed)
        assert isinstance(data, dict)
        replaced.append(event.model_copy(update={"data": data}))
    return Pseudonymised(replaced, list(dict.fromkeys(changed)))


def _collect(value: JsonValue, pseudonyms: Pseudonyms) -> None:
    """Give a pseudonym to every individual party and every person who acted."""
    if isinstance(value, list):
        for item in value:
            _collect(item, pseudonyms)
    if not isinstance(value, dict):
        return
    if value.get("kind") == "individual" and isinstance(value.get("name"), str):
        pseudonyms.of(str(value["name"]))
    for key, item in value.items():
        if isinstance(item, str) and item and _names_person(key, value):
            pseudonyms.of(item)
        else:
            _collect(item, pseudonyms)


def _names_person(key: str, owner: dict[str, JsonValue]) -> bool:
    """Whether `owner[key]` names a person: an actor's key, or the id of a `Reviewer`."""
    return key in PERSON_KEYS or (key == "id" and "role" in owner)


def _replace(
    value: JsonValue,
    key: str | None,
    pseudonyms: Pseudonyms,
    in_text: list[str],
    path: str,
    changed: list[str],
) -> JsonValue:
    if isinstance(value, list):
        return [
            _replace(item, None, pseudonyms, in_text, f"{path}[{i}]", changed)
            for i, item in enumerate(value)
        ]
    if isinstance(value, dict):
        return _replace_in_object(value, pseudonyms, in_text, path, changed)
    if not isinstance(value, str):
        return value
    if value in pseudonyms.names:
        new = pseudonyms.of(value)
    else:
        new = value
        for name in in_text:
            new = new.replace(name, pseudonyms.of(name))
    if new != value:
        changed.append(path)
    return new


def _replace_in_object(
    value: dict[str, JsonValue],
    pseudonyms: Pseudonyms,
    in_text: list[str],
    path: str,
    changed: list[str],
) -> dict[str, JsonValue]:
    result = {
        key: _replace(item, key, pseudonyms, in_text, f"{path}.{key}", changed)
        for key, item in value.items()
    }
    if value.get("kind") == "individual" and isinstance(result.get("address"), dict):
        address = dict(result["address"])  # type: ignore[arg-type]
        for line in ("street", "postal_code", "region"):
            if address.get(line):
                address[line] = PSEUDONYMISED if line == "street" else None
                changed.append(f"{path}.address.{line}")
        result["address"] = address
    return result


def keep_until_of(policy: RetentionPolicy, decided_at: datetime | None) -> datetime | None:
    """When a case's personal data falls past retention (None while undecided)."""
    return policy.keep_until(decided_at) if decided_at is not None else None


def is_past_retention(policy: RetentionPolicy, decided_at: datetime, now: datetime) -> bool:
    """Whether a case decided then is past retention now."""
    return policy.keep_until(decided_at) <= now


def describe(policy: RetentionPolicy) -> str:
    """The policy in one line, for the CLI and the printable page."""
    years = policy.keep_years_after_decision
    return f"{years} years after the decision ({policy.source})"
