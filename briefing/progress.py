"""How a build reports itself: a Rich progress bar on a terminal, plain lines for cron,
one JSON object per event for log collectors. The build only emits `Event`s."""

from __future__ import annotations

import json
import sys
import time
from types import TracebackType
from typing import Any, Literal, TextIO

from briefing.events import Event

LogFormat = Literal["text", "json"]


class Reporter:
    """Turns build events into output; a context manager so a progress bar can close."""

    def __init__(
        self, log_format: LogFormat = "text", verbosity: int = 1, stream: TextIO | None = None
    ) -> None:
        self.log_format = log_format
        self.verbosity = verbosity  # 0 quiet, 1 normal, 2 verbose
        self.stream = stream or sys.stdout
        self._progress: Any = None
        self._task: Any = None

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
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()

    def __call__(self, event: Event) -> None:
        if self.log_format == "json":
            self._json(event)
        elif self._progress is not None:
            self._bar(event)
        else:
            self._line(event)

    def _json(self, event: Event) -> None:
        record = {
            "time": round(time.time(), 3),
            "event": event.kind,
            "target": event.target or None,
            "detail": event.detail or None,
            "seconds": round(event.seconds, 3),
        }
        if event.kind == "start":
            record["total"] = event.total
        self.stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.stream.flush()

    def _line(self, event: Event) -> None:
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

    def _bar(self, event: Event) -> None:
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

    def _write(self, line: str) -> None:
        self.stream.write(line + "\n")
        self.stream.flush()
