"""Writing a command's files: one stem, a suffix per format, the page also as PDF on request."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import typer
from rich.console import Console

from entrypoints.register_export import write_pdf

console = Console()


def write_outputs(stem: Path, texts: Mapping[str, str], *, page: str, pdf: bool) -> list[Path]:
    """Write each text to `stem` with its suffix (".json", ".csv", ".html"…), creating the
    folder, and `page` as `stem`.pdf when `pdf` is asked for (exit 1, saying why, if it cannot
    be made); the paths written, in that order."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for suffix, text in texts.items():
        path = stem.with_suffix(suffix)
        path.write_text(text)
        written.append(path)
    if pdf:
        try:
            write_pdf(page, stem.with_suffix(".pdf"))
        except RuntimeError as error:
            console.print(f"[red]no PDF:[/red] {error}", highlight=False)
            raise typer.Exit(1) from error
        written.append(stem.with_suffix(".pdf"))
    return written
