"""Worker processes for everything that runs a template or WeasyPrint: each job under a time
limit and a memory bound, in a process that dies with the build that started it.

Why processes and not limits inside the template sandbox: a template can allocate through
many doors (`ljust`, `center`, `indent`, `lipsum`, `~` in a loop, `replace`, `format`, ...)
and spin in nested loops or recursive macros, and WeasyPrint swallows exceptions in places.
An address-space bound (RLIMIT_AS) and an alarm in a process of its own stop all of them at
once, whatever the door; and a worker that has to be killed takes nothing with it, since only
the main process writes outputs and holds the output folder's lock.

- Start-up: workers are forked, so they inherit what the main process loaded (the fact base)
  without pickling it. Each asks the kernel to kill it when its parent dies
  (`PR_SET_PDEATHSIG`), so no worker outlives a build killed by SIGKILL, SIGTERM or the OOM
  killer.
- Recycling (`recycle_after=N`): given more than `size × N` jobs, a pool of `size` workers
  is replaced by a fresh one after every `size × N` jobs, so memory a renderer keeps from
  document to document (WeasyPrint does) cannot pile up over a large build. Such pools are
  forked by multiprocessing's fork server, not by the build: a worker started late would
  otherwise inherit everything the build has gathered by then (every briefing's Markdown).
  The fork server imports the `preload` modules once (WeasyPrint among them), so no worker
  generation pays that import again; it ends when the build ends (its pipe closes), and its
  workers with it (`PR_SET_PDEATHSIG`). Fewer jobs need one pool only: it is forked by the
  build as usual, with no fork server to start (what `serve` and `watch` rebuilds see).
  (The standard `max_tasks_per_child` is not used: on Python 3.11 to 3.13 a pool with a
  backlog of jobs hangs once a worker retires, CPython issue 115634.)
- Limits: `seconds` per job by SIGALRM, and a watchdog thread that ends the worker a little
  later should the alarm be swallowed; `memory_mib` of address space per worker, on top of
  what it starts with (what it inherits at fork, from the build or the fork server).
- Retry: a worker that dies breaks its whole pool; every job the pool lost is retried alone,
  so only the job that kills its worker fails.
- Logging: what a job logs at WARNING or above (WeasyPrint's warnings) comes back with it.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from briefing.errors import InvalidInput, Problem

log = logging.getLogger("briefing.build")

WATCHDOG_GRACE = 2.0  # seconds past the time limit before a stuck worker is ended
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


@dataclass(frozen=True)
class Limits:
    """What one job may take."""

    seconds: float
    memory_mib: int


@dataclass(frozen=True)
class Job:
    """A function to run in a worker, and how its failures are named."""

    key: str  # the target it is for, in messages
    function: Callable[..., Any]  # module-level, so it can be sent to the worker
    args: tuple[Any, ...]
    work: str = "template rendering"  # "PDF layout took longer than 2 s"
    worker: str = "template"  # "the PDF worker died"
    # Run first, outside the time limit (imports, a warm-up): an import cut short by the
    # alarm would leave the worker with half a module for every later job.
    prepare: tuple[Callable[..., Any], tuple[Any, ...]] | None = None


@dataclass(frozen=True)
class Done:
    """A job's value, how long it took, and the warnings logged while it ran."""

    value: Any
    seconds: float
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Failed:
    """Why a job failed; template and fact-base problems keep their location."""

    message: str
    problems: tuple[Problem, ...] = ()


Outcome = Done | Failed


# --------------------------------------------------------------------------- in the worker

_shared: Any = None  # what the build handed every worker (see `shared`)
_captured: list[str] = []


class _Capture(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        _captured.append(record.getMessage())


def shared() -> Any:
    """In a worker: the value the build passed to `Workers(shared=...)`."""
    return _shared


def _die_with_parent(build: int) -> None:
    """Have the kernel SIGKILL this worker when its parent dies, however the parent dies.

    The parent is the build, or the fork server, which ends as soon as the build does."""
    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        failed = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0
    except (OSError, AttributeError):  # not Linux: watch the parent instead
        failed = True
    if failed:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent or not _alive(build):  # died before the kernel was asked
        os._exit(70)


def _let_go_of_the_fork_server() -> None:
    """In a worker the fork server started: close the end of its "alive" pipe that it hands
    every child. The server ends when all holders have closed it; were workers holding it,
    a killed build would leave the server (and, by PDEATHSIG, its workers) alive for good."""
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    fd = getattr(server, "_forkserver_alive_fd", None)
    if server is not None and isinstance(fd, int):
        with contextlib.suppress(OSError):
            os.close(fd)
        server._forkserver_alive_fd = None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(70)


def _address_space() -> int:
    """Bytes of address space this process holds now (what it inherited at fork)."""
    try:
        pages = int(Path("/proc/self/statm").read_text(encoding="ascii").split()[0])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _start(parent: int, memory_mib: int, value: Any) -> None:
    """Worker start-up: die with the parent, bound memory, capture logging."""
    global _shared
    _let_go_of_the_fork_server()
    _die_with_parent(parent)
    import resource

    # The bound is on top of what the worker inherits from its parent at fork: a bound below
    # it would fail every allocation, a new thread's included.
    limit = _address_space() + memory_mib * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard == resource.RLIM_INFINITY or limit < hard:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    for logger in [logging.getLogger(), *map(logging.getLogger, logging.root.manager.loggerDict)]:
        logger.handlers.clear()  # inherited handlers would write to the parent's terminal
    logging.getLogger().addHandler(_Capture(logging.WARNING))
    _shared = value


class _TimedOut(BaseException):
    """Raised by the alarm; a BaseException, so no `except Exception` on the way swallows it."""


def _run(job: Job, seconds: float) -> Outcome:
    """Runs in a worker: get ready (imports, outside the time limit), then the job within
    it. Whatever happens comes back as an `Outcome`, never as an exception."""
    try:
        if job.prepare is not None:
            function, args = job.prepare
            function(*args)
    except MemoryError:
        return Failed(f"the {job.worker} worker ran out of its memory bound while starting")
    except Exception as error:
        return Failed(str(error) or type(error).__name__)
    message = f"{job.work} took longer than {seconds:g} s"
    try:
        outcome = _run_limited(job, seconds, message)
    except _TimedOut:  # the alarm went off on the way out
        outcome = Failed(message)
    if isinstance(outcome, Failed):
        # What a job cut short leaves behind (a half-built document, millions of objects in
        # cycles) is collected now, not inside the next job's time limit.
        gc.collect()
    return outcome


def _run_limited(job: Job, seconds: float, message: str) -> Outcome:
    expired: list[bool] = []

    def expire(signum: int, frame: object) -> None:
        expired.append(True)
        raise _TimedOut(message)

    _captured.clear()
    begun = time.perf_counter()
    previous = signal.signal(signal.SIGALRM, expire)
    watchdog: threading.Timer | None = None
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        # The alarm interrupts Python code; should something swallow it (WeasyPrint drawing
        # an SVG does), the watchdog ends the whole worker a little later, and the parent
        # sees the worker die.
        watchdog = threading.Timer(seconds + WATCHDOG_GRACE, os._exit, args=(70,))
        watchdog.daemon = True
        watchdog.start()
        value = job.function(*job.args)
    except _TimedOut:
        return Failed(message)
    except MemoryError:
        return Failed(f"{job.work} ran out of its memory bound")
    except InvalidInput as error:
        return Failed("; ".join(str(p) for p in error.problems), tuple(error.problems))
    except Exception as error:  # a job's failure, whatever it is, fails its target only
        return Failed(str(error) or type(error).__name__)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        if watchdog is not None:
            watchdog.cancel()
        signal.signal(signal.SIGALRM, previous)
    if expired:  # the alarm fired but something caught it: the value may be incomplete
        return Failed(message)
    return Done(value, time.perf_counter() - begun, tuple(_captured))


# --------------------------------------------------------------------------- in the build


def _stop_fork_server() -> None:
    """End the fork server and wait for it: its workers' CPU time and peak memory then count
    as the build's (getrusage of its children), and the next build starts one with its own
    preloads. Uses the private `_stop` (the standard library's tests use it); without it the
    server ends anyway with this process."""
    from multiprocessing import forkserver

    stop = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
    if callable(stop):
        with contextlib.suppress(OSError, ChildProcessError):
            stop()


class Workers:
    """A pool of limited worker processes, started on first use, restarted after a death,
    and replaced after `size × recycle_after` jobs when `recycle_after` is given."""

    def __init__(
        self,
        size: int,
        limits: Limits,
        shared: Any = None,
        *,
        recycle_after: int | None = None,
        preload: Sequence[str] = (),
    ) -> None:
        self.size = max(1, size)
        self.limits = limits
        self._shared = shared  # forked workers inherit it; fork-server ones get it pickled
        self._pool: ProcessPoolExecutor | None = None
        self.recycle_after = recycle_after
        self._preload = list(preload)
        self._pool_jobs = 0  # jobs the current pool was given
        self._fork_server = False  # pools come from the fork server (a recycled run)

    def __enter__(self) -> Workers:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._close(kill=kind is not None)
        if self._fork_server:
            _stop_fork_server()

    def _context(self) -> multiprocessing.context.BaseContext:
        if not self._fork_server:
            return multiprocessing.get_context("fork")
        context = multiprocessing.get_context("forkserver")
        # Only before the server starts (once per process); later calls change nothing.
        context.set_forkserver_preload(self._preload)
        return context

    def _new_pool(self, size: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=size,
            mp_context=self._context(),
            initializer=_start,
            initargs=(os.getpid(), self.limits.memory_mib, self._shared),
        )

    def _close(self, *, kill: bool = False) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if kill:  # the build is failing: no job's result is wanted any more
            for process in list(getattr(pool, "_processes", {}).values()):
                with contextlib.suppress(OSError):
                    process.kill()
        pool.shutdown(wait=True, cancel_futures=True)

    def _submit(self, pool: ProcessPoolExecutor, job: Job) -> Future[Outcome]:
        return pool.submit(_run, job, self.limits.seconds)

    def run(self, jobs: Sequence[Job]) -> Iterator[tuple[Job, Outcome]]:
        """Each job's outcome, in the order given; a job whose worker died is retried alone.
        With `recycle_after`, the jobs go out in generations, each to a fresh pool."""
        if self.recycle_after is None or len(jobs) <= self.size * self.recycle_after:
            yield from self._run(jobs)  # one generation: forked from the build, as ever
            return
        self._close()  # a fork-context pool left by an earlier `run`
        self._fork_server = True
        per_pool = self.size * self.recycle_after
        done = 0
        while done < len(jobs):
            if self._pool is not None and self._pool_jobs >= per_pool:
                self._close()
            room = per_pool - (self._pool_jobs if self._pool is not None else 0)
            batch = jobs[done : done + room]
            yield from self._run(batch)
            done += len(batch)

    def _run(self, jobs: Sequence[Job]) -> Iterator[tuple[Job, Outcome]]:
        if not jobs:
            return
        if self._pool is None:
            self._pool = self._new_pool(self.size)
            self._pool_jobs = 0
        self._pool_jobs += len(jobs)
        futures = [(job, self._submit(self._pool, job)) for job in jobs]
        lost: list[Job] = []
        outcome: Outcome
        for job, future in futures:
            try:
                outcome = future.result()
            except BrokenProcessPool:
                lost.append(job)
                continue
            except Exception as error:  # e.g. a value that could not be sent back
                outcome = Failed(str(error) or type(error).__name__)
            yield job, outcome
        if lost:
            self._close()
        for job in lost:
            log.info("%s: its worker died; trying it again alone", job.key)
            alone = self._new_pool(1)
            try:
                outcome = self._submit(alone, job).result()
            except BrokenProcessPool:
                outcome = Failed(
                    f"the {job.worker} worker died "
                    "(past its time limit, over its memory bound, or killed)"
                )
            finally:
                alone.shutdown(wait=True)
            yield job, outcome
