"""`briefing watch`: rebuild what changed whenever a fact, source or template is saved."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from briefing import build
from briefing.errors import BriefingError, InvalidInput, Problem
from briefing.load import read_yaml
from briefing.model import FILES
from briefing.resources import SHIPPED_TEMPLATES

STARTED_AFTER = 200  # ms without a change after which the watcher yields (it is running)


def seeds_folder(factbase: Path) -> Path:
    """The seeds folder the fact base's `seeds:` setting names (default ../seeds), read
    without validating the rest, so it is known even while the fact base is broken."""
    data, _, _ = read_yaml(factbase / FILES["settings"])
    seeds = data.get("seeds") if isinstance(data, dict) else None
    return factbase / (seeds if isinstance(seeds, str) else "../seeds")


def watched_paths(options: build.Options) -> list[Path]:
    """The fact-base folder, its seeds, and every templates folder a build reads."""
    paths = [options.factbase, seeds_folder(options.factbase), SHIPPED_TEMPLATES]
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

    out = options.out.resolve()
    built = False
    # The first build runs once the watcher is running (its first yield, after a quiet
    # STARTED_AFTER), so a save made while that build runs is seen, not lost.
    for changes in watch_changes(
        *watched_paths(options),
        stop_event=stop,
        debounce=300,
        rust_timeout=STARTED_AFTER,
        yield_on_timeout=True,
        watch_filter=lambda _change, path: not Path(path).is_relative_to(out),
    ):
        if changes or not built:
            built = True
            once()
