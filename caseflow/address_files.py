"""The files in which a running server names its address, for the commands that look for it."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import structlog

from caseflow.whole_files import write_whole

log = structlog.get_logger(__name__)


def record_address(url_file: Path, url: str, what: str) -> None:
    """Write `url` to `url_file`; a read-only folder (a container) is logged, not fatal."""
    try:
        url_file.parent.mkdir(parents=True, exist_ok=True)
        with _held(url_file):
            write_whole(url_file, url)
    except OSError as error:
        log.warning(f"{what} address not recorded", error=str(error))


def forget_address(url_file: Path, url: str) -> None:
    """Remove `url_file` if it still names `url`: a later instance of the same server that has
    written its own address since keeps it."""
    try:
        with _held(url_file):
            if url_file.read_text().strip() == url:
                url_file.unlink()
    except OSError:
        pass  # gone already, or never written


@contextmanager
def _held(url_file: Path) -> Iterator[None]:
    """The address file's lock, held while an instance writes it, or reads it and removes it:
    another instance's address is never written between that read and that removal."""
    with url_file.with_name(f"{url_file.name}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield  # closing the lock file releases the lock
