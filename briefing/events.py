"""What a build reports as it goes; a light module so logging never pulls in the pipeline."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Event:
    """Something a build did, for progress bars, log lines and JSON logs."""

    kind: Literal["start", "built", "skipped", "failed", "finish"]
    target: str = ""
    detail: str = ""
    seconds: float = 0.0
    total: int = 0


Report = Callable[[Event], None]
