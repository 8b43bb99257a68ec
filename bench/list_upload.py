"""What loading a list through screening's API adds to a load: the file received into a
temporary file and read a second time by the service.

`caseflow lists load` reads the file before sending it (as it read it before storing it when the
CLI wrote screening's schema itself); the service then receives the body and reads it again.
Comparing, storing and publishing are the same code as before, now in the service's process.
Baseline, in the same run: the CLI's own read of the same file. CPU seconds beside wall clock
and the load average.

    .venv/bin/python bench/list_upload.py --entries 200000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from screening_sets import make_list

from caseflow.limits import LIST_FILE
from services.screening.list_diff import entry_to_json
from services.screening.list_uploads import receive_list_file
from services.screening.matching import load_list

CHUNK = 1024 * 1024  # as the CLI sends it


def cpu_seconds() -> float:
    """This process's CPU time so far."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def timed(what: str, began: tuple[float, float]) -> None:
    """Print the CPU and wall seconds since `began` (cpu, monotonic)."""
    cpu, wall = cpu_seconds() - began[0], time.monotonic() - began[1]
    print(f"{what}: {cpu:.1f} s CPU, {wall:.1f} s wall (load {os.getloadavg()[0]:.1f})")


async def sent(path: Path) -> AsyncIterator[bytes]:
    """The file as the CLI streams it."""
    with path.open("rb") as opened:
        while chunk := opened.read(CHUNK):
            yield chunk


async def service_side(path: Path, folder: Path) -> None:
    """The service's part: the body into a temporary file, then the file read."""
    received = folder / "received.json"
    began = cpu_seconds(), time.monotonic()
    await receive_list_file(sent(path), received, LIST_FILE)
    timed("service: the body received into a temporary file", began)
    began = cpu_seconds(), time.monotonic()
    load_list(received, "bench")
    timed("service: the file read again", began)


def main() -> None:
    """Write a synthetic consolidated.json, then time both sides' reads."""
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--entries", type=int, default=200_000)
    wanted = arguments.parse_args()
    with tempfile.TemporaryDirectory(prefix="caseflow-list-upload-") as name:
        folder = Path(name)
        path = folder / "consolidated.json"
        records = [entry_to_json(entry) for entry in make_list(wanted.entries, 11)]
        path.write_text(json.dumps({"results": records}))
        print(f"{wanted.entries} entries, {path.stat().st_size / 2**20:.0f} MiB")
        began = cpu_seconds(), time.monotonic()
        load_list(path, "bench")
        timed("baseline, the CLI's read (before and now)", began)
        asyncio.run(service_side(path, folder))


if __name__ == "__main__":
    main()
