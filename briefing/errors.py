"""One exception hierarchy and the located `Problem` record every check reports."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """A problem located in an input file, printed compiler style."""

    file: str
    line: int
    column: int
    code: str
    message: str
    hint: str = ""
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        text = f"{where}: {self.severity}: {self.message}"
        return f"{text} — {self.hint}" if self.hint else text

    def as_json(self) -> dict[str, object]:
        """The stable JSON shape downstream tools rely on."""
        return asdict(self)


class BriefingError(Exception):
    """Base of every error the CLI turns into a message and an exit code."""

    exit_code = 1


class InvalidInput(BriefingError):
    """The fact base (or a template) has problems; nothing is written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        count = len(self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} found")


class UsageError(BriefingError):
    """The command line asks for something impossible."""

    exit_code = 2


class RenderError(BriefingError):
    """A target could not be rendered."""

    exit_code = 3


class OutputFolderError(BriefingError):
    """The output folder cannot be created, written or locked: nothing was attempted.

    A usage or environment problem (a wrong `--out`, a read-only disk), not a failed target.
    """

    exit_code = 2


class LockHeld(BriefingError):
    """Another build holds the output folder's lock."""

    exit_code = 4
