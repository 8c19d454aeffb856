"""What a build reports as it goes; a light module so logging never pulls in the pipeline."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from briefing.errors import printable


@dataclass(frozen=True)
class Event:
    """Something a build did, for progress bars, log lines and JSON logs."""

    kind: Literal["start", "built", "skipped", "failed", "finish"]
    target: str = ""
    detail: str = ""
    seconds: float = 0.0
    total: int = 0

    def __post_init__(self) -> None:
        # A failure's detail quotes what failed (a template's words, a path): shown on a
        # terminal or in a log viewer, it must not carry escape sequences or bidi controls.
        object.__setattr__(self, "target", printable(self.target))
        object.__setattr__(self, "detail", printable(self.detail))


Report = Callable[[Event], None]
