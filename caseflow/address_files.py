"""The files in which a running server names its address, for the commands that look for it."""

from __future__ import annotations

from pathlib import Path

import structlog

log = structlog.get_logger(__name__)


def record_address(url_file: Path, url: str, what: str) -> None:
    """Write `url` to `url_file`; a read-only folder (a container) is logged, not fatal."""
    try:
        url_file.parent.mkdir(parents=True, exist_ok=True)
        url_file.write_text(url)
    except OSError as error:
        log.warning(f"{what} address not recorded", error=str(error))


def forget_address(url_file: Path, url: str) -> None:
    """Remove `url_file` if it still names `url`: a later instance of the same server that has
    written its own address since keeps it."""
    try:
        if url_file.read_text().strip() == url:
            url_file.unlink(missing_ok=True)
    except OSError:
        pass  # gone already, or never written
