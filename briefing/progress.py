"""How a build reports itself: a Rich progress bar on a terminal, plain lines for cron, one
JSON object per event for log collectors.

The build emits `BuildEvent`s and logs diagnostics with the standard `logging` module under
the `briefing` logger. While a `Reporter` is open it is also that logger's handler, so both
come out in one format. What shows:

| verbosity | events | a renderer's warning (e.g. WeasyPrint's) | other log records |
|---|---|---|---|
| `--quiet` | failures only | counted in the summary | errors |
| default | every target, summary | counted in the summary | warnings and errors |
| `--verbose` | every target with timings | each one, with its target | info and above |
"""

from __future__ import annotations

import json
import logging
import sys
import time
from types import TracebackType
from typing import Any, Literal, TextIO

from briefing.build.report import BuildEvent
from briefing.errors import printable

LogFormat = Literal["text", "json"]
LOGGER = "briefing"


class _Handler(logging.Handler):
    def __init__(self, reporter: Reporter) -> None:
        super().__init__()
        self.reporter = reporter

    def emit(self, record: logging.LogRecord) -> None:
        self.reporter.log(record)


class Reporter:
    """Turns build events and log records into output; a context manager, so a progress bar
    can close and the log handler come off again."""

    def __init__(
        self, log_format: LogFormat = "text", verbosity: int = 1, stream: TextIO | None = None
    ) -> None:
        self.log_format = log_format
        self.verbosity = verbosity  # 0 quiet, 1 normal, 2 verbose
        self.stream = stream or sys.stdout
        self._progress: Any = None
        self._task: Any = None
        self._handler = _Handler(self)
        self._handler.setLevel((logging.ERROR, logging.WARNING, logging.INFO)[verbosity])
        self._logger_level = logging.NOTSET

    def __enter__(self) -> Reporter:
        if self.log_format == "text" and self.verbosity == 1 and self.stream.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._progress = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[current]}"),
                console=Console(file=self.stream),
                transient=False,
            )
            self._progress.start()
        logger = logging.getLogger(LOGGER)
        self._logger_level = logger.level
        logger.setLevel(min(self._handler.level, logging.WARNING))
        logger.addHandler(self._handler)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        logger = logging.getLogger(LOGGER)
        logger.removeHandler(self._handler)
        logger.setLevel(self._logger_level)
        if self._progress is not None:
            self._progress.stop()

    # ------------------------------------------------------------------ log records

    def log(self, record: logging.LogRecord) -> None:
        target = getattr(record, "target", "")
        if target and self.verbosity < 2:
            return  # a renderer's warning: counted in the summary, shown with --verbose
        message = printable(record.getMessage())  # may quote a template's or a source's words
        if self.log_format == "json":
            message = message.removeprefix(f"{target}: ") if target else message
            self._json("warning" if record.levelno >= logging.WARNING else "info", target, message)
            return
        kind = "warning" if record.levelno >= logging.WARNING else "info"
        self._print(f"{kind} {message}")

    # ------------------------------------------------------------------ events

    def __call__(self, event: BuildEvent) -> None:
        if self.log_format == "json":
            self._event_json(event)
        elif self._progress is not None:
            self._bar(event)
        else:
            self._line(event)

    def _event_json(self, event: BuildEvent) -> None:
        extra: dict[str, Any] = {}
        if event.kind == "start":
            extra["total"] = event.total
        if event.kind in ("built", "finish"):
            extra["warnings"] = event.warnings
        self._json(event.kind, event.target, event.detail, event.seconds, extra)

    def _json(
        self,
        kind: str,
        target: str,
        detail: str,
        seconds: float = 0.0,
        extra: dict[str, Any] | None = None,
    ) -> None:
        record = {
            "time": round(time.time(), 3),
            "event": kind,
            "target": target or None,
            "detail": detail or None,
            "seconds": round(seconds, 3),
            **(extra or {}),
        }
        self.stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.stream.flush()

    def _line(self, event: BuildEvent) -> None:
        if event.kind == "failed":
            self._write(f"failed  {event.target}: {event.detail}")
        elif self.verbosity == 0 or event.kind == "start":
            return
        elif event.kind == "finish":
            self._write(f"{event.detail} in {event.seconds:.1f} s")
        elif event.kind == "built":
            timing = f" in {event.seconds:.2f} s" if self.verbosity > 1 else ""
            self._write(f"built   {event.target} -> {event.detail}{timing}")
        elif event.kind == "skipped":
            self._write(f"skipped {event.target} (up to date)")

    def _bar(self, event: BuildEvent) -> None:
        progress = self._progress
        if event.kind == "start":
            self._task = progress.add_task("building", total=event.total, current="")
        elif event.kind in ("built", "skipped"):
            progress.update(self._task, advance=1, current=f"{event.kind} {event.target}")
        elif event.kind == "failed":
            progress.update(self._task, advance=1, current=f"failed {event.target}")
            from rich.markup import escape

            progress.console.print(
                f"[red]failed[/red]  {escape(event.target)}: {escape(event.detail)}",
                markup=True,
                highlight=False,
            )
        elif event.kind == "finish":
            progress.update(self._task, current="")
            progress.console.print(f"{event.detail} in {event.seconds:.1f} s", highlight=False)

    def _print(self, line: str) -> None:
        if self._progress is not None:
            self._progress.console.print(line, markup=False, highlight=False)
        else:
            self._write(line)

    def _write(self, line: str) -> None:
        self.stream.write(line + "\n")
        self.stream.flush()
