"""Why the stack could not start a component, said so an operator can act on it."""

from __future__ import annotations

from pathlib import Path

LOG_TAIL_LINES = 20


class StackError(RuntimeError):
    """The embedded stack could not reach the state it was asked for."""


class ComponentFailed(StackError):
    """A component did not start or answer; the message names its log and shows its end."""

    def __init__(self, component: str, reason: str, log_file: Path | None = None) -> None:
        self.component = component
        self.reason = reason
        self.log_file = log_file
        message = f"{component}: {reason}"
        if log_file is not None:
            message += f"\n  log: {log_file}"
            tail = log_tail(log_file)
            if tail:
                message += "\n  last lines:\n" + "\n".join(f"    | {line}" for line in tail)
        super().__init__(message)


class PortTaken(StackError):
    """A port the stack needs is held by a process it did not start."""

    def __init__(self, component: str, port: int, holder: str, setting: str) -> None:
        self.component = component
        self.port = port
        super().__init__(
            f"{component}: port {port} on 127.0.0.1 is already in use by {holder}; "
            f"stop it, or choose another port with {setting}"
        )


def log_tail(log_file: Path, lines: int = LOG_TAIL_LINES) -> list[str]:
    """The last lines of a log file, or none if it cannot be read."""
    try:
        with log_file.open("rb") as log:
            log.seek(0, 2)
            log.seek(max(0, log.tell() - 64 * 1024))
            text = log.read().decode("utf-8", errors="replace")
    except OSError:
        return []
    return text.splitlines()[-lines:]
