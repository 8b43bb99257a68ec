"""Policy parts adopted from partner states' bundles: one JSON file per part, written by the
point of contact when an officer adopts keys of a bundle, read by the owning service (screening,
consultation) at its start. A part with no adopted file is the shipped one."""

from __future__ import annotations

import json
from pathlib import Path

from caseflow.settings import Settings
from caseflow.whole_files import write_whole
from schemas.sharing import PolicyPart


def adopted_policy_dir(settings: Settings) -> Path:
    """The directory of adopted parts (CASEFLOW_ADOPTED_POLICY_DIR, or <state dir>/policy)."""
    return settings.adopted_policy_dir or settings.state_dir / "policy"


def adopted_file(directory: Path, part: PolicyPart) -> Path:
    """Where a part's adopted document is kept."""
    return directory / f"{part.value}.json"


def in_force(directory: Path, part: PolicyPart, shipped: Path) -> Path:
    """The file the part is read from: the adopted document if there is one, else the shipped."""
    adopted = adopted_file(directory, part)
    return adopted if adopted.is_file() else shipped


def write_adopted(directory: Path, part: PolicyPart, document: object) -> Path:
    """Replace a part's adopted document at once (a reader sees the old or the new, whole)."""
    directory.mkdir(parents=True, exist_ok=True)
    target = adopted_file(directory, part)
    write_whole(target, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return target
