"""The `caseflow` command as a user runs it, against a test stack."""

from __future__ import annotations

import os
import subprocess
import sys

from caseflow.settings import Settings


def caseflow(
    settings: Settings,
    *arguments: str,
    ok: tuple[int, ...] = (0,),
    with_log: bool = False,
    token: str | None = None,
    environment: dict[str, str] | None = None,
) -> str:
    """Run the `caseflow` command as a user would; its output (and, `with_log`, its log).

    `token` is sent as CASEFLOW_TOKEN, as a script would; `caseflow login` keeps its token in
    the state dir's `cli-token` (never the user's own)."""
    environment = {
        **os.environ,
        "CASEFLOW_STATE_DIR": str(settings.state_dir),
        "CASEFLOW_TOKEN_FILE": str(settings.state_dir / "cli-token"),
        "COLUMNS": "200",
        **({"CASEFLOW_TOKEN": token} if token else {}),
        **(environment or {}),
    }
    done = subprocess.run(
        [sys.executable, "-m", "entrypoints", *arguments],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode in ok, (
        f"caseflow {' '.join(arguments)} exited {done.returncode}:\n{done.stdout}{done.stderr}"
    )
    return done.stdout + (done.stderr if with_log else "")
