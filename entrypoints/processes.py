"""caseflow's own processes: run one as `caseflow run NAME`, or all under the state folder."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from faststream import FastStream

from caseflow.db import wait_for_database
from caseflow.logging import configure_logging
from caseflow.metrics import serve_metrics
from caseflow.settings import Settings
from entrypoints.stack import (
    ManagedProcess,
    ProcessStatus,
    process_status,
    start_process,
    stop_idle_supervisor,
)
from entrypoints.stack import stop_process as stop_named

PROCESS_NAMES = (
    "intake",
    "screening",
    "consultation",
    "bridge",
    "worker",
    "desk",
    "audit",
    "codec",
    "register",
)
# Started only where the deployment speaks for a state (CASEFLOW_STATE_CODE set).
POINT_OF_CONTACT = "sharing"
ALL_PROCESS_NAMES = (*PROCESS_NAMES, POINT_OF_CONTACT)
TEMPORAL_CLIENTS = ("bridge", "worker", "desk")
READY_FILE_VARIABLE = "CASEFLOW_READY_FILE"


async def run_process(name: str, settings: Settings) -> None:
    """Run one process until it is stopped, serving its /metrics."""
    configure_logging(settings.log_level, json=settings.log_json)
    if name in TEMPORAL_CLIENTS:
        from workflows.telemetry import install_sdk_metrics

        install_sdk_metrics()
    metrics = serve_metrics(name, settings)
    try:
        await _serve(name, settings)
    finally:
        metrics.stop()


async def _serve(name: str, settings: Settings) -> None:
    if name == "worker":
        from workflows.worker import run_worker

        await run_worker(settings, on_ready=mark_ready)
        return
    if name == "desk":
        from desk.runtime import run_desk

        # Services wait for PostgreSQL in their runtime; the desk, started beside them (or again
        # by the supervisor) while the database is away, waits here.
        await wait_for_database(settings.endpoints().database)
        await run_desk(settings, on_ready=mark_ready)
        return
    if name == "codec":
        from workflows.codec_server import run_codec_server

        await run_codec_server(settings, on_ready=mark_ready)
        return
    app = faststream_app(name, settings)
    app.after_startup(mark_ready)
    await app.run()


def faststream_app(name: str, settings: Settings) -> FastStream:
    """The FastStream app of a Kafka-facing process (also the source of its AsyncAPI)."""
    if name == "intake":
        from services.intake.bootstrap import bootstrap as intake

        return intake(settings)
    if name == "screening":
        from services.screening.bootstrap import bootstrap as screening
        from services.screening.current_lists import load_screener

        return screening(settings, load_screener())
    if name == "consultation":
        from services.consultation.bootstrap import bootstrap as consultation

        return consultation(settings)
    if name == "bridge":
        from workflows.bridge import create_app as bridge

        return bridge(settings)
    if name == "audit":
        from services.audit.bootstrap import bootstrap as audit

        return audit(settings)
    if name == "register":
        from services.register.bootstrap import bootstrap as register

        return register(settings)
    if name == POINT_OF_CONTACT:
        from entrypoints.policy_parts import policy_parts
        from services.sharing.bootstrap import bootstrap as sharing

        return sharing(settings, policy_parts())
    raise ValueError(f"unknown process '{name}'; known: {', '.join(ALL_PROCESS_NAMES)}")


def process_names(settings: Settings) -> tuple[str, ...]:
    """The processes this deployment runs: the point of contact too where it speaks for a state."""
    return ALL_PROCESS_NAMES if settings.state_code else PROCESS_NAMES


def sharing_environment(settings: Settings) -> dict[str, str]:
    """The state's identity and exchange settings given in code, for the processes started."""
    return {
        f"CASEFLOW_{name.upper()}": str(value)
        for name in settings.model_fields_set
        if name.startswith(("state_", "sharing_"))
        and (value := getattr(settings, name)) is not None
    }


async def mark_ready() -> None:
    """Tell a supervisor waiting on the ready file that start-up is complete."""
    ready_file = os.environ.get(READY_FILE_VARIABLE)
    if ready_file:
        await asyncio.to_thread(Path(ready_file).write_text, str(os.getpid()))


def _ready_file(settings: Settings, name: str) -> Path:
    return settings.state_dir.resolve() / "run" / f"{name}.ready"


def managed(name: str, settings: Settings) -> ManagedProcess:
    """`caseflow run NAME` as a supervised process that is ready once it says so."""
    ready_file = _ready_file(settings, name)
    state_dir = settings.state_dir.resolve()

    async def started() -> None:
        # The file names the pid that finished starting: one left by an earlier run does not count.
        running = process_status(state_dir, name).pid
        if not ready_file.exists() or ready_file.read_text().strip() != str(running):
            raise RuntimeError(f"{name} has not finished starting")

    env = {
        READY_FILE_VARIABLE: str(ready_file),
        "CASEFLOW_STATE_DIR": str(settings.state_dir),
        # Not in the stack file: the codec server's port and the UI it answers.
        "CASEFLOW_CODEC_PORT": str(settings.codec_port),
        "CASEFLOW_TEMPORAL_UI_PORT": str(settings.temporal_ui_port),
    }
    env.update(sharing_environment(settings))
    if settings.case_policy_file is not None:  # settings not read from the environment
        env["CASEFLOW_CASE_POLICY_FILE"] = str(settings.case_policy_file.resolve())
    return ManagedProcess(
        name=name,
        argv=[sys.executable, "-m", "entrypoints", "run", name],
        env=env,
        ready=started,
        # Before each start: a file left by an earlier run must not pass for this one's.
        prepare=lambda: ready_file.unlink(missing_ok=True),
    )


async def start_processes(
    settings: Settings, names: tuple[str, ...] | None = None
) -> list[ProcessStatus]:
    """Start caseflow's processes (running ones are kept) and wait until each is ready."""
    names = process_names(settings) if names is None else names
    settings.endpoints()  # fail here, naming what is missing, rather than in each process
    state_dir = settings.state_dir.resolve()
    # Side by side: each spends its start-up waiting for its consumer group or task queue.
    return list(
        await asyncio.gather(
            *(
                start_process(state_dir, managed(name, settings), ready_within=90.0)
                for name in names
            )
        )
    )


def stop_processes(settings: Settings) -> list[ProcessStatus]:
    """Stop caseflow's processes started under the state folder (and the supervisor, if the
    servers are not running either)."""
    state_dir = settings.state_dir.resolve()
    stopped = [stop_named(state_dir, name) for name in reversed(ALL_PROCESS_NAMES)]
    stop_idle_supervisor(state_dir)
    return stopped


def processes_status(settings: Settings) -> list[ProcessStatus]:
    """The state of each of caseflow's processes."""
    return [process_status(settings.state_dir.resolve(), name) for name in process_names(settings)]


def main(name: str) -> None:
    """Entry point of `caseflow run NAME`."""
    asyncio.run(run_process(name, Settings()))
