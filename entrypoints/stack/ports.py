"""TCP ports on the loopback interface: is one free, and who holds it."""

from __future__ import annotations

import socket

import psutil

from caseflow.loopback import LOOPBACK
from entrypoints.stack.errors import PortTaken


def ensure_port_free(component: str, port: int, setting: str) -> None:
    """Raise `PortTaken`, naming the holder, when something already listens on the port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # Servers bind with SO_REUSEADDR too, so lingering TIME_WAIT connections do not count.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((LOOPBACK, port))
        except OSError:
            raise PortTaken(component, port, port_holder(port), setting) from None


def port_holder(port: int) -> str:
    """A description of the process listening on a TCP port, as far as we may see it."""
    try:
        connections = psutil.net_connections(kind="tcp")
    except psutil.Error:
        return "another process"
    for connection in connections:
        address = connection.laddr
        if connection.status == psutil.CONN_LISTEN and address and address.port == port:
            if connection.pid is None:
                return "another process"
            try:
                return f"pid {connection.pid} ({psutil.Process(connection.pid).name()})"
            except psutil.Error:
                return f"pid {connection.pid}"
    return "another process"
