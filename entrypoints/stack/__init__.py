"""The embedded stack: PostgreSQL, a Kafka-protocol broker and Temporal, run from wheels."""

from entrypoints.stack.errors import ComponentFailed, PortTaken, StackError
from entrypoints.stack.pidfiles import log_file, pid_file
from entrypoints.stack.processes import (
    ManagedProcess,
    ProcessState,
    ProcessStatus,
    ReadinessProbe,
    list_processes,
    process_status,
    start_process,
    stop_process,
)
from entrypoints.stack.stack import (
    ComponentStatus,
    StackStatus,
    stack_status,
    start_stack,
    stop_idle_supervisor,
    stop_stack,
)

__all__ = [
    "ComponentFailed",
    "ComponentStatus",
    "ManagedProcess",
    "PortTaken",
    "ProcessState",
    "ProcessStatus",
    "ReadinessProbe",
    "StackError",
    "StackStatus",
    "list_processes",
    "log_file",
    "pid_file",
    "process_status",
    "stack_status",
    "start_process",
    "start_stack",
    "stop_idle_supervisor",
    "stop_process",
    "stop_stack",
]
