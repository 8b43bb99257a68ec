"""Files replaced in one step, for the readers that may open them at any moment."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def write_whole(target: Path, text: str, mode: int | None = None) -> None:
    """Replace `target` with `text` at once: a reader sees the old text or the new, whole;
    with `mode`, the file has those permissions from its creation, whatever the umask."""
    # Beside the target (one file system, so the rename is atomic), named for this write alone:
    # two writers never share a half-written file.
    staging = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        if mode is None:
            staging.write_text(text)
        else:  # never readable beyond `mode`, not even before the text is in
            descriptor = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
            with os.fdopen(descriptor, "w") as file:
                file.write(text)
            os.chmod(staging, mode)
        os.replace(staging, target)
    finally:
        staging.unlink(missing_ok=True)
