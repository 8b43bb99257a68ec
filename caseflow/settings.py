"""The one settings loader: environment variables prefixed CASEFLOW_, read at the edges only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The codecs caseflow's producers may compress with.
Codec = Literal["none", "gzip", "snappy", "lz4", "zstd"]


class Settings(BaseSettings):
    """Where caseflow's servers are and where its state lives."""

    model_config = SettingsConfigDict(env_prefix="CASEFLOW_", extra="ignore")

    state_dir: Path = Field(
        default=Path(".state"),
        description="Folder holding the embedded servers' data, logs and pid files.",
    )
    database_url: SecretStr | None = Field(
        default=None, description="PostgreSQL URL; unset means the embedded server."
    )
    database_sslmode: Literal["disable", "prefer", "require", "verify-ca", "verify-full"] | None = (
        Field(default=None, description="TLS to PostgreSQL (libpq sslmode); unset: the URL's.")
    )
    database_sslrootcert: Path | None = Field(
        default=None, description="CA certificate that signed the PostgreSQL server's."
    )
    kafka_bootstrap: str | None = Field(
        default=None, description="Kafka bootstrap servers; unset means the embedded broker."
    )
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        default="PLAINTEXT", description="How every Kafka client talks to the brokers."
    )
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = "SCRAM-SHA-512"
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_cafile: Path | None = Field(
        default=None, description="CA certificate of the brokers (TLS); unset: the system's."
    )
    payload_keys: SecretStr | None = Field(
        default=None,
        description="AES keys for Temporal payloads as `id:base64,id:base64`, the active one "
        "first; unset: a key generated once into <state dir>/keys/payload-keys.",
    )
    codec_host: str = Field(default="127.0.0.1", description="Address the codec server binds.")
    codec_port: int = Field(default=8235, description="Port of the codec server for the UI.")
    codec_url: str | None = Field(
        default=None, description="The codec server's address as the UI's browser reaches it."
    )
    codec_cors_origins: str | None = Field(
        default=None,
        description="Comma-separated origins allowed to call the codec server; unset: the UI's.",
    )
    temporal_address: str | None = Field(
        default=None, description="Temporal frontend host:port; unset means the dev server."
    )
    temporal_namespace: str = "default"
    temporal_tls_ca_file: Path | None = Field(
        default=None,
        description="With Temporal's mTLS on (docs/security.md): the CA its certificate is "
        "checked against; the client certificate and key follow.",
    )
    temporal_tls_cert_file: Path | None = None
    temporal_tls_key_file: Path | None = None
    temporal_tls_server_name: str | None = Field(
        default=None, description="The name on the Temporal frontend's certificate."
    )
    temporal_token: SecretStr | None = Field(
        default=None,
        description="With Temporal's JWT authorisation on: this process's service token "
        "(`caseflow users service-token`), sent with every Temporal call.",
    )

    @field_validator(
        "temporal_tls_ca_file",
        "temporal_tls_cert_file",
        "temporal_tls_key_file",
        "temporal_tls_server_name",
        "temporal_token",
        "state_code",
        "state_name",
        "sharing_tls_certfile",
        "sharing_tls_keyfile",
        "sharing_tls_cafile",
        "adopted_policy_dir",
        mode="before",
    )
    @classmethod
    def _unset_when_empty(cls, value: object) -> object:
        """Compose passes an unset variable as empty: that means off, not the path '.'."""
        return None if value == "" else value

    temporal_ui_url: str | None = Field(
        default=None, description="Temporal Web UI address shown to operators."
    )
    kafka_port: int = 9092
    temporal_port: int = 7233
    temporal_ui_port: int = 8233
    consultation_http_host: str = Field(
        default="127.0.0.1", description="Address the consultation HTTP API listens on."
    )
    consultation_http_port: int | None = Field(
        default=None,
        description="Port of the consultation HTTP API; unset: 8300, or any free port while "
        "8300 is taken (the address is logged and written to <state dir>/run/consultation.url).",
    )
    screening_http_host: str = Field(
        default="127.0.0.1", description="Address the screening HTTP API listens on."
    )
    screening_http_port: int | None = Field(
        default=None,
        description="Port of the screening HTTP API; unset: 8310, or any free port while "
        "8310 is taken (the address is logged and written to <state dir>/run/screening.url).",
    )
    screening_processes: int | None = Field(
        default=None,
        ge=1,
        description="Worker processes a re-screen after a list update screens parties in full "
        "on (forked with the index); unset: one per core; 1: the screening process alone.",
    )
    screening_processes_from: int = Field(
        default=400,
        ge=1,
        description="Parties a re-screen screens in full from which forking the worker "
        "processes is worth their start; fewer are screened in the screening process.",
    )
    intake_http_host: str = Field(
        default="127.0.0.1", description="Address the intake HTTP API listens on."
    )
    intake_http_port: int | None = Field(
        default=None,
        description="Port of the intake HTTP API; unset: 8320, or any free port while 8320 is "
        "taken (the address is logged and written to <state dir>/run/intake.url).",
    )
    intake_url: str | None = Field(
        default=None,
        description="Where the CLI reaches the intake API; unset: the address in "
        "<state dir>/run/intake.url.",
    )
    audit_http_host: str = Field(
        default="127.0.0.1", description="Address the audit service's HTTP API listens on."
    )
    audit_http_port: int | None = Field(
        default=None,
        description="Port of the audit service's HTTP API; unset: 8330, or any free port while "
        "8330 is taken (the address is logged and written to <state dir>/run/audit.url).",
    )
    audit_url: str | None = Field(
        default=None,
        description="Where the CLI reaches the audit API; unset: the address in "
        "<state dir>/run/audit.url.",
    )
    consultation_url: str | None = Field(
        default=None,
        description="Where the desk and the CLI reach the consultation API; unset: the address "
        "in <state dir>/run/consultation.url.",
    )
    screening_url: str | None = Field(
        default=None,
        description="Where the desk and the CLI reach the screening API; unset: the address "
        "in <state dir>/run/screening.url.",
    )
    state_code: str | None = Field(
        default=None,
        description="The ISO 3166-1 code of the state this deployment speaks for (e.g. `DE`); "
        "unset: the point of contact neither sends nor takes in notices.",
    )
    state_name: str | None = Field(default=None, description="That state's name.")
    sharing_http_host: str = Field(
        default="127.0.0.1", description="Address the point of contact listens on."
    )
    sharing_http_port: int | None = Field(
        default=None,
        description="Port of the point of contact; unset: 8340, or any free port while 8340 is "
        "taken (written to <state dir>/run/sharing.url).",
    )
    sharing_url: str | None = Field(
        default=None,
        description="Where the CLI reaches the point of contact; unset: the address in "
        "<state dir>/run/sharing.url.",
    )
    sharing_tls_certfile: Path | None = Field(
        default=None, description="Certificate (PEM) to serve the point of contact over HTTPS."
    )
    sharing_tls_keyfile: Path | None = Field(default=None, description="Its private key (PEM).")
    sharing_tls_cafile: Path | None = Field(
        default=None,
        description="CA bundle partners' HTTPS certificates are checked against; unset: the "
        "system's.",
    )
    sharing_window_seconds: int = Field(
        default=300, ge=5, description="How far a signed request's time may be from now."
    )
    sharing_key_grace_seconds: int = Field(
        default=3600, ge=0, description="How long a partner's rotated-out key is still accepted."
    )
    sharing_max_body_bytes: int = Field(
        default=262144, ge=1024, description="Largest notice body taken in."
    )
    adopted_policy_dir: Path | None = Field(
        default=None,
        description="Where the point of contact writes the policy parts adopted from partners' "
        "bundles and screening and consultation read them at start; unset: <state dir>/policy. "
        "A part without a file there is the shipped one.",
    )
    sharing_retry_max_seconds: float = Field(
        default=60.0, gt=0, description="Longest wait between two attempts to deliver a notice."
    )
    desk_http_host: str = Field(
        default="127.0.0.1", description="Address the reviewer desk (web page and API) listens on."
    )
    desk_trusted_proxies: str = Field(
        default="127.0.0.1",
        description="Comma-separated addresses (or *) of reverse proxies whose "
        "X-Forwarded-For the desk believes: sign-in limits count the client it names.",
    )
    desk_http_port: int | None = Field(
        default=None,
        description="Port of the reviewer desk; unset: 8400, or any free port while 8400 is "
        "taken (the address is logged and written to <state dir>/run/desk.url).",
    )
    register_http_host: str = Field(
        default="127.0.0.1", description="Address the register's HTTP API listens on."
    )
    register_http_port: int | None = Field(
        default=None,
        description="Port of the register's HTTP API; unset: 8500, or any free port while 8500 "
        "is taken (the address is logged and written to <state dir>/run/register.url).",
    )
    register_url: str | None = Field(
        default=None,
        description="Where the desk and the CLI reach the register; unset: the address in "
        "<state dir>/run/register.url.",
    )
    register_retention_file: Path | None = Field(
        default=None,
        description="The retention policy (JSON); unset means the shipped "
        "services/register/data/retention.json.",
    )
    metrics_host: str = Field(
        default="127.0.0.1", description="Address every process serves /metrics on."
    )
    metrics_port: int | None = Field(
        default=None,
        description="First /metrics port: intake serves on it, screening on the next, then "
        "consultation, bridge, worker and desk; unset: 9401-9406, each or a free port while it is "
        "taken (every address is written to <state dir>/run/<process>.metrics).",
    )
    worker_cached_workflows: int = Field(
        default=10_000,
        ge=0,
        description="Workflows the worker keeps in memory between their tasks (a case about "
        "0.26 MB), sized for an authority's open caseload: a signal to a workflow not cached "
        "replays its whole history first. 0: none cached (every task replays).",
    )
    case_policy_file: Path | None = Field(
        default=None,
        description="Case timelines and thresholds (JSON); unset means the shipped "
        "workflows/data/case_policy.json.",
    )
    auth_keys: SecretStr | None = Field(
        default=None,
        description="The issuer's token signing keys (the desk only), a JSON list of {kid, "
        "private_key} with PEM P-256 (ES256) private keys: the first signs, every one verifies "
        "(rotate by putting a new key first); unset: keys made in <state dir>/auth/keys.json.",
    )
    auth_public_keys: str | None = Field(
        default=None,
        description="For verifying processes: the issuer's public keys, a JWKS "
        '({"keys": [...], "disabled": [...]}); unset: read from the published file.',
    )
    auth_public_file: Path | None = Field(
        default=None,
        description="Where the issuer publishes its public keys and the disabled accounts, and "
        "verifiers read them (re-read as they change); unset: <state dir>/auth/public.json.",
    )
    token: SecretStr | None = Field(
        default=None,
        description="The CLI's bearer token, for scripts (CASEFLOW_TOKEN); unset: the one "
        "`caseflow login` stored in the token file.",
    )
    token_file: Path = Field(
        default_factory=lambda: Path.home() / ".config" / "caseflow" / "token",
        description="Where `caseflow login` keeps the CLI's token (readable by its owner only).",
    )
    desk_url: str | None = Field(
        default=None,
        description="The desk `caseflow login` signs in at (e.g. https://desk.example); unset: "
        "the embedded desk's address in <state dir>/run/desk.url.",
    )
    auth_token_minutes: int = Field(default=480, description="How long a bearer token lasts.")
    auth_keys_refresh_seconds: float = Field(
        default=60.0,
        description="How often a running process re-reads its token keys and the disabled "
        "accounts (a token of a key it does "
        "not know makes it re-read them at once, at most once a second).",
    )
    auth_sign_in_failures_per_account: int = Field(
        default=5,
        description="Failed sign-ins of one account name within the window before its sign-ins "
        "are refused for a window (names of no account are counted alike).",
    )
    auth_sign_in_failures_per_address: int = Field(
        default=100,
        description="Failed sign-ins from one client address within the window before its "
        "sign-ins are refused for a window.",
    )
    auth_sign_in_window_minutes: int = Field(
        default=15, description="The window failed sign-ins are counted in, and the refusal."
    )
    auth_sign_in_slow_after: int = Field(
        default=2,
        description="Failed sign-ins of one account after which each further attempt must wait.",
    )
    auth_sign_in_delay_seconds: float = Field(
        default=1.0,
        description="The first such wait; it doubles with every further failure.",
    )
    park_after_attempts: int = Field(
        default=10,
        ge=1,
        description="Deliveries of a message that fail before it may be parked (both limits "
        "must be reached).",
    )
    park_after_seconds: float = Field(
        default=600.0,
        ge=0,
        description="Seconds between a message's first failure and its parking at the earliest: "
        "longer than a server restart or a short outage, which are ridden out.",
    )
    consumer_stall_seconds: float = Field(
        default=120.0,
        gt=0,
        description="A consumer whose position has not moved for this long while its partition "
        "holds messages counts as stalled (metric caseflow_consumer_stalled, `caseflow flow`).",
    )
    kafka_compression: Codec = Field(
        default="none",
        description="The codec caseflow's producers compress with; consumers read all of them.",
    )
    log_level: str = "INFO"
    log_json: bool = Field(default=False, description="Log JSON lines instead of console text.")

    @property
    def stack_file(self) -> Path:
        """The file where `caseflow stack up` records the addresses it started."""
        return self.state_dir / "stack.json"

    @property
    def codec_endpoint(self) -> str:
        """Where the Temporal UI's browser finds the codec server."""
        return self.codec_url or f"http://127.0.0.1:{self.codec_port}"

    def endpoints(self) -> Endpoints:
        """Configured addresses, completed from the running embedded stack."""
        started = (
            Endpoints.model_validate_json(self.stack_file.read_text())
            if (self.stack_file.exists())
            else Endpoints()
        )
        configured = self.database_url.get_secret_value() if self.database_url else None
        database_url = configured or started.database_url
        resolved = Endpoints(
            database_url=database_url and self._with_tls(database_url),
            kafka_bootstrap=self.kafka_bootstrap or started.kafka_bootstrap,
            temporal_address=self.temporal_address or started.temporal_address,
            temporal_ui_url=self.temporal_ui_url or started.temporal_ui_url,
        )
        missing = [name for name, value in resolved if value is None and name != "temporal_ui_url"]
        if missing:
            raise EndpointsMissing(missing, self.stack_file)
        return resolved

    def _with_tls(self, url: str) -> str:
        """The URL with the TLS settings as libpq parameters, which asyncpg honours."""
        wanted = {
            "sslmode": self.database_sslmode,
            "sslrootcert": str(self.database_sslrootcert) if self.database_sslrootcert else None,
        }
        if not any(wanted.values()):
            return url
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query)) | {k: v for k, v in wanted.items() if v}
        return urlunsplit(parts._replace(query=urlencode(query, safe="/")))


def masked_url(url: str) -> str:
    """The URL with any password replaced, for logs and status tables."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


class Endpoints(BaseModel):
    """Addresses of the three servers caseflow needs."""

    # Not in repr: a configured URL may carry the password.
    database_url: str | None = Field(default=None, repr=False)
    kafka_bootstrap: str | None = None
    temporal_address: str | None = None
    temporal_ui_url: str | None = None

    def public(self) -> dict[str, str | None]:
        """These addresses with the database password masked, for logs."""
        shown = self.model_dump()
        shown["database_url"] = self.database_url and masked_url(self.database_url)
        return shown

    def write(self, path: Path) -> None:
        """Record these addresses for the services started later."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.model_dump(), indent=2))

    @property
    def database(self) -> str:
        """The PostgreSQL URL, known to be set after `Settings.endpoints`."""
        assert self.database_url is not None
        return self.database_url

    @property
    def kafka(self) -> str:
        """The Kafka bootstrap servers, known to be set after `Settings.endpoints`."""
        assert self.kafka_bootstrap is not None
        return self.kafka_bootstrap

    @property
    def temporal(self) -> str:
        """The Temporal address, known to be set after `Settings.endpoints`."""
        assert self.temporal_address is not None
        return self.temporal_address


class EndpointsMissing(RuntimeError):
    """A server has neither a configured address nor a running embedded instance."""

    def __init__(self, missing: list[str], stack_file: Path) -> None:
        names = ", ".join(f"CASEFLOW_{name.upper()}" for name in missing)
        super().__init__(
            f"no address for {names}: set it, or run `caseflow stack up` "
            f"(no running embedded stack recorded in {stack_file})"
        )
