"""`caseflow` loads a command's module only when that command runs; a broken one stays alone."""

from __future__ import annotations

import subprocess
import sys
from typing import ClassVar

import typer
from typer.testing import CliRunner

from entrypoints.cli.lazy import LazyCommands

DESK_MODULES = (
    "entrypoints.cli.cases",
    "entrypoints.cli.review",
    "entrypoints.cli.lists",
    "services.",
)


def test_running_a_process_imports_none_of_the_reviewer_desk() -> None:
    probe = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from entrypoints.cli import app\n"
        "assert CliRunner().invoke(app, ['run', '--help']).exit_code == 0\n"
        "print('\\n'.join(sys.modules))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    ).stdout.split()
    assert "entrypoints.cli.processes" in loaded
    assert not [name for name in loaded if name.startswith(DESK_MODULES)]


class WithBrokenModule(LazyCommands):
    lazy: ClassVar[dict[str, str]] = {
        "run": "entrypoints.cli.processes:run",
        "broken": "entrypoints.cli.no_such_module:app",
    }


broken_app = typer.Typer(cls=WithBrokenModule)


@broken_app.callback()
def main() -> None:
    """A command line with one module that cannot be imported."""


def test_a_module_that_fails_to_import_breaks_only_its_own_command() -> None:
    runner = CliRunner()
    listed = runner.invoke(broken_app, ["--help"])
    assert listed.exit_code == 0
    assert "run" in listed.output
    assert "unavailable" in listed.output
    assert runner.invoke(broken_app, ["run", "--help"]).exit_code == 0
    failed = runner.invoke(broken_app, ["broken", "anything"])
    assert failed.exit_code == 1
    assert "caseflow broken is unavailable: ModuleNotFoundError" in failed.output
