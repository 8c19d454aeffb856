"""Fixtures for the real external tools (chromium/Playwright, vnu, qpdf, poppler).

Missing tools: skipped locally with the install command in the reason, but a
*failure* when the CI environment variable is set (CI must never pass by skipping).
`make test-deps` installs everything.

`tools` below is tests/tools.py: tests/ has no __init__.py, so pytest (default
"prepend" import mode) puts tests/ first on sys.path.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest

import tools

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing_tool(reason: str) -> NoReturn:
    """Fail under CI, skip elsewhere."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set: a missing tool is a failure)", pytrace=False)
    pytest.skip(reason)


# ---------------------------------------------------------------- chromium ---


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = tools.find_chromium()
    if path is None:
        missing_tool("chromium not found at /usr/bin/chromium: run scripts/system-deps.sh test")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Browser]:
    """One headless Debian chromium for the session, driven by Playwright.

    Playwright's own browser download does not work here; it drives the Debian
    binary through executable_path instead.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_tool("playwright is not installed: pip install -e '.[test]'")
    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=list(tools.CHROMIUM_ARGS),
        )
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh context and page per test (no state shared between tests)."""
    context = browser.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()


# --------------------------------------------------------------------- vnu ---


@pytest.fixture(scope="session")
def vnu_jar() -> Path:
    if tools.find_java() is None:
        missing_tool("java not found (vnu needs Java >= 11): run scripts/system-deps.sh test")
    jar = tools.find_vnu_jar()
    if jar is None:
        missing_tool(f"vnu.jar not found at {tools.DEFAULT_VNU_JAR}: run scripts/npm-deps.sh")
    return jar


@pytest.fixture(scope="session")
def vnu(vnu_jar: Path) -> Callable[[Path], list[str]]:
    """`vnu(path)` -> list of vnu error messages for that HTML file ([] when valid).

    For many files use tools.vnu_report(jar, *paths): one JVM start (~1 s) for all.
    """

    def validate(html_file: Path) -> list[str]:
        return tools.vnu_errors(vnu_jar, Path(html_file))

    return validate


# -------------------------------------------------------- qpdf and poppler ---


@pytest.fixture(scope="session")
def pdf_tools() -> None:
    """Ensure qpdf and poppler-utils are installed (skip locally / fail in CI)."""
    missing = tools.missing_pdf_tools()
    if missing:
        missing_tool(f"missing {', '.join(missing)}: run scripts/system-deps.sh test")


@pytest.fixture(scope="session")
def qpdf_check(pdf_tools: None) -> Callable[[Path], str]:
    """`qpdf_check(pdf)` -> report; raises tools.ToolError on any error or warning."""
    return tools.qpdf_check


@pytest.fixture(scope="session")
def pdftotext_pages(pdf_tools: None) -> Callable[..., list[str]]:
    """`pdftotext_pages(pdf, layout=False)` -> text of each page, index 0 = page 1."""
    return tools.pdftotext_pages


@pytest.fixture(scope="session")
def pdffonts(pdf_tools: None) -> Callable[[Path], list[tools.PdfFont]]:
    """`pdffonts(pdf)` -> list of tools.PdfFont (name, type, embedded, subset, unicode)."""
    return tools.pdffonts


# ---------------------------------------------------------- shipped build ---

REPO = Path(__file__).resolve().parent.parent
SHIPPED_FACTBASE = REPO / "factbase"


@pytest.fixture(scope="session")
def shipped_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every shipped briefing built once, in every format, both PDF variants."""
    from briefing.build import Options, run

    out = tmp_path_factory.mktemp("shipped-out")
    result = run(Options(factbase=SHIPPED_FACTBASE, out=out, pdf_variants=("ua", "a3b"), jobs=2))
    assert not result.failed, result.failed
    return out


@pytest.fixture(scope="session")
def shipped_ids() -> list[str]:
    """Ids of the shipped briefings, read from their files."""
    return sorted(p.stem for p in (SHIPPED_FACTBASE / "briefings").glob("*.yaml"))


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A fresh copy of the valid mini fact base; returns its factbase/ folder."""
    import shutil

    from editing import MINI

    shutil.copytree(MINI, tmp_path / "mini")
    return tmp_path / "mini" / "factbase"
