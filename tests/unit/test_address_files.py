"""A server's address file is read whole, and a stopping server forgets its address only while
the file still names it, even when a new instance records its own at that moment."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from types import FrameType

from fastapi import FastAPI

from caseflow.address_files import forget_address, record_address
from caseflow.http import HttpServer

OLD, NEW = "http://127.0.0.1:8330", "http://127.0.0.1:48211"


def server(url_file: Path) -> HttpServer:
    """An API on any free loopback port that records its address in `url_file`."""
    return HttpServer("test", "127.0.0.1", 0, 0, url_file)


async def test_a_stopping_server_removes_the_address_it_recorded(tmp_path: Path) -> None:
    url_file = tmp_path / "run" / "test.url"
    first = server(url_file)
    url = await first.start(FastAPI())
    assert url_file.read_text() == url

    await first.stop()

    assert not url_file.exists()


async def test_a_stopping_server_keeps_the_address_a_later_instance_recorded(
    tmp_path: Path,
) -> None:
    url_file = tmp_path / "run" / "test.url"
    first, later = server(url_file), server(url_file)
    await first.start(FastAPI())
    later_url = await later.start(FastAPI())

    await first.stop()
    kept = url_file.read_text() if url_file.exists() else None
    await later.stop()

    assert kept == later_url
    assert not url_file.exists()


def test_an_address_recorded_while_the_old_instance_forgets_its_own_is_kept(
    tmp_path: Path,
) -> None:
    url_file = tmp_path / "run" / "test.url"
    record_address(url_file, OLD, "test")
    removing, resume = threading.Event(), threading.Event()

    def pause_before_removing(frame: FrameType, event: str, arg: object) -> None:
        """Hold the forgetting instance just before it removes a file, after it has read it."""
        named = frame.f_code.co_name if event == "call" else getattr(arg, "__name__", "")
        if event in ("call", "c_call") and named in ("unlink", "remove") and not removing.is_set():
            removing.set()
            resume.wait(5)

    def forget() -> None:
        sys.setprofile(pause_before_removing)  # this thread's calls only
        try:
            forget_address(url_file, OLD)
        finally:
            sys.setprofile(None)

    forgetting = threading.Thread(target=forget)
    forgetting.start()
    assert removing.wait(5), "the old instance never came to remove its address"
    recording = threading.Thread(target=record_address, args=(url_file, NEW, "test"))
    recording.start()
    recording.join(0.5)  # a record free to land between the check and the removal lands now
    resume.set()
    forgetting.join(5)
    recording.join(5)

    kept = url_file.read_text() if url_file.exists() else None
    assert kept == NEW


def test_a_reader_never_sees_half_an_address(tmp_path: Path) -> None:
    url_file = tmp_path / "run" / "test.url"
    record_address(url_file, OLD, "test")
    written, seen = threading.Event(), []

    def record_in_turn() -> None:
        for n in range(300):
            record_address(url_file, (OLD, NEW)[n % 2], "test")
        written.set()

    recording = threading.Thread(target=record_in_turn)
    recording.start()
    while not written.is_set():
        seen.append(url_file.read_text())
    recording.join()

    assert seen
    assert set(seen) <= {OLD, NEW}
    assert not list(url_file.parent.glob("*.tmp"))  # nothing half-written left behind
