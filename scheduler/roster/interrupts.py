"""Ctrl-C during CP-SAT solves: the solve runs in a helper thread while the calling thread watches the
deferred Ctrl-C flag (`staffcast.interrupts`) and stops the search, which then returns its best solution."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable

from ortools.sat.python import cp_model

from staffcast.interrupts import interrupted

POLL_SECONDS = 0.05


def solve_interruptibly(
    solver: cp_model.CpSolver,
    model: cp_model.CpModel,
    callback: cp_model.CpSolverSolutionCallback | None = None,
    stop_when: Callable[[], bool] = lambda: False,
):
    """`solver.solve(model, callback)`, stopped early (with its best solution) once Ctrl-C was pressed within an
    open `deferred_interrupt` block, or once `stop_when()` (polled) is true; CP-SAT never installs its own SIGINT
    handler. Without an open block a Ctrl-C raises KeyboardInterrupt here, after the search has stopped."""
    solver.parameters.catch_sigint_signal = False
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["status"] = solver.solve(model, callback)
        except BaseException as exc:  # handed to the calling thread
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="cp-sat", daemon=True)
    thread.start()
    stopping = False
    try:
        while thread.is_alive():
            thread.join(POLL_SECONDS)
            if not stopping and (interrupted() or stop_when()):
                solver.stop_search()
                stopping = True
    except BaseException:
        solver.stop_search()
        thread.join()
        raise
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["status"]  # type: ignore[return-value]


def restore_python_interrupts() -> None:
    """Make Ctrl-C raise KeyboardInterrupt again after a solve that let CP-SAT catch SIGINT (which leaves it at
    the default action, kill); main thread only."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.default_int_handler)
