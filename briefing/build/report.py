"""What a build tells its caller: an event per step as it goes, and a `Result` at the end.

A light module, so a progress bar or a log line never pulls in the pipeline. Diagnostics
(the renderers' warnings, a worker retried) go through the standard `logging` module under
the `briefing` logger; these events are the build's progress.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from briefing.errors import Problem, RenderError, printable


@dataclass(frozen=True)
class BuildEvent:
    """Something a build did, for progress bars, log lines and JSON logs."""

    kind: Literal["start", "built", "skipped", "failed", "finish"]
    target: str = ""
    detail: str = ""
    seconds: float = 0.0
    total: int = 0  # "start": how many targets
    warnings: int = 0  # "built" and "finish": warnings the renderers logged

    def __post_init__(self) -> None:
        # A failure's detail quotes what failed (a template's words, a path): shown on a
        # terminal or in a log viewer, it must not carry escape sequences or bidi controls.
        object.__setattr__(self, "target", printable(self.target))
        object.__setattr__(self, "detail", printable(self.detail))


Report = Callable[[BuildEvent], None]


def ignore(event: BuildEvent) -> None:
    """A `Report` that reports nothing."""


@dataclass
class Result:
    """What a build did, target by target."""

    built: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)  # the fact base's
    render_warnings: dict[str, list[str]] = field(default_factory=dict)  # target -> messages
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return RenderError.exit_code if self.failed else 0

    @property
    def warning_count(self) -> int:
        return sum(len(messages) for messages in self.render_warnings.values())

    def summary(self) -> str:
        """`2 built, 3 skipped, 0 failed`, and the renderers' warnings when there were any."""
        text = f"{len(self.built)} built, {len(self.skipped)} skipped, {len(self.failed)} failed"
        count = self.warning_count
        return text + (f", {count} warning{'s' * (count != 1)}" if count else "")
