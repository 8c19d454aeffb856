"""JSON Schemas generated from the models: one per kind of fact-base file, for editors, and
one per JSON output other tools read (`diff`: `briefing diff --json`; `briefing-output`:
`out/<id>.json`)."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from briefing.changes import DiffReport
from briefing.model import ROOT_MODELS

SCHEMA_URL = "https://json-schema.org/draft/2020-12/schema"
KINDS = tuple(ROOT_MODELS)  # fact-base files (`briefing init` writes these)
OUTPUT_MODELS: dict[str, type[BaseModel]] = {"diff": DiffReport}
BRIEFING_OUTPUT = "briefing-output"  # out/<id>.json; its models live with its renderer
OUTPUT_KINDS = (*OUTPUT_MODELS, BRIEFING_OUTPUT)
ALL_KINDS = KINDS + OUTPUT_KINDS
WRITTEN_KINDS = (*KINDS, BRIEFING_OUTPUT)  # what `--write` writes, committed in schema/


def schema_for(kind: str) -> dict[str, Any]:
    """The JSON Schema of one file kind (settings, sources, ...) or output kind (diff,
    briefing-output)."""
    if kind == BRIEFING_OUTPUT:
        from briefing.render.document_json import output_schema

        return output_schema()
    model = ROOT_MODELS[kind] if kind in ROOT_MODELS else OUTPUT_MODELS[kind]
    schema = model.model_json_schema()
    return {"$schema": SCHEMA_URL, **schema}


def schema_text(kind: str) -> str:
    """The schema as stable, committed text."""
    return json.dumps(schema_for(kind), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def file_name(kind: str) -> str:
    """`factbase.schema.json`, `facts.schema.json`, ... as the YAML files reference them."""
    return ("factbase" if kind == "settings" else kind) + ".schema.json"
