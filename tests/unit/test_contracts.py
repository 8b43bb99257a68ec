"""The contracts as published documents: JSON Schema per event, AsyncAPI per service."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from entrypoints.cli import app
from entrypoints.samples import sample_applications, submission
from schemas.registry import CONTRACTS

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "submission.json"


def test_every_contract_is_exported_as_a_json_schema_that_accepts_its_own_events(
    tmp_path: Path,
) -> None:
    result = CliRunner().invoke(app, ["schemas", "export", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = {path.name for path in tmp_path.glob("*.schema.json")}
    assert written == {f"{contract.type_name()}.schema.json" for contract in CONTRACTS}
    schema = json.loads((tmp_path / "SubmitApplication.v1.schema.json").read_text())
    for application in sample_applications():
        jsonschema.validate(json.loads(submission(application).to_bytes()), schema)
    jsonschema.validate(json.loads(EXAMPLE.read_text()), schema)


def test_the_exported_schema_refuses_an_application_without_items(tmp_path: Path) -> None:
    CliRunner().invoke(app, ["schemas", "export", str(tmp_path)])
    schema = json.loads((tmp_path / "SubmitApplication.v1.schema.json").read_text())
    document = json.loads(EXAMPLE.read_text())
    del document["data"]["items"]
    with pytest.raises(jsonschema.ValidationError, match="'items' is a required property"):
        jsonschema.validate(document, schema)


def test_each_kafka_facing_service_documents_its_channels_in_asyncapi(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["schemas", "asyncapi", str(tmp_path)])
    assert result.exit_code == 0, result.output
    intake = json.loads((tmp_path / "intake.asyncapi.json").read_text())
    addresses = {channel["address"] for channel in intake["channels"].values()}
    assert {"caseflow.intake.submissions", "caseflow.cases", "caseflow.intake.rejections"} <= (
        addresses
    )
    assert "caseflow.agency.DE-BAFA.cases" in addresses  # each agency's own topic
    assert any("SubmitApplication" in name for name in intake["components"]["schemas"])
    bridge = json.loads((tmp_path / "bridge.asyncapi.json").read_text())
    assert "caseflow.screening.results" in {c["address"] for c in bridge["channels"].values()}


def test_writing_asyncapi_leaves_the_environment_as_it_was(tmp_path: Path) -> None:
    before = dict(os.environ)
    CliRunner().invoke(app, ["schemas", "asyncapi", str(tmp_path)])
    assert dict(os.environ) == before
