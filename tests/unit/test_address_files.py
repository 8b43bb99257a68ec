"""A stopping server forgets its address only while the address file still names it."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from caseflow.http import HttpServer


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
