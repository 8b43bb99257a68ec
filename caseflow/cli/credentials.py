"""The CLI user's signed token: CASEFLOW_TOKEN, else the token file `caseflow login` keeps.
The one place every acting command gets it from."""

from __future__ import annotations

import os
from pathlib import Path

TOKEN_VARIABLE = "CASEFLOW_TOKEN"  # noqa: S105 (the variable's name, not a secret)


class NoToken(RuntimeError):
    """No token to act with; the message says how to get one."""


def token_file() -> Path:
    """Where `caseflow login` keeps the token: the user's config dir, readable by them only."""
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "caseflow" / "token"


def cli_token() -> str:
    """The signed-in user's token; `NoToken` saying how to sign in when there is none."""
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if token:
        return token
    path = token_file()
    try:
        token = path.read_text().strip()
    except OSError:
        token = ""
    if not token:
        raise NoToken(
            f"no token: sign in with `caseflow login`, or set {TOKEN_VARIABLE} to a signed token"
        )
    return token
