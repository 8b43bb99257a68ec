#!/usr/bin/env python3
"""Moves caseflow's modules into their layers and gives misleading modules honest names.

Pure moves and renames only: `git mv` of each module, then every reference to its old import
path rewritten across the tree (Python, Markdown, TOML, YAML, shell scripts, Dockerfile), by
pattern, so files added later that still use the old paths are rewritten too. Safe to run again:
a module already moved is left alone, a file that reappeared at an old path (a merge) joins the
others at the new one, and no new name contains an old one.

    scripts/dev/layers_move.py            # from anywhere inside the repository

The layers it leaves (import-linter contracts in pyproject.toml, docs/architecture.md):
`entrypoints/` (the `caseflow` command, the dev stack, the process runner and supervisor, the
demo, sample data) on top; `desk/`; `workflows/` and `services/`; `caseflow/` (the ground:
settings, messaging, outbox, unit of work, auth, Kafka, PostgreSQL, HTTP); `schemas/`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

# Old dotted module -> new dotted module. Most specific first: a module moved on its own wins
# over the package it lies in.
MOVES: list[tuple[str, str]] = [
    # The top: entrypoints, and what only they (and the tests and benches) use.
    ("caseflow.cli.parked_all", "entrypoints.cli.parked_replay_all"),
    ("caseflow.cli", "entrypoints.cli"),
    ("caseflow.stack", "entrypoints.stack"),
    ("caseflow.__main__", "entrypoints.__main__"),
    ("caseflow.processes", "entrypoints.processes"),
    ("caseflow.supervisor", "entrypoints.supervisor"),
    ("caseflow.demo", "entrypoints.demo"),
    ("caseflow.agency", "entrypoints.agency_client"),
    ("caseflow.samples", "entrypoints.samples"),
    ("services.register.samples", "entrypoints.register_samples"),
    ("caseflow.register_export", "entrypoints.register_export"),
    ("caseflow.kafka_access", "entrypoints.kafka_access"),
    # The register's HTTP client, as the desk (and the CLI above it) call the register.
    ("caseflow.register_client", "desk.register_client"),
    # Names that say what the module holds.
    ("workflows.desk", "workflows.case_client"),
    ("caseflow.service", "caseflow.service_runtime"),
    ("caseflow.parked", "caseflow.bad_messages.parked_message"),
    ("caseflow.parking", "caseflow.bad_messages.retries"),
    ("caseflow.parked_topic", "caseflow.bad_messages.parked_topic"),
    ("caseflow.unreadable", "caseflow.bad_messages.unreadable_batches"),
    ("caseflow.record_batches", "caseflow.bad_messages.record_batches"),
]

# Folders of data that move with the module that reads them (paths, not modules).
PATH_MOVES: list[tuple[str, str]] = [
    # register_export's printable case file; the annual report's page stays with its renderer
    # in the ground.
    ("caseflow/templates/case_file.html", "entrypoints/templates/case_file.html"),
]

# Also the names of Kafka topics (caseflow.parked, caseflow.agency.<CODE>.cases): rewritten in
# import statements and file paths only, never in running text or strings.
AMBIGUOUS = {"caseflow.parked", "caseflow.agency"}

NEW_PACKAGES = {
    "entrypoints": (
        '"""The entrypoints: the `caseflow` command, the embedded dev stack, the process\n'
        'runner and its supervisor, the demo, and sample data for the demo, tests and benches."""\n'
    ),
    "caseflow/bad_messages": (
        '"""Bad messages, in one home (the `caseflow.parked` topic): those whose handler kept\n'
        'failing, those no contract could read, record batches no consumer could read."""\n'
    ),
}
OLD_GROUND_DOC = (
    '"""caseflow: export-licence cases for dual-use items, '
    'with human rights weighed at every step."""'
)
GROUND_DOC = (
    '"""The ground every layer stands on: settings, messaging, outbox, unit of work, auth, Kafka,\n'
    'PostgreSQL, HTTP. It imports no service, workflow, desk or entrypoint."""'
)

# Recorded workflow histories and data files (.json, .csv) are left as they are.
TEXT_SUFFIXES = {".py", ".md", ".toml", ".yml", ".yaml", ".cfg", ".ini", ".txt", ".sh", ".example"}
TEXT_SUFFIXES |= {".html", ".css", ".sql", ".gitignore", ".dockerignore"}
TEXT_NAMES = {"Dockerfile", "run", "test"}  # scripts/run, scripts/test, .ci/run


def main() -> int:
    root = Path(git("rev-parse", "--show-toplevel").strip())
    moved = sum(move_module(root, old, new) for old, new in MOVES)
    moved += sum(move_path(root, root / old, root / new) for old, new in PATH_MOVES)
    for package, doc in NEW_PACKAGES.items():
        init = root / package / "__init__.py"
        if (root / package).is_dir() and not init.exists():
            init.write_text(doc)
            git("add", str(init))
    ground = root / "caseflow" / "__init__.py"
    if ground.exists() and ground.read_text().strip() == OLD_GROUND_DOC:
        ground.write_text(GROUND_DOC + "\n")
    changed = [path for path in text_files(root) if rewrite(path)]
    add_package_to_setuptools(root / "pyproject.toml")
    tidy_imports(root, [p for p in changed if p.suffix == ".py"])
    print(f"layers_move: {moved} file(s) moved, {len(changed)} file(s) rewritten")
    return 0


def git(*args: str) -> str:
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True).stdout


def move_module(root: Path, old: str, new: str) -> int:
    """Move `old` (a module file or a package folder) to `new`; files already there stay."""
    old_path, new_path = root / old.replace(".", "/"), root / new.replace(".", "/")
    if old_path.with_suffix(".py").is_file():
        return move_file(root, old_path.with_suffix(".py"), new_path.with_suffix(".py"))
    return move_tree(root, old_path, new_path)


def move_path(root: Path, old_path: Path, new_path: Path) -> int:
    """Move a file, or every file under a folder."""
    if old_path.is_file():
        return move_file(root, old_path, new_path)
    return move_tree(root, old_path, new_path)


def move_tree(root: Path, old_path: Path, new_path: Path) -> int:
    """Move every file under `old_path` to the same place under `new_path`."""
    if not old_path.is_dir():
        return 0
    count = 0
    for source in sorted(p for p in old_path.rglob("*") if p.is_file()):
        if "__pycache__" in source.parts:
            continue
        count += move_file(root, source, new_path / source.relative_to(old_path))
    for folder in sorted((p for p in old_path.rglob("__pycache__") if p.is_dir()), reverse=True):
        shutil.rmtree(folder, ignore_errors=True)
    for folder in sorted((p for p in old_path.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    if not any(old_path.iterdir()):
        old_path.rmdir()
    return count


def move_file(root: Path, source: Path, target: Path) -> int:
    if target.exists():
        if source.read_bytes() == target.read_bytes():
            git("rm", "-q", "-f", str(source.relative_to(root)))
            return 1
        sys.exit(f"layers_move: both {source} and {target} exist and differ: merge them by hand")
    target.parent.mkdir(parents=True, exist_ok=True)
    if git("ls-files", str(source.relative_to(root))).strip():
        git("mv", str(source.relative_to(root)), str(target.relative_to(root)))
    else:
        source.rename(target)
        git("add", str(target.relative_to(root)))
    return 1


def text_files(root: Path) -> list[Path]:
    listed = git("ls-files", "-c", "-o", "--exclude-standard", "-z").split("\0")
    paths = [root / name for name in listed if name and not name.startswith(".venv")]
    return [
        p
        for p in paths
        if p.is_file()
        and (p.suffix in TEXT_SUFFIXES or p.name in TEXT_NAMES)
        and p.name != Path(__file__).name
    ]


def _path(dotted: str) -> str:
    return dotted.replace(".", "/")


# Names that moved down to the ground on their own (whole import lines only).
SYMBOL_MOVES: list[tuple[str, str, str]] = [
    ("caseflow.stack.ports", "free_ports", "caseflow.loopback"),
    ("entrypoints.stack.ports", "free_ports", "caseflow.loopback"),
]


def _rules() -> list[tuple[re.Pattern[str], str]]:
    """(pattern, replacement) pairs, most specific first."""
    rules: list[tuple[re.Pattern[str], str]] = []
    for module, name, new_module in SYMBOL_MOVES:
        line = rf"(?m)^(\s*)from {re.escape(module)} import {name}[ \t]*$"
        rules.append((re.compile(line), rf"\g<1>from {new_module} import {name}"))
    # `python -m caseflow` and argv lists [..., "-m", "caseflow", ...] run the entrypoints now.
    rules.append((re.compile(r'(-m["\']?,? ["\']?)caseflow(?![\w.-])'), r"\1entrypoints"))
    for old, new in PATH_MOVES:
        rules.append((re.compile(rf"(?<![\w/.-]){re.escape(old)}(?![\w-])"), new))
    for old, new in sorted(MOVES, key=lambda move: -len(move[0])):
        o, n = re.escape(old), new
        # file paths: caseflow/cli/parked_all.py, caseflow/stack/, caseflow/parked.py
        rules.append((re.compile(rf"(?<![\w/.-]){re.escape(_path(old))}\.py\b"), _path(n) + ".py"))
        if old not in AMBIGUOUS:
            rules.append((re.compile(rf"(?<![\w/.-]){re.escape(_path(old))}(?![\w-])"), _path(n)))
            rules.append((re.compile(rf"(?<![\w.]){o}(?![\w-])"), n))
        else:
            rules.append((re.compile(rf"(?m)^(\s*from ){o}( import )"), rf"\g<1>{n}\2"))
            rules.append((re.compile(rf"(?m)^(\s*import ){o}(?![\w.])"), rf"\g<1>{n}"))
    return rules


RULES = _rules()
# `from workflows import desk` then `desk.claim`: the module's new name, at both places.
FROM_PARENT = [
    (old.rpartition(".")[0], old.rpartition(".")[2], new.rpartition(".")[0], new.rpartition(".")[2])
    for old, new in MOVES
]


def rewrite(path: Path) -> bool:
    text = path.read_text(encoding="utf-8", errors="surrogateescape")
    new = text
    if path.suffix == ".py":
        new = _from_parent(new)
    for pattern, replacement in RULES:
        new = pattern.sub(replacement, new)
    if new == text:
        return False
    path.write_text(new, encoding="utf-8", errors="surrogateescape")
    return True


def _from_parent(text: str) -> str:
    """`from workflows import actors, desk` (one line) names the moved module anew; where it
    was imported without an alias, its uses (`desk.claim`) take the new name too."""
    for parent, name, new_parent, new_name in FROM_PARENT:
        line = re.compile(rf"(?m)^([ \t]*)from {re.escape(parent)} import ([\w, ]+?)[ \t]*$")
        for found in list(line.finditer(text)):
            names = [part.strip() for part in found.group(2).split(",") if part.strip()]
            moved = [n for n in names if n == name or n.startswith(f"{name} as ")]
            if not moved:
                continue
            indent, rest = found.group(1), [n for n in names if n not in moved]
            lines = [f"{indent}from {parent} import {', '.join(rest)}"] if rest else []
            lines += [f"{indent}from {new_parent} import {new_name}{m[len(name) :]}" for m in moved]
            text = text.replace(found.group(0), "\n".join(lines), 1)
            if name in moved and new_name != name:
                text = re.sub(rf"(?<![\w./]){re.escape(name)}\.(?=\w)", f"{new_name}.", text)
    return text


def add_package_to_setuptools(pyproject: Path) -> None:
    text = pyproject.read_text()
    found = re.search(r"(\[tool\.setuptools\.packages\.find\]\ninclude = \[)([^\]]*)\]", text)
    if found and '"entrypoints*"' not in found.group(2):
        text = text.replace(found.group(0), f'{found.group(1)}{found.group(2)}, "entrypoints*"]')
        pyproject.write_text(text)


def tidy_imports(root: Path, changed: list[Path]) -> None:
    """Sort the rewritten imports (ruff), so the tree stays as `ruff check` wants it."""
    beside = [root / ".venv" / "bin" / "ruff", Path(sys.executable).parent / "ruff"]
    command = next((str(p) for p in beside if p.exists()), None) or shutil.which("ruff")
    if not changed:
        return
    if command is None:
        print("layers_move: ruff not found; run `ruff check --select I --fix . && ruff format .`")
        return
    names = [str(p) for p in changed]
    subprocess.run([command, "check", "-q", "--select", "I", "--fix", *names], check=False)
    subprocess.run([command, "format", "-q", *names], check=False)


if __name__ == "__main__":
    sys.exit(main())
