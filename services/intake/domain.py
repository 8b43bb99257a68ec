"""Reading intake's messages: what an agency sent, and every way it falls short."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

from pydantic import BaseModel, ValidationError

from caseflow.limits import SUBMISSION_MESSAGE
from schemas.appeals import AppealDecision
from schemas.application import AmendApplication, SubmitApplication, WithdrawApplication
from schemas.cases import FieldChange
from schemas.envelope import Contract, EnvelopeHeader
from schemas.intake import Deficiency
from schemas.licences import ReportShipment
from services.intake.policy import AGENCY_HEADER, IntakePolicy
from services.intake.rules import RULES

JsonObject = Mapping[str, object]

SCHEMA_CODES = {"missing": "missing_field", "extra_forbidden": "unknown_field"}

# Where, inside each command's data, the application that the rules check lies.
APPLICATION_PATHS: dict[str, tuple[type[Contract], str | None]] = {
    SubmitApplication.type_name(): (SubmitApplication, ""),
    AmendApplication.type_name(): (AmendApplication, "application"),
    WithdrawApplication.type_name(): (WithdrawApplication, None),
    ReportShipment.type_name(): (ReportShipment, None),
    AppealDecision.type_name(): (AppealDecision, None),
}


@dataclass(frozen=True)
class Submission:
    """A new application that passed every check."""

    header: EnvelopeHeader
    application: SubmitApplication


@dataclass(frozen=True)
class Amendment:
    """An amendment whose amended application passed every check."""

    header: EnvelopeHeader
    command: AmendApplication


@dataclass(frozen=True)
class Withdrawal:
    """A well-formed withdrawal."""

    header: EnvelopeHeader
    command: WithdrawApplication


@dataclass(frozen=True)
class Shipment:
    """A well-formed shipment report; the licence's workflow checks it against the licence."""

    header: EnvelopeHeader
    command: ReportShipment


@dataclass(frozen=True)
class Appeal:
    """A well-formed appeal of a decided case (whether it may be filed is checked against the
    case: `services.intake.appeals`)."""

    header: EnvelopeHeader
    command: AppealDecision


@dataclass(frozen=True)
class Deficient:
    """A message that cannot be acted on, with every deficiency found."""

    deficiencies: list[Deficiency]
    agency: str | None = None
    reference: str | None = None
    header: EnvelopeHeader | None = None


Examined = Submission | Amendment | Withdrawal | Shipment | Appeal | Deficient


def examine_message(raw: bytes, policy: IntakePolicy, agency_header: str | None) -> Examined:
    """Decode and check a raw message from an agency; never raises on bad input."""
    document = _decode(raw, policy)
    if isinstance(document, Deficient):
        return document
    deficiencies = list(_envelope_deficiencies(document, policy))
    data = document.get("data")
    agency, reference = _identity(data)
    deficiencies += _sender_deficiencies(agency, agency_header)
    contract = APPLICATION_PATHS.get(str(document.get("type")))
    if contract is not None and isinstance(data, Mapping):
        deficiencies += _content_deficiencies(data, policy, *contract)
    if deficiencies or contract is None:
        return Deficient(deficiencies, agency, reference, _header_or_none(document))
    header = EnvelopeHeader.model_validate(document)
    command = contract[0].model_validate(data)
    if isinstance(command, SubmitApplication):
        return Submission(header, command)
    if isinstance(command, AmendApplication):
        return Amendment(header, command)
    if isinstance(command, ReportShipment):
        return Shipment(header, command)
    if isinstance(command, AppealDecision):
        return Appeal(header, command)
    assert isinstance(command, WithdrawApplication)
    return Withdrawal(header, command)


def _sender_deficiencies(agency: str | None, agency_header: str | None) -> list[Deficiency]:
    """The gateway's agency identity must be present and match the agency in the message."""
    if agency_header is None:
        return [
            Deficiency(
                code="sender_unknown",
                path="$",
                message=f"the message has no '{AGENCY_HEADER}' header: agencies "
                "submit through the agency gateway",
            )
        ]
    if agency is not None and agency != agency_header:
        return [
            Deficiency(
                code="not_your_case",
                path="$.data.submitting_agency",
                message=f"agency '{agency_header}' cannot act for '{agency}'",
            )
        ]
    return []


def _content_deficiencies(
    data: JsonObject, policy: IntakePolicy, contract: type[Contract], inner: str | None
) -> list[Deficiency]:
    """Schema errors of the whole command, then the rules over its application, if any."""
    found = list(_schema_deficiencies(data, contract))
    if inner is None:
        return found
    application = data.get(inner) if inner else data
    base = f"$.data.{inner}" if inner else "$.data"
    if isinstance(application, Mapping):
        found += [deficiency for rule in RULES for deficiency in rule(application, policy, base)]
        if inner and _identity(application) != _identity(data):
            found.append(
                Deficiency(
                    code="reference_mismatch",
                    path=f"{base}.agency_reference",
                    message="the amended application must keep the agency "
                    "and reference of the case it amends",
                )
            )
    return found


def _decode(raw: bytes, policy: IntakePolicy) -> JsonObject | Deficient:
    """Bytes to a JSON object, or the one deficiency that stops reading."""
    limit = replace(SUBMISSION_MESSAGE, max_bytes=policy.max_message_bytes)
    too_large = limit.exceeded_by(len(raw))
    if too_large is not None:
        return _stop("too_large", "$", too_large)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return _stop("not_utf8", "$", f"message is not UTF-8: byte {error.start} is invalid")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        return _stop(
            "not_json",
            "$",
            f"message is not JSON: {error.msg} at line {error.lineno} column {error.colno}",
        )
    except RecursionError:
        return _stop("too_deep", "$", "message nests too deeply to read")
    if not isinstance(document, dict):
        return _stop("not_an_object", "$", "message must be a JSON object (an event envelope)")
    return document


def _stop(code: str, path: str, message: str) -> Deficient:
    return Deficient([Deficiency(code=code, path=path, message=message)])


def _envelope_deficiencies(document: JsonObject, policy: IntakePolicy) -> Iterator[Deficiency]:
    """The envelope's own fields, and whether its type and version are ones intake knows."""
    try:
        EnvelopeHeader.model_validate(document)
    except ValidationError as error:
        yield from _from_validation_error(error, "$")
    kind = document.get("type")
    if isinstance(kind, str) and kind not in policy.supported_types:
        name = kind.rsplit(".v", 1)[0]
        known_names = {supported.rsplit(".v", 1)[0] for supported in policy.supported_types}
        code = "unsupported_version" if name in known_names else "unknown_type"
        yield Deficiency(
            code=code,
            path="$.type",
            message=f"type '{kind}' is not accepted; intake accepts "
            + ", ".join(policy.supported_types),
        )
    if "data" not in document:
        yield Deficiency(code="missing_field", path="$.data", message="the envelope has no data")
    elif not isinstance(document["data"], Mapping):
        yield Deficiency(code="invalid_type", path="$.data", message="data must be an object")


def _schema_deficiencies(data: JsonObject, contract: type[BaseModel]) -> list[Deficiency]:
    try:
        contract.model_validate(data)
    except ValidationError as error:
        return list(_from_validation_error(error, "$.data"))
    return []


def _from_validation_error(error: ValidationError, root: str) -> Iterator[Deficiency]:
    """One deficiency per pydantic error, with the JSON path of the offending value."""
    for detail in error.errors(include_url=False):
        kind = detail["type"]
        code = SCHEMA_CODES.get(
            kind, kind if kind.startswith(("unknown_", "malformed_")) else "invalid_value"
        )
        yield Deficiency(code=code, path=json_path(root, detail["loc"]), message=detail["msg"])


def json_path(root: str, location: tuple[int | str, ...]) -> str:
    """`$.data` + ('items', 0, 'currency') -> `$.data.items[0].currency`."""
    path = root
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _identity(data: object) -> tuple[str | None, str | None]:
    """Agency and reference, when readable, so a rejection can be addressed."""
    if not isinstance(data, Mapping):
        return None, None
    agency, reference = data.get("submitting_agency"), data.get("agency_reference")
    return (
        agency if isinstance(agency, str) else None,
        reference if isinstance(reference, str) else None,
    )


def _header_or_none(document: JsonObject) -> EnvelopeHeader | None:
    try:
        return EnvelopeHeader.model_validate(document)
    except ValidationError:
        return None


def normalise_names(application: SubmitApplication) -> SubmitApplication:
    """NFKC-normalise every party name, so one spelling is stored and screened."""

    def fix(value: object) -> object:
        if isinstance(value, dict):
            return {
                key: (
                    unicodedata.normalize("NFKC", item).strip()
                    if key == "name" and isinstance(item, str)
                    else fix(item)
                )
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [fix(item) for item in value]
        return value

    return SubmitApplication.model_validate(fix(application.model_dump(mode="json")))


def changes_between(before: SubmitApplication, after: SubmitApplication) -> list[FieldChange]:
    """Every value that differs, by JSON path: what an amendment changed."""
    changes: list[FieldChange] = []
    _compare(before.model_dump(mode="json"), after.model_dump(mode="json"), "$", changes)
    return changes


def _compare(before: object, after: object, path: str, changes: list[FieldChange]) -> None:
    if isinstance(before, dict) and isinstance(after, dict):
        for key in dict.fromkeys([*before, *after]):
            _compare(before.get(key), after.get(key), f"{path}.{key}", changes)
    elif isinstance(before, list) and isinstance(after, list):
        for index in range(max(len(before), len(after))):
            _compare(
                before[index] if index < len(before) else None,
                after[index] if index < len(after) else None,
                f"{path}[{index}]",
                changes,
            )
    elif before != after:
        changes.append(
            FieldChange(
                path=path,
                before=None if before is None else json.dumps(before),
                after=None if after is None else json.dumps(after),
            )
        )
