"""The committed JSON Schemas are the ones the model generates, and the YAML files point at them."""

from __future__ import annotations

import json
from pathlib import Path

from briefing.schema import WRITTEN_KINDS, file_name, schema_text

REPO = Path(__file__).resolve().parent.parent


def test_committed_schemas_match_the_model() -> None:
    for kind in WRITTEN_KINDS:
        committed = (REPO / "schema" / file_name(kind)).read_text(encoding="utf-8")
        assert committed == schema_text(kind), (
            f"schema/{file_name(kind)} is stale: run `briefing schema --write schema/`"
        )


def test_every_factbase_file_names_an_existing_schema() -> None:
    for path in sorted((REPO / "factbase").rglob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("$schema=", 1)[1]).resolve()
        assert target.is_file(), f"{path}: {target} does not exist"
        assert json.loads(target.read_text(encoding="utf-8"))["$schema"].startswith("https://")
