"""Keeping a built index out of the cyclic garbage collector's full passes."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collection_paused() -> Iterator[None]:
    """No cyclic garbage collection meanwhile: indexing makes little garbage but many objects
    that live on, and each full pass would walk all of them (and the entries) again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def settle_after_indexing() -> None:
    """Collect once, then freeze every object alive into the collector's permanent generation.

    A list of a million entries holds a million tracked objects the index keeps for as long as
    it serves: each full pass of the collector walks them all (a second at that size, every few
    thousand parties screened) and never frees one. Frozen, they are skipped; they are still
    freed by reference counting when the index is replaced. The previous freeze is undone first
    and a full collection run, so garbage in cycles is collected before it could be frozen.
    Call it where the process owns its memory (a screening service after each (re)build), not
    from code indexing a handful of names on the way.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
