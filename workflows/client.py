"""Connecting to Temporal, and how a case maps to its workflow."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter, DefaultFailureConverterWithEncodedAttributes
from temporalio.service import TLSConfig

from caseflow.secret_files import read_or_create
from caseflow.settings import Settings
from workflows.encryption import EncryptionCodec, PayloadKeys

KEY_FILE = Path("keys") / "payload-keys"


async def connect(settings: Settings, token: str | None = None) -> Client:
    """A Temporal client that carries pydantic models, encrypted with the configured keys; with
    Temporal's own authorisation on, over mTLS and with a bearer token (the process's service
    token, or `token`: a reviewer's own, from the CLI)."""
    tls = temporal_tls(settings)
    # A reviewer's token goes to Temporal only over TLS, where its authorisation is on.
    api_key = settings.temporal_token.get_secret_value() if settings.temporal_token else None
    return await Client.connect(
        settings.endpoints().temporal,
        namespace=settings.temporal_namespace,
        data_converter=data_converter(payload_keys(settings)),
        tls=tls,
        api_key=api_key or (token if tls else None),
    )


def temporal_tls(settings: Settings) -> TLSConfig | bool:
    """mTLS to Temporal when a CA is configured; plain gRPC otherwise (the embedded server)."""
    if settings.temporal_tls_ca_file is None:
        return False
    client = (settings.temporal_tls_cert_file, settings.temporal_tls_key_file)
    return TLSConfig(
        server_root_ca_cert=settings.temporal_tls_ca_file.read_bytes(),
        client_cert=client[0].read_bytes() if client[0] else None,
        client_private_key=client[1].read_bytes() if client[1] else None,
        domain=settings.temporal_tls_server_name,
    )


def data_converter(keys: PayloadKeys) -> DataConverter:
    """Pydantic models as JSON, then encrypted; failure messages and traces encrypted too."""
    return dataclasses.replace(
        pydantic_data_converter,
        payload_codec=EncryptionCodec(keys),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )


def payload_keys(settings: Settings) -> PayloadKeys:
    """The configured keys (CASEFLOW_PAYLOAD_KEYS), else the embedded stack's own key file."""
    if settings.payload_keys is not None:
        return PayloadKeys.parse(settings.payload_keys.get_secret_value())
    key_file = settings.state_dir.resolve() / KEY_FILE
    return PayloadKeys.parse(
        read_or_create(key_file, lambda: PayloadKeys.generate("local-1").format())
    )


def workflow_id(case_id: str) -> str:
    """The workflow id of a case: derived from the case id, so a case has one workflow."""
    return f"license-case-{case_id}"
