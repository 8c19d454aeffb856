"""Nothing changed, nothing rebuilt: decided from file digests alone, before the pipeline loads.

A successful build records in the manifest every input file it read (fact base, sources,
templates and assets) with its sha256, and a fingerprint of the options. The next build with
the same options compares those digests and the outputs' own digests; when all match it is
done in milliseconds, without importing YAML, pydantic, Jinja or WeasyPrint.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from briefing import __version__
from briefing.events import Event, Report
from briefing.writing import temporaries

STATE = "build_inputs"


def split_marking(text: str | None) -> tuple[str | None, str | None]:
    """`UNCLASSIFIED|TLP:AMBER` → (`UNCLASSIFIED`, `TLP:AMBER`); either part may be absent."""
    classification, tlp = None, None
    for part in (p.strip() for p in (text or "").split("|")):
        if part.upper().startswith("TLP:"):
            tlp = part
        elif part:
            classification = part
    return classification, tlp


def fingerprint(**options: Any) -> str:
    """Digest of the options that shape the outputs, and of the tool version."""
    canonical = json.dumps({"version": __version__, **options}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def options_fingerprint(
    *,
    factbase: Path,
    briefings: tuple[str, ...],
    formats: tuple[str, ...],
    templates: Path | None,
    marking: tuple[str | None, str | None] | None,
    paper: str,
    pdf_variants: tuple[str, ...],
    edition: str | None,
    strict: bool,
) -> str:
    """The fingerprint of everything on the command line that changes what is built."""
    return fingerprint(
        factbase=str(factbase.resolve()),
        briefings=list(briefings),
        formats=list(formats),
        templates=str(templates.resolve()) if templates else None,
        marking=list(marking) if marking else None,
        paper=paper,
        pdf_variants=sorted(set(pdf_variants)),
        edition=edition,
        strict=strict,
    )


def digest_file(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def listing(folders: Iterable[Path]) -> list[str]:
    """Every file under the folders, so an added or removed file is noticed too."""
    found: list[str] = []
    for folder in folders:
        if folder.is_dir():
            found += sorted(str(p) for p in folder.rglob("*") if p.is_file())
    return found


def record(
    files: Iterable[Path], folders: Iterable[Path], options: str, targets: list[str]
) -> dict[str, Any]:
    """The state a successful build leaves in its manifest."""
    return {
        "options": options,
        "folders": [str(f) for f in folders],
        "listing": listing(folders),
        "files": {str(p): digest_file(p) for p in sorted(set(files))},
        "targets": targets,
    }


def check(out: Path, options: str, report: Report) -> bool:
    """True, with the skipped targets reported, when nothing needs building."""
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        state = manifest[STATE]
        if state["options"] != options:
            return False
        if listing(Path(f) for f in state["folders"]) != state["listing"]:
            return False
        if any(digest_file(Path(p)) != sha for p, sha in state["files"].items()):
            return False
        for name, entry in manifest["outputs"].items():
            if digest_file(out / name) != entry["sha256"]:
                return False
        if temporaries(out):
            return False  # a killed build's leftovers: the full path cleans them up
        targets = list(state["targets"])
    except (OSError, ValueError, KeyError, TypeError):
        return False
    report(Event("start", total=len(targets)))
    for target in targets:
        report(Event("skipped", target, "up to date"))
    report(Event("finish", detail=f"0 built, {len(targets)} skipped, 0 failed"))
    return True
