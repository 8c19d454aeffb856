"""Plain helpers around the real external tools the tests use.

No pytest here: conftest.py wraps these in fixtures (which decide between skip
and fail when a tool is missing); tests may also call them directly.

Tools: Debian chromium (driven by Playwright), vnu.jar (npm ``vnu-jar``, run with
the machine's Java), qpdf, and poppler-utils (pdftotext, pdffonts, pdfinfo, pdftoppm).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


class ToolError(AssertionError):
    """An external tool failed; the message carries its command and output."""

    def __init__(
        self,
        cmd: Sequence[str],
        proc: subprocess.CompletedProcess[str],
        note: str = "",
    ) -> None:
        super().__init__(
            f"{' '.join(cmd)} exited {proc.returncode}{': ' + note if note else ''}\n"
            f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
        )
        self.returncode = proc.returncode


# ---------------------------------------------------------------- chromium ---

DEFAULT_CHROMIUM = "/usr/bin/chromium"

# Flags for Debian chromium under Playwright on these machines: as root Chromium
# refuses to start without --no-sandbox; with no network, the background services
# (sync, component updates, QUIC, DNS for Google hosts) only produce refused
# connections, so they are switched off and every host but localhost is unresolvable.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
)


def find_chromium() -> str | None:
    """Path of the chromium binary ($BRIEFING_CHROMIUM, /usr/bin/chromium, PATH), or None."""
    for candidate in (os.environ.get("BRIEFING_CHROMIUM"), DEFAULT_CHROMIUM):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium")


# --------------------------------------------------------------------- vnu ---

DEFAULT_VNU_JAR = REPO_ROOT / "tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def find_vnu_jar() -> Path | None:
    """Path of vnu.jar ($VNU_JAR, else tools/node_modules from scripts/npm-deps.sh), or None."""
    env = os.environ.get("VNU_JAR")
    jar = Path(env) if env else DEFAULT_VNU_JAR
    return jar if jar.is_file() else None


def find_java() -> str | None:
    return shutil.which("java")


def vnu_report(jar: Path, *html_files: Path, java: str = "java") -> list[dict[str, object]]:
    """Run vnu on HTML files (one JVM start for all) and return its raw JSON messages.

    Only errors are reported (``--errors-only``); each message is vnu's JSON
    object (keys ``type``, ``url``, ``lastLine``, ``firstColumn``, ``message`` ...).
    Messages of type ``non-document-error`` (e.g. an unreadable file) are kept.
    """
    if not html_files:
        raise ValueError("vnu_report needs at least one file")
    cmd = [
        java,
        "-jar",
        str(jar),
        "--errors-only",
        "--format",
        "json",
        "--stdout",
        "--exit-zero-always",
        *(str(p) for p in html_files),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=300)
    if proc.returncode != 0:
        raise ToolError(cmd, proc)
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise ToolError(cmd, proc, f"vnu printed no JSON: {exc}") from exc
    messages: list[dict[str, object]] = data["messages"]
    return messages


def vnu_errors(jar: Path, html_file: Path, java: str = "java") -> list[str]:
    """Error messages vnu reports for one HTML file ([] when it is valid)."""
    return [str(m["message"]) for m in vnu_report(jar, html_file, java=java)]


def format_vnu_message(message: dict[str, object]) -> str:
    """`file:line:col: message`, for readable assertion output."""
    url = str(message.get("url", "")).removeprefix("file:")
    return f"{url}:{message.get('lastLine', '?')}:{message.get('firstColumn', '?')}: " + str(
        message.get("message", "")
    )


# -------------------------------------------------------- qpdf and poppler ---

PDF_TOOLS = ("qpdf", "pdftotext", "pdffonts", "pdfinfo", "pdftoppm")


def _run(cmd: Sequence[str], ok: Sequence[int] = (0,)) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(list(cmd), capture_output=True, text=True, check=False, timeout=120)
    if proc.returncode not in ok:
        raise ToolError(cmd, proc)
    return proc


def qpdf_check(pdf: Path) -> str:
    """`qpdf --check`; returns its report, raises ToolError on errors *or* warnings.

    qpdf exits 0 when clean, 2 on errors, 3 on warnings only.
    """
    return _run(["qpdf", "--check", str(pdf)]).stdout


def pdftotext_pages(pdf: Path, *, layout: bool = False) -> list[str]:
    """Text of each page (UTF-8), index 0 = page 1. pdftotext ends every page with \\f."""
    cmd = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(pdf), "-"]
    text = _run(cmd).stdout
    pages = text.split("\f")
    if pages and pages[-1].strip() == "":
        pages.pop()
    return pages


@dataclass(frozen=True)
class PdfFont:
    name: str  # as in the PDF, with the subset tag: "ABCDEF+Noto-Serif"
    type: str  # "CID TrueType", "TrueType", "Type 1C" ...
    encoding: str
    embedded: bool
    subset: bool
    unicode: bool  # has a ToUnicode map (text can be extracted/copied)
    object_id: str

    @property
    def base_name(self) -> str:
        """Name without the 6-letter subset tag (WeasyPrint: "Noto-Serif-Italic")."""
        tag, plus, rest = self.name.partition("+")
        return rest if plus and len(tag) == 6 and tag.isupper() else self.name


def pdffonts(pdf: Path) -> list[PdfFont]:
    """Parse `pdffonts` output (column widths come from its dashed header rule)."""
    lines = _run(["pdffonts", str(pdf)]).stdout.splitlines()
    rule_index = next(i for i, line in enumerate(lines) if line.startswith("---"))
    spans: list[tuple[int, int]] = []
    pos = 0
    for dashes in lines[rule_index].split(" "):
        spans.append((pos, pos + len(dashes)))
        pos += len(dashes) + 1
    fonts = []
    for line in lines[rule_index + 1 :]:
        if not line.strip():
            continue
        cols = [line[a:b].strip() for a, b in spans[:-1]] + [line[spans[-1][0] :].strip()]
        name, typ, enc, emb, sub, uni, obj = cols
        fonts.append(PdfFont(name, typ, enc, emb == "yes", sub == "yes", uni == "yes", obj))
    return fonts


def pdfinfo(pdf: Path) -> dict[str, str]:
    """`pdfinfo` as a dict ("Pages", "Page size", "Title", "PDF version" ...)."""
    info: dict[str, str] = {}
    for line in _run(["pdfinfo", str(pdf)]).stdout.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            info[key.strip()] = value.strip()
    return info


def pdf_page_count(pdf: Path) -> int:
    return int(pdfinfo(pdf)["Pages"])


def pdf_page_png(pdf: Path, page: int, out_prefix: Path, *, dpi: int = 72) -> Path:
    """Render one page (1-based) to PNG with pdftoppm, e.g. to look at it."""
    _run(
        [
            "pdftoppm",
            "-png",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(out_prefix),
        ]
    )
    return out_prefix.with_name(out_prefix.name + ".png")


def missing_pdf_tools() -> list[str]:
    return [tool for tool in PDF_TOOLS if shutil.which(tool) is None]


_MARKS = str.maketrans(
    {"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'",
     "–": "-", "\u00a0": " ", "\u202f": " "}
)  # fmt: skip


def fold_marks(text: str) -> str:
    """Typographic quotes, dashes and no-break spaces back to plain ones: the words compare
    as the fact base has them, whatever typography the render stage applied."""
    return text.translate(_MARKS)
