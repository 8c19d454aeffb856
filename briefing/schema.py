"""JSON Schemas generated from the models: one per kind of fact-base file, for editors, and
one per kind of output a build writes as data (`briefing-output`: `out/<id>.json`)."""

from __future__ import annotations

import json
from typing import Any

from briefing.model import ROOT_MODELS

SCHEMA_URL = "https://json-schema.org/draft/2020-12/schema"
KINDS = tuple(ROOT_MODELS)  # the fact-base files (`briefing init` writes these)
OUTPUT_KINDS = ("briefing-output",)  # what a build writes as data
ALL_KINDS = KINDS + OUTPUT_KINDS


def schema_for(kind: str) -> dict[str, Any]:
    """The JSON Schema of one file kind (settings, sources, ..., briefing-output)."""
    if kind == "briefing-output":
        from briefing.render.document_json import output_schema

        return output_schema()
    schema = ROOT_MODELS[kind].model_json_schema()
    return {"$schema": SCHEMA_URL, **schema}


def schema_text(kind: str) -> str:
    """The schema as stable, committed text."""
    return json.dumps(schema_for(kind), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def file_name(kind: str) -> str:
    """`factbase.schema.json`, `facts.schema.json`, ... as the YAML files reference them."""
    return ("factbase" if kind == "settings" else kind) + ".schema.json"
