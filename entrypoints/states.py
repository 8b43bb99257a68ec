"""Several subscribing states' deployments on one machine, as `caseflow demo --states N` and the
three-state test run them: each state its own folder, PostgreSQL, broker, ports and HTTPS point
of contact; the state that runs cases its own Temporal (the others run no workflow); their points
of contact introduced to each other as their operators would."""

from __future__ import annotations

import contextlib
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from caseflow.auth import AccountRefused, Principal, Role
from caseflow.auth.accounts import open_accounts
from caseflow.auth.tokens import issuer
from caseflow.kafka import start_producer
from caseflow.loopback import free_ports
from caseflow.service_api import ServiceClient
from caseflow.settings import Settings
from entrypoints.processes import start_processes
from entrypoints.stack import start_stack
from schemas.application import SubmitApplication
from schemas.consultation import CaseParty, ShareNotice
from schemas.envelope import Envelope
from schemas.screening import NoticeKind
from schemas.topics import CONSULTATION_REQUESTS

STATES = (("DE", "Germany"), ("FR", "France"), ("IT", "Italy"), ("NL", "Netherlands"))
CASE_PROCESSES = ("intake", "screening", "consultation", "bridge", "worker", "sharing")
NOTICE_PROCESSES = ("consultation", "sharing")


@dataclass(frozen=True)
class TlsFiles:
    """A local CA and the certificate every point of contact on this machine serves."""

    ca: Path
    certificate: Path
    key: Path


@dataclass(frozen=True)
class StateDeployment:
    """One state's caseflow: its settings, and whether it runs cases (Temporal) too."""

    code: str
    name: str
    settings: Settings
    runs_cases: bool

    @property
    def processes(self) -> tuple[str, ...]:
        """The processes it runs."""
        return CASE_PROCESSES if self.runs_cases else NOTICE_PROCESSES


def local_certificates(folder: Path) -> TlsFiles:
    """A throwaway CA and a certificate for 127.0.0.1 and localhost signed by it (made once)."""
    files = TlsFiles(folder / "ca.pem", folder / "poc.pem", folder / "poc-key.pem")
    if files.ca.exists() and files.certificate.exists() and files.key.exists():
        return files
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "caseflow local states CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    files.ca.write_bytes(ca.public_bytes(pem))
    files.certificate.write_bytes(certificate.public_bytes(pem))
    files.key.write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    files.key.chmod(0o600)
    return files


def plan_states(
    root: Path, count: int, runs_cases: str = "FR", folders: list[Path] | None = None
) -> list[StateDeployment]:
    """`count` states, each in its folder (given, or under `root`) with free ports and the
    local certificates (kept under `root`)."""
    if not 2 <= count <= len(STATES):
        raise ValueError(f"between 2 and {len(STATES)} states")
    tls = local_certificates(root / "tls")
    ports = iter(free_ports(5 * count))
    deployments = []
    for position, (code, name) in enumerate(STATES[:count]):
        settings = Settings(
            state_dir=folders[position] if folders else root / code.lower(),
            kafka_port=next(ports),
            temporal_port=next(ports),
            temporal_ui_port=next(ports),
            codec_port=next(ports),
            # Fixed: partners keep this address, a restart must come back to it.
            sharing_http_port=next(ports),
            state_code=code,
            state_name=name,
            sharing_tls_certfile=tls.certificate,
            sharing_tls_keyfile=tls.key,
            sharing_tls_cafile=tls.ca,
            sharing_retry_max_seconds=5.0,
        )
        deployments.append(StateDeployment(code, name, settings, code == runs_cases))
    return deployments


async def start_state(deployment: StateDeployment, temporal_address: str | None) -> None:
    """Its servers and processes; a state that runs no case uses `temporal_address` (its
    processes never call it) rather than a Temporal of its own."""
    settings = deployment.settings
    if not deployment.runs_cases and temporal_address is not None:
        settings = settings.model_copy(update={"temporal_address": temporal_address})
    await start_stack(settings)
    await start_processes(settings, deployment.processes)


async def operator_token(settings: Settings) -> str:
    """A token of the state's operator account (made on first use)."""
    principal = Principal(name=f"operator-{settings.state_code or 'x'}".lower(), role=Role.OPERATOR)
    async with open_accounts(settings.endpoints().database) as accounts:
        with contextlib.suppress(AccountRefused):  # made by an earlier run
            await accounts.add(principal, secrets.token_urlsafe(24))
    return issuer(settings).issue(principal, timedelta(hours=8))


async def call_contact(
    settings: Settings, method: str, path: str, body: dict[str, Any] | None = None
) -> Any:
    """The state's point of contact's answer, called as its operator."""
    client = ServiceClient.of(settings, "sharing")
    return await client.call(method, path, await operator_token(settings), body)


async def introduce(deployments: list[StateDeployment]) -> None:
    """Each state's operators add every other state with the key it publishes."""
    identities = {
        d.code: await call_contact(d.settings, "GET", "/exchange/v1/identity") for d in deployments
    }
    for deployment in deployments:
        known = {p["state"] for p in await call_contact(deployment.settings, "GET", "/partners")}
        for other in deployments:
            if other.code == deployment.code or other.code in known:
                continue
            identity = identities[other.code]
            await call_contact(
                deployment.settings,
                "POST",
                "/partners",
                {
                    "state": other.code,
                    "name": other.name,
                    "url": ServiceClient.of(other.settings, "sharing").url,
                    "key_id": identity["key_id"],
                    "public_key": identity["public_key"],
                    "reason": f"{other.name} subscribes to the Code of Conduct; key given by its "
                    "operators",
                },
            )


async def issue_denial(
    deployment: StateDeployment, application: SubmitApplication, number: str, reason: str
) -> str:
    """What a human-rights denial in this state asks of its consultation service (the command
    LicenseCase sends on such a decision): share a denial notice. Its id."""
    notice_id = f"{deployment.code}/{number}/denial"
    command = ShareNotice(
        case_id=f"{deployment.code.lower()}-case-{number}",
        kind=NoticeKind.DENIAL,
        issuing_state=deployment.code,
        notice_id=notice_id,
        destination_country=application.destination_country,
        parties=[
            CaseParty(role=role, name=party.name, country=party.address.country)
            for role, party in application.parties()
        ],
        technology_categories=[c for item in application.items for c in item.technology_categories],
        reason=reason,
        contact=f"Export control authority of {deployment.name}",
    )
    envelope = Envelope.wrap(
        command, source="caseflow-worker", subject=command.case_id, correlation_id=notice_id
    )
    producer = await start_producer(deployment.settings.endpoints().kafka, "caseflow-states")
    try:
        await producer.send_and_wait(
            CONSULTATION_REQUESTS.name,
            envelope.model_dump_json().encode(),
            key=command.case_id.encode(),
        )
    finally:
        await producer.stop()
    return notice_id
