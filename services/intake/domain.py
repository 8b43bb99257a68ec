"""Registration rules: what makes a submission registrable, and every way it can fall short."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from pydantic import ValidationError

from schemas.application import SubmitApplication
from schemas.envelope import EnvelopeHeader
from schemas.intake import Deficiency

JsonObject = Mapping[str, object]

SCHEMA_CODES = {"missing": "missing_field", "extra_forbidden": "unknown_field"}
PLACEHOLDER_END_USES = frozenset({"n/a", "na", "none", "tbd", "unknown", "civil use", "various"})


@dataclass(frozen=True)
class IntakePolicy:
    """Registration thresholds and the agency registry, loaded from policy data."""

    known_agencies: frozenset[str]
    max_message_bytes: int = 256 * 1024
    min_end_use_words: int = 8
    min_due_diligence_words: int = 10
    total_value_tolerance: float = 0.01
    supported_types: tuple[str, ...] = field(default=(SubmitApplication.type_name(),))


@dataclass(frozen=True)
class Registrable:
    """A submission that passed every check: its envelope and its application."""

    header: EnvelopeHeader
    application: SubmitApplication


@dataclass(frozen=True)
class Deficient:
    """A submission that cannot be registered, with every deficiency found."""

    deficiencies: list[Deficiency]
    agency: str | None = None
    reference: str | None = None
    header: EnvelopeHeader | None = None


def examine_submission(raw: bytes, policy: IntakePolicy) -> Registrable | Deficient:
    """Decode and check a raw submission; never raises on bad input."""
    document = _decode(raw, policy)
    if isinstance(document, Deficient):
        return document
    deficiencies = list(_envelope_deficiencies(document, policy))
    data = document.get("data")
    agency, reference = _identity(data)
    if isinstance(data, Mapping):
        deficiencies += _schema_deficiencies(data)
        deficiencies += [found for rule in RULES for found in rule(data, policy)]
    if deficiencies:
        return Deficient(deficiencies, agency, reference, _header_or_none(document))
    return Registrable(
        EnvelopeHeader.model_validate(document),
        SubmitApplication.model_validate(data),
    )


def _decode(raw: bytes, policy: IntakePolicy) -> JsonObject | Deficient:
    """Bytes to a JSON object, or the one deficiency that stops reading."""
    if len(raw) > policy.max_message_bytes:
        return _stop(
            "too_large",
            "$",
            f"message of {len(raw)} bytes exceeds the limit of {policy.max_message_bytes} bytes",
        )
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


def _schema_deficiencies(data: JsonObject) -> list[Deficiency]:
    try:
        SubmitApplication.model_validate(data)
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


def _words(text: str) -> int:
    return len([word for word in text.split() if any(char.isalnum() for char in word)])


def known_agency(data: JsonObject, policy: IntakePolicy) -> Iterator[Deficiency]:
    """The submitting agency must be in the agency registry."""
    agency = data.get("submitting_agency")
    if isinstance(agency, str) and agency not in policy.known_agencies:
        yield Deficiency(
            code="unknown_agency",
            path="$.data.submitting_agency",
            message=f"agency '{agency}' is not in the agency registry",
        )


def substantive_end_use(data: JsonObject, policy: IntakePolicy) -> Iterator[Deficiency]:
    """The end-use statement must say specifically what the items will be used for."""
    statement = data.get("end_use_statement")
    if not isinstance(statement, str):
        return
    if statement.strip().lower() in PLACEHOLDER_END_USES or _words(statement) < (
        policy.min_end_use_words
    ):
        yield Deficiency(
            code="end_use_not_specific",
            path="$.data.end_use_statement",
            message=f"the end-use statement must describe the specific end use in at least "
            f"{policy.min_end_use_words} words",
        )


def due_diligence_complete(data: JsonObject, policy: IntakePolicy) -> Iterator[Deficiency]:
    """The attestation must record human-rights due diligence actually done and assessed."""
    attestation = data.get("due_diligence")
    if not isinstance(attestation, Mapping):
        return
    path = "$.data.due_diligence"
    if attestation.get("performed") is False:
        yield Deficiency(
            code="due_diligence_not_performed",
            path=f"{path}.performed",
            message="human-rights due diligence must be performed before applying",
        )
    if attestation.get("end_user_assessed") is False:
        yield Deficiency(
            code="end_user_not_assessed",
            path=f"{path}.end_user_assessed",
            message="the due diligence must assess the end user",
        )
    summary = attestation.get("summary")
    if isinstance(summary, str) and _words(summary) < policy.min_due_diligence_words:
        yield Deficiency(
            code="due_diligence_too_thin",
            path=f"{path}.summary",
            message=f"the due-diligence summary must say what was assessed and "
            f"found, in at least {policy.min_due_diligence_words} words",
        )


def consistent_totals(data: JsonObject, policy: IntakePolicy) -> Iterator[Deficiency]:
    """Each item's total value must equal quantity times unit value."""
    items = data.get("items")
    if not isinstance(items, list):
        return
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            continue
        try:
            quantity, unit, total = (
                float(str(item[key])) for key in ("quantity", "unit_value", "total_value")
            )
        except (KeyError, ValueError):
            continue
        if abs(quantity * unit - total) > policy.total_value_tolerance * max(total, 1.0):
            yield Deficiency(
                code="total_value_mismatch",
                path=f"$.data.items[{index}].total_value",
                message=f"total value {total:g} is not quantity {quantity:g}"
                f" times unit value {unit:g}",
            )


RULES: tuple[Callable[[JsonObject, IntakePolicy], Iterator[Deficiency]], ...] = (
    known_agency,
    substantive_end_use,
    due_diligence_complete,
    consistent_totals,
)


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
