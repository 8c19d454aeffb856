"""Where the tool's own files are: the default templates and their assets.

A wheel installs them inside the package, as `briefing/templates/` (pyproject.toml maps the
top-level `templates/` there); in a checkout they are the top-level `templates/` itself.
Nothing here depends on the working folder or on the example fact base.
"""

from __future__ import annotations

from pathlib import Path


def _shipped_templates() -> Path:
    package = Path(__file__).resolve().parent
    installed = package / "templates"
    return installed if installed.is_dir() else package.parent / "templates"


SHIPPED_TEMPLATES = _shipped_templates()
ASSETS = SHIPPED_TEMPLATES / "assets"
