"""Files replaced in one step, for the readers that may open them at any moment."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def write_whole(target: Path, text: str) -> None:
    """Replace `target` with `text` at once: a reader sees the old text or the new, whole."""
    # Beside the target (one file system, so the rename is atomic), named for this write alone:
    # two writers never share a half-written file.
    staging = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        staging.write_text(text)
        os.replace(staging, target)
    finally:
        staging.unlink(missing_ok=True)
