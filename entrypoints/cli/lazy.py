"""A command group that imports each command's module only when that command is used."""

from __future__ import annotations

import importlib
from typing import ClassVar

import typer

# typer ships its own copy of click; its commands are of these classes, not the `click` package's.
from typer import _click as click
from typer.core import TyperGroup
from typer.models import CommandInfo


class LazyCommands(TyperGroup):
    """Commands named `module:attribute` (a Typer app or a function), imported on first use.

    A module that fails to import breaks only its own commands: `caseflow run NAME` never
    depends on the reviewer desk's imports, and `--help` still lists everything else.
    """

    lazy: ClassVar[dict[str, str]] = {}

    def __init__(self, **attrs: object) -> None:
        super().__init__(**attrs)  # type: ignore[arg-type]
        self._loaded: dict[str, click.Command] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Eager commands first, then the lazy ones in the order they are declared."""
        return [*super().list_commands(ctx), *self.lazy]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command, its module imported now; a stub naming the error if that fails."""
        if cmd_name not in self.lazy:
            return super().get_command(ctx, cmd_name)
        if cmd_name not in self._loaded:
            self._loaded[cmd_name] = _load(cmd_name, self.lazy[cmd_name])
        return self._loaded[cmd_name]


def _load(name: str, target: str) -> click.Command:
    """The click command for `module:attribute`."""
    module_name, attribute = target.split(":")
    try:
        found = getattr(importlib.import_module(module_name), attribute)
    except Exception as error:  # any import-time failure: keep the other commands working
        return _unavailable(name, f"{type(error).__name__}: {error}")
    if isinstance(found, typer.Typer):
        command: click.Command = typer.main.get_group(found)
    else:
        command = typer.main.get_command_from_info(
            CommandInfo(name=name, callback=found),
            pretty_exceptions_short=True,
            rich_markup_mode="rich",
        )
    command.name = name
    return command


def _unavailable(name: str, reason: str) -> click.Command:
    """A command that says why it cannot load, and fails whatever it is given."""

    def fail() -> None:
        typer.echo(f"caseflow {name} is unavailable: {reason}", err=True)
        raise typer.Exit(1)

    return typer.main.get_command_from_info(
        CommandInfo(
            name=name,
            callback=fail,
            help=f"(unavailable: {reason})",
            context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
        ),
        pretty_exceptions_short=True,
        rich_markup_mode="rich",
    )
