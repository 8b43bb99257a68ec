"""`caseflow schemas export | asyncapi`: the contracts as JSON Schema and AsyncAPI."""

from __future__ import annotations

from pathlib import Path

import typer
from faststream.specification import AsyncAPI
from pydantic import SecretStr

from caseflow.settings import Settings
from schemas.export import export_json_schemas

app = typer.Typer(help="caseflow's message contracts.", no_args_is_help=True)

DOCUMENTED = ("intake", "screening", "consultation", "bridge")


@app.command()
def export(folder: Path = typer.Argument(Path("docs/schemas"))) -> None:
    """Write the JSON Schema of every event and command, inside its envelope."""
    for path in export_json_schemas(folder):
        typer.echo(path)


@app.command()
def asyncapi(folder: Path = typer.Argument(Path("docs/asyncapi"))) -> None:
    """Write the AsyncAPI document of each Kafka-facing process, taken from its FastStream app."""
    from entrypoints.processes import faststream_app

    # Documents need no running servers: placeholder addresses fill any that are unset (in
    # these settings only: the environment stays as it is for whatever runs next).
    configured = Settings()
    placeholders = {
        "database_url": SecretStr("postgresql://postgres/caseflow"),
        "kafka_bootstrap": "kafka:9092",
        "temporal_address": "temporal:7233",
    }
    settings = configured.model_copy(
        update={key: value for key, value in placeholders.items() if not getattr(configured, key)}
    )
    folder.mkdir(parents=True, exist_ok=True)
    for name in DOCUMENTED:
        app_ = faststream_app(name, settings)
        assert app_.broker is not None
        document = AsyncAPI(app_.broker, title=f"caseflow {name}", version="1.0.0")
        path = folder / f"{name}.asyncapi.json"
        path.write_text(document.to_specification().to_json())
        typer.echo(path)
