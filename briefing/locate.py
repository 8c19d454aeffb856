"""Where each value of a YAML file stood, so every later check can name a line and column."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

Path_ = tuple[str | int, ...]


@dataclass
class SourceMap:
    """Line and column (1-based) of every value and mapping key in one input file."""

    file: str
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    locate: Callable[[SourceMap], None] | None = None  # fills the marks on first use

    def _marks(self) -> None:
        if self.locate is not None:
            locate, self.locate = self.locate, None
            locate(self)

    def value(self, path: Path_) -> tuple[int, int]:
        """Position of the value at `path`, or of its nearest located ancestor."""
        self._marks()
        while path and path not in self.values:
            path = path[:-1]
        return self.values.get(path, (1, 1))

    def key(self, path: Path_) -> tuple[int, int]:
        """Position of the key naming `path`, falling back to its value."""
        self._marks()
        return self.keys.get(path) or self.value(path)


def dotted(path: Path_) -> str:
    """`('facts', 3, 'citations', 0)` → `facts[3].citations[0]`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text
