"""Ctrl-C as a request, not a crash: within `deferred_interrupt` SIGINT only sets a flag that the long stages
read at safe points (between ledger transactions, between solves), so a result found so far is never lost and
a write in progress always completes."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_flags: list[list[int]] = []  # the flags of the deferred blocks open in the main thread, outermost first


@contextmanager
def deferred_interrupt() -> Iterator[Callable[[], bool]]:
    """Within the block Ctrl-C only sets a flag, read by the yielded function (True once Ctrl-C was pressed).

    Nested blocks share the outermost flag, so an interrupt seen by an inner stage stays visible to the
    stages after it. Outside the main thread (where Python cannot install handlers) the innermost open flag
    of the main thread is read, or one that stays False.
    """
    if threading.current_thread() is not threading.main_thread():
        shared = _flags[0] if _flags else []
        yield lambda: bool(shared)
        return
    if _flags:
        outer = _flags[0]
        yield lambda: bool(outer)
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda *_: caught.append(1))
    _flags.append(caught)
    try:
        yield lambda: bool(caught)
    finally:
        _flags.pop()
        signal.signal(signal.SIGINT, previous)


def interrupted() -> bool:
    """True when Ctrl-C was pressed within the deferred block open now (False when none is open)."""
    return bool(_flags and _flags[0])


def defer_interrupts_in_worker() -> None:
    """Initializer of a worker process: for its whole life Ctrl-C (which the terminal sends to every process of
    the command) only sets the flag that `deferred_interrupt` blocks read, so a running task ends early with
    its best result instead of breaking the pool."""
    caught: list[int] = []
    _flags.append(caught)
    signal.signal(signal.SIGINT, lambda *_: caught.append(1))
