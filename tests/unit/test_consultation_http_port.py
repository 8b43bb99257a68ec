"""Where the consultation API listens: the configured port, or 8300 unless another holds it."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from caseflow.http import listening_socket
from services.consultation.bootstrap import DEFAULT_HTTP_PORT


@pytest.fixture
def default_port_taken() -> Iterator[None]:
    """Port 8300 held by another process (or by this test, if it was free)."""
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        holder.bind(("127.0.0.1", DEFAULT_HTTP_PORT))
        holder.listen(1)
    except OSError:
        pass  # already held elsewhere: just as taken
    yield
    holder.close()


def test_an_unconfigured_api_moves_to_a_free_port_while_8300_is_taken(
    default_port_taken: None,
) -> None:
    listening = listening_socket("127.0.0.1", None, DEFAULT_HTTP_PORT)
    try:
        assert listening.getsockname()[1] not in (0, DEFAULT_HTTP_PORT)
    finally:
        listening.close()


def test_a_configured_port_that_is_taken_stops_the_start(default_port_taken: None) -> None:
    with pytest.raises(OSError, match="in use"):
        listening_socket("127.0.0.1", DEFAULT_HTTP_PORT, DEFAULT_HTTP_PORT)
