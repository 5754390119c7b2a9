"""Independent jobs (what-if scenarios, network sites) run as tasks: in local processes or on a Dask cluster.

One loop (`run_tasks`) sends tasks as fast as the pool runs them, reports progress (done / running / queued /
failed, elapsed), collects each result or failure by name, and on Ctrl-C sends nothing more and returns what
finished: within a `deferred_interrupt` block (the CLI) local tasks are asked to stop early and keep their best
result; otherwise, and on a cluster, the unfinished tasks are cancelled.
It talks to a `TaskPool`: `LocalPool` (this process, or spawned processes) or `ClusterPool` (a Dask
distributed Client). Tasks take plain data and return plain data, so workers need no shared file system.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from staffcast.errors import ConfigError
from staffcast.interrupts import defer_interrupts_in_worker, interrupted

CONNECT_TIMEOUT_SECONDS = 10
"""How long to try to reach a Dask scheduler before giving up (exit 1 naming the address)."""
REPORT_EVERY_SECONDS = 10.0
"""A progress line at least this often while tasks run (and whenever a task ends)."""
RETRIES_AFTER_WORKER_DEATH = 1
"""A task whose worker dies runs once more elsewhere; a second death fails it."""


@dataclass(frozen=True)
class Task:
    """One named job: `function(*arguments)` must be importable by name and take and return picklable data."""

    name: str
    function: Callable[..., Any]
    arguments: tuple


@dataclass
class TaskRun:
    """What came back: results by task name, failures (name -> message), and the names cancelled by Ctrl-C."""

    results: dict[str, Any] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    cancelled: list[str] = field(default_factory=list)

    @property
    def interrupted(self) -> bool:
        return bool(self.cancelled)


class TaskPool(Protocol):
    """Where tasks run: how many at once, a concurrent.futures-like submit, a wait for the first to finish, and cancelling."""

    solver_workers: int | None
    """CP-SAT threads each task may use (None: every core, when one task runs at a time)."""

    def capacity(self) -> int: ...
    def submit(self, task: Task) -> Any: ...
    def wait_any(self, futures: set, timeout: float) -> set: ...
    def cancel(self, futures: set) -> None: ...
    def interrupt(self, futures: set) -> set: ...
    def close(self) -> None: ...


class LocalPool:
    """Tasks in this process (`processes` = 1) or in that many spawned processes, one solver thread each."""

    def __init__(self, processes: int) -> None:
        self.processes = max(1, processes)
        self.solver_workers = None if self.processes == 1 else 1
        self._inline: dict[Future, Task] = {}
        # spawn, not fork: the parent may have run CP-SAT or BLAS threads, and forking a threaded process can deadlock.
        # The children leave the terminal's process group: Ctrl-C reaches the parent, which passes it on (`interrupt`).
        self._executor = (
            ProcessPoolExecutor(max_workers=self.processes, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_start)
            if self.processes > 1
            else None
        )

    def submit(self, task: Task) -> Future:
        if self._executor is not None:
            return self._executor.submit(task.function, *task.arguments)
        future: Future = Future()
        self._inline[future] = task
        return future

    def wait_any(self, futures: set, timeout: float) -> set:
        if self._executor is not None:
            return wait(futures, timeout=timeout, return_when=FIRST_COMPLETED).done
        future = next(f for f in self._inline if f in futures)  # in this process: run the next task now, in order
        task = self._inline.pop(future)
        future.set_running_or_notify_cancel()
        try:
            future.set_result(task.function(*task.arguments))
        except Exception as exc:  # reported in the task's row, as from a process
            future.set_exception(exc)
        return {future}

    def capacity(self) -> int:
        return self.processes

    def cancel(self, futures: set) -> None:
        for future in futures:
            future.cancel()
        if self._executor is not None:
            self._stop_processes()

    def interrupt(self, futures: set) -> set:
        """Pass Ctrl-C on to the children: each running task ends its search early and returns its best result.
        Returns the futures still to wait for (all of them)."""
        for process in self._children():
            if process.is_alive():
                os.kill(process.pid, signal.SIGINT)
        return futures

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)

    def _children(self) -> list:
        return list((getattr(self._executor, "_processes", None) or {}).values())  # before 3.14: no public handle

    def _stop_processes(self) -> None:
        """End the children at once: a running roster search would otherwise hold the exit until its time limit."""
        if hasattr(self._executor, "terminate_workers"):  # Python 3.14
            self._executor.terminate_workers()
            return
        processes = self._children()
        self._executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=5)


def _worker_start() -> None:
    """A local worker process: out of the terminal's process group, Ctrl-C passed on by the parent only sets the
    flag its task's stages read."""
    if hasattr(os, "setpgrp"):
        os.setpgrp()
    defer_interrupts_in_worker()


class ClusterPool:
    """Tasks on a Dask distributed cluster (`staffcast[cluster]`): one task per worker thread, one solver thread each."""

    solver_workers = 1

    def __init__(self, address: str) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise ConfigError(f"--cluster {address}: Dask distributed is not installed; install it with pip install 'staffcast[cluster]'.") from None
        self.address = address
        try:
            self.client = Client(address, timeout=f"{CONNECT_TIMEOUT_SECONDS}s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ConfigError(
                f"--cluster {address}: cannot reach a Dask scheduler there within {CONNECT_TIMEOUT_SECONDS} s ({exc}); "
                "start one with `dask scheduler` and workers with `dask worker ADDRESS`, or check the address."
            ) from None
        self.client.run_on_scheduler(_allow_failures, RETRIES_AFTER_WORKER_DEATH)

    def submit(self, task: Task) -> Any:
        return self.client.submit(task.function, *task.arguments, key=f"staffcast-{task.name}-{os.urandom(4).hex()}", pure=False)

    def wait_any(self, futures: set, timeout: float) -> set:
        from distributed.client import _wait

        try:
            return set(self.client.sync(_wait, list(futures), timeout=timeout, return_when="FIRST_COMPLETED").done)
        except TimeoutError:
            return set()

    def capacity(self) -> int:
        """The cluster's worker threads now (at least 1: with no worker yet, one task waits for one)."""
        return max(1, sum(self.client.nthreads().values()))

    def cancel(self, futures: set) -> None:
        self.client.cancel(list(futures), force=True)

    def interrupt(self, futures: set) -> set:
        """Remote searches cannot be reached by Ctrl-C: cancel them; nothing is left to wait for."""
        self.cancel(futures)
        return set()

    def close(self) -> None:
        self.client.close()


def _allow_failures(count: int, dask_scheduler=None) -> None:
    """On the scheduler: a task is retried after `count` worker deaths, then fails (KilledWorker); the same as
    starting the scheduler with DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES=1."""
    dask_scheduler.allowed_failures = count


@contextmanager
def task_pool(cluster: str | None, processes: int) -> Iterator[TaskPool]:
    """A `ClusterPool` on `cluster` when given, else a `LocalPool` of `processes`; closed on leaving."""
    pool = ClusterPool(cluster) if cluster else LocalPool(processes)
    try:
        yield pool
    finally:
        pool.close()


def run_tasks(
    pool: TaskPool, tasks: list[Task], progress: Callable[[str], None] | None = None, announce: Callable[[str, Any], str] | None = None
) -> TaskRun:
    """Run every task on `pool`; a task that raises (or whose worker died twice) is a failure, the others go on.

    Ctrl-C within a `deferred_interrupt` block: no task starts any more, the running ones are interrupted
    (`TaskPool.interrupt`) and what they return is kept. Ctrl-C outside one (KeyboardInterrupt): every task not
    finished is cancelled. Either way the tasks that never finished are listed in `cancelled`.

    Args:
        progress: receives the counts (done, running, queued, failed, elapsed) and a line per failure.
        announce: the line `progress` receives for a task's result (name, result).
    """
    say = progress or (lambda _message: None)
    started = time.monotonic()
    run = TaskRun()
    waiting = list(tasks)
    names: dict[Any, str] = {}
    pending: set = set()
    last_report, changed, stopping = 0.0, False, False
    try:
        while waiting or pending:
            # only as many tasks out as the pool runs at once: none waits on a worker that may die, and Ctrl-C finds the rest unsent
            while waiting and len(pending) < pool.capacity():
                task = waiting.pop(0)
                future = pool.submit(task)
                names[future] = task.name
                pending.add(future)
            if changed or time.monotonic() - last_report >= REPORT_EVERY_SECONDS:
                say(_counts(run, len(pending), len(waiting), started))
                last_report = time.monotonic()
            done = pool.wait_any(pending, timeout=2.0)
            for future in done:
                _collect(run, names[future], future, say, announce)
            pending -= done
            changed = bool(done)
            if interrupted() and (waiting or pending) and not stopping:
                stopping = True
                kept = pool.interrupt(pending)
                run.cancelled = [t.name for t in waiting] + [names[f] for f in pending - kept]
                waiting, pending = [], kept
                say(f"interrupted (Ctrl-C): {len(run.cancelled)} task(s) not run; waiting for {len(pending)} to stop early")
        run.cancelled = [t.name for t in tasks if t.name in run.cancelled]
        say(_counts(run, 0, 0, started))
    except KeyboardInterrupt:
        finished = {f for f in pending if f.done()}
        for future in finished:
            _collect(run, names[future], future, say, announce)
        pending -= finished
        pool.cancel(pending)
        unfinished = {names[f] for f in pending} | {t.name for t in waiting}
        run.cancelled = [t.name for t in tasks if t.name in unfinished]
        say(f"interrupted: cancelled {len(unfinished)} task(s) not finished; {_counts(run, 0, 0, started)}")
    return run


def _collect(run: TaskRun, name: str, future: Any, say: Callable[[str], None], announce: Callable[[str, Any], str] | None) -> None:
    try:
        run.results[name] = future.result()
    except Exception as exc:  # a bug or a dead worker in one task must not lose the others
        run.failures[name] = describe_failure(exc)
        say(f"warning: task {name} failed: {run.failures[name]}")
        return
    if announce:
        say(announce(name, run.results[name]))


def describe_failure(exc: BaseException) -> str:
    """A one-line reason for a task's row."""
    kind = type(exc).__name__
    if kind == "KilledWorker":
        return f"its worker died {RETRIES_AFTER_WORKER_DEATH + 1} times (the task was retried once elsewhere)"
    if kind == "BrokenProcessPool":
        return "a local worker process died"
    if kind == "CancelledError":
        return "cancelled by the cluster (scheduler or worker lost)"
    text = " ".join(str(exc).split())
    return f"{kind}: {text}" if text else kind


def _counts(run: TaskRun, running: int, queued: int, started: float) -> str:
    elapsed = int(time.monotonic() - started)
    return (
        f"tasks: {len(run.results)} done, {running} running, {queued} queued, {len(run.failures)} failed; "
        f"{elapsed // 60:02d}:{elapsed % 60:02d} elapsed"
    )
