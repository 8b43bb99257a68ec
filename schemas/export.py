"""Writes the JSON Schema of every contract, each inside the envelope it travels in."""

from __future__ import annotations

import json
from pathlib import Path

from schemas.envelope import Envelope
from schemas.registry import CONTRACTS


def export_json_schemas(folder: Path) -> list[Path]:
    """Write `<Type>.v<N>.schema.json` per contract into `folder`; return the files."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for contract in CONTRACTS:
        schema = Envelope[contract].model_json_schema()  # type: ignore[valid-type]
        schema["$id"] = f"https://caseflow.example/schemas/{contract.type_name()}.schema.json"
        schema["title"] = contract.type_name()
        path = folder / f"{contract.type_name()}.schema.json"
        path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n")
        written.append(path)
    return written
