"""Production transport settings reach the clients: Kafka TLS/SASL, PostgreSQL TLS."""

from __future__ import annotations

import functools
import ssl
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from asyncpg import connect_utils
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from faststream.kafka.security import parse_security
from pydantic import SecretStr

from caseflow.kafka import kafka_security, make_broker
from caseflow.settings import Endpoints, Settings

PASSWORD = "sasl-secret-never-shown"
DB_PASSWORD = "db-secret-never-shown"


def _settings(tmp_path: Path, **fields: object) -> Settings:
    return Settings.model_validate(
        {
            "state_dir": tmp_path,
            "database_url": f"postgresql://caseflow:{DB_PASSWORD}@db.example:5432/caseflow",
            "kafka_bootstrap": "kafka.example:9093",
            "temporal_address": "temporal.example:7233",
            **fields,
        }
    )


def test_sasl_over_tls_gives_every_kafka_client_the_mechanism_credentials_and_tls(
    tmp_path: Path,
) -> None:
    settings = _settings(
        tmp_path,
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_sasl_username="caseflow",
        kafka_sasl_password=PASSWORD,
    )
    options = parse_security(kafka_security(settings))
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert (options["sasl_plain_username"], options["sasl_plain_password"]) == (
        "caseflow",
        PASSWORD,
    )
    assert options["ssl_context"].verify_mode is ssl.CERT_REQUIRED
    broker = make_broker("kafka.example:9093", "caseflow-test", kafka_security(settings))
    builder = broker.config.broker_config.builder
    assert isinstance(builder, functools.partial)
    consumers = builder.keywords
    assert (consumers["security_protocol"], consumers["sasl_mechanism"]) == (
        "SASL_SSL",
        "SCRAM-SHA-512",
    )


@pytest.mark.parametrize(
    ("protocol", "expected"),
    [("PLAINTEXT", None), ("SSL", "SSL"), ("SASL_PLAINTEXT", "SASL_PLAINTEXT")],
)
def test_each_kafka_protocol_is_passed_on(
    tmp_path: Path, protocol: str, expected: str | None
) -> None:
    settings = _settings(
        tmp_path,
        kafka_security_protocol=protocol,
        kafka_sasl_mechanism="PLAIN",
        kafka_sasl_username="caseflow",
        kafka_sasl_password=PASSWORD,
    )
    assert parse_security(kafka_security(settings)).get("security_protocol") == expected


def test_sasl_without_credentials_is_refused_at_start(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="USERNAME"):
        kafka_security(_settings(tmp_path, kafka_security_protocol="SASL_SSL"))


def _certificate_authority(path: Path) -> Path:
    """A self-signed CA certificate, as an operator would point sslrootcert at."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "caseflow test CA")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return path


def test_postgres_tls_settings_reach_asyncpg(tmp_path: Path) -> None:
    ca = _certificate_authority(tmp_path / "ca.pem")
    settings = _settings(tmp_path, database_sslmode="verify-full", database_sslrootcert=ca)
    url = settings.endpoints().database
    assert "sslmode=verify-full" in url
    assert f"sslrootcert={ca}" in url
    # asyncpg's own reading of a DSN: what `connect` and `create_pool` will do with it.
    parsed = connect_utils._parse_connect_dsn_and_args(  # type: ignore[attr-defined]
        dsn=url,
        host=None,
        port=None,
        user=None,
        password=None,
        passfile=None,
        database=None,
        ssl=None,
        direct_tls=None,
        server_settings=None,
        target_session_attrs=None,
        krbsrvname=None,
        gsslib=None,
        service=None,
        servicefile=None,
    )
    params = parsed[1]
    assert params.sslmode.name == "verify_full"
    assert params.ssl.verify_mode is ssl.CERT_REQUIRED
    assert params.ssl.check_hostname


def test_settings_and_endpoints_never_show_a_secret(tmp_path: Path) -> None:
    settings = _settings(
        tmp_path,
        kafka_sasl_password=PASSWORD,
        payload_keys="k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        auth_keys='[{"kid": "k", "private_key": "a private key of at least thirty-two chars"}]',
    )
    shown = repr(settings) + str(settings) + repr(settings.endpoints())
    shown += str(settings.endpoints().public())
    for secret in (PASSWORD, DB_PASSWORD, "AAAAAAAAAAAA", "thirty-two"):
        assert secret not in shown
    assert isinstance(settings.database_url, SecretStr)
    assert Endpoints(database_url="postgresql://u:pw@h/db").public()["database_url"] == (
        "postgresql://u:***@h/db"
    )
