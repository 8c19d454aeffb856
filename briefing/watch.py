"""`briefing watch`: rebuild what changed whenever a fact, source or template is saved."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from briefing import build
from briefing.errors import BriefingError, InvalidInput, Problem
from briefing.resources import SHIPPED_TEMPLATES


def watched_paths(options: build.Options) -> list[Path]:
    """The fact-base folder, its seeds, and every templates folder a build reads."""
    paths = [options.factbase, options.factbase.parent / "seeds", SHIPPED_TEMPLATES]
    if options.templates:
        paths.append(options.templates)
    return [p for p in dict.fromkeys(p.resolve() for p in paths) if p.exists()]


def watch(
    options: build.Options,
    report: build.Report,
    on_problems: Callable[[list[Problem], str], None],
    stop: threading.Event | None = None,
) -> None:
    """Build once, then again after each batch of saved changes, until `stop` is set.

    Each build is `build.run`, so a save that changes nothing a build reads is a no-op."""
    from watchfiles import watch as watch_changes

    def once() -> None:
        try:
            build.run(options, report)
        except InvalidInput as error:
            on_problems(error.problems, "fact base invalid; waiting for the next save")
        except BriefingError as error:
            on_problems([], f"{error}; waiting for the next save")

    once()
    out = options.out.resolve()
    for changes in watch_changes(
        *watched_paths(options),
        stop_event=stop,
        debounce=300,
        watch_filter=lambda _change, path: not Path(path).is_relative_to(out),
    ):
        if changes:
            once()
