"""The `caseflow` command as a user runs it, against a test stack."""

from __future__ import annotations

import os
import subprocess
import sys

from caseflow.settings import Settings


def caseflow(
    settings: Settings, *arguments: str, ok: tuple[int, ...] = (0,), with_log: bool = False
) -> str:
    """Run the `caseflow` command as a user would; its output (and, `with_log`, its log)."""
    environment = {**os.environ, "CASEFLOW_STATE_DIR": str(settings.state_dir), "COLUMNS": "200"}
    done = subprocess.run(
        [sys.executable, "-m", "caseflow", *arguments],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode in ok, f"caseflow {' '.join(arguments)} failed:\n{done.stderr}"
    return done.stdout + (done.stderr if with_log else "")
