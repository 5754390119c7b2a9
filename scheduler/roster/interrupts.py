"""Ctrl-C between search stages: deferred to a flag, so that a roster found so far is never lost."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def deferred_interrupt() -> Iterator[Callable[[], bool]]:
    """Within the block Ctrl-C only sets a flag, read by the yielded function; outside the main thread
    (where Python cannot install handlers) nothing changes and the flag stays False."""
    caught: list[bool] = []
    if threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return
    previous = signal.signal(signal.SIGINT, lambda *_: caught.append(True))
    try:
        yield lambda: bool(caught)
    finally:
        signal.signal(signal.SIGINT, previous)


def restore_python_interrupts() -> None:
    """Make Ctrl-C raise KeyboardInterrupt again: a CP-SAT solve that caught SIGINT leaves it at the
    default action (kill), so stages that follow one must reinstate Python's handler (main thread only)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.default_int_handler)
