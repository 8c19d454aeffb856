"""One exception hierarchy and the located `Problem` record every check reports."""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]

# Unicode categories a terminal acts on or a reader cannot see: controls (C0, DEL, C1; ESC
# starts the CSI and OSC sequences that clear the screen, set the window title or write the
# clipboard), format characters (bidi embeddings, overrides and isolates, zero-width
# characters), lone surrogates, and line and paragraph separators.
_HIDDEN = frozenset(["Cc", "Cf", "Cs", "Zl", "Zp"])


def printable(text: str) -> str:
    """`text` with every control, bidi and invisible character shown as an escape (`\\x1b`,
    `\\u202e`), so a message quoting user data can neither drive a terminal nor hide a word."""
    if text.isprintable():
        return text
    return "".join(_escaped(ch) if unicodedata.category(ch) in _HIDDEN else ch for ch in text)


def _escaped(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


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

    def __post_init__(self) -> None:
        # Messages and hints quote fact-base values and source lines; so may a file name.
        for name in ("file", "message", "hint"):
            object.__setattr__(self, name, printable(getattr(self, name)))

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

    def __str__(self) -> str:
        return printable(super().__str__())


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
