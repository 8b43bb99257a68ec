"""`caseflow schemas export | asyncapi`: the contracts as JSON Schema and AsyncAPI."""

from __future__ import annotations

import os
from pathlib import Path

import typer
from faststream.specification import AsyncAPI

from caseflow.settings import Settings
from schemas.export import export_json_schemas

app = typer.Typer(help="caseflow's message contracts.", no_args_is_help=True)

DOCUMENTED = ("intake", "screening", "bridge")


@app.command()
def export(folder: Path = typer.Argument(Path("docs/schemas"))) -> None:
    """Write the JSON Schema of every event and command, inside its envelope."""
    for path in export_json_schemas(folder):
        typer.echo(path)


@app.command()
def asyncapi(folder: Path = typer.Argument(Path("docs/asyncapi"))) -> None:
    """Write the AsyncAPI document of each Kafka-facing process, taken from its FastStream app."""
    from caseflow.processes import faststream_app

    # Documents need no running servers: placeholder addresses fill any that are unset.
    for variable, placeholder in (
        ("CASEFLOW_DATABASE_URL", "postgresql://postgres/caseflow"),
        ("CASEFLOW_KAFKA_BOOTSTRAP", "kafka:9092"),
        ("CASEFLOW_TEMPORAL_ADDRESS", "temporal:7233"),
    ):
        os.environ.setdefault(variable, placeholder)
    folder.mkdir(parents=True, exist_ok=True)
    for name in DOCUMENTED:
        app_ = faststream_app(name, Settings())
        assert app_.broker is not None
        document = AsyncAPI(app_.broker, title=f"caseflow {name}", version="1.0.0")
        path = folder / f"{name}.asyncapi.json"
        path.write_text(document.to_specification().to_json())
        typer.echo(path)
