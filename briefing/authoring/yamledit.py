"""Round-trip edits of fact-base YAML: comments, key order, quoting and layout survive.

Analysts write these files by hand; a command that adds one entry must leave every other
byte as it was. ruamel.yaml's round-trip mode keeps comments and order; the settings below
keep long lines unwrapped, quotes as written, `null` spelt out and the file's own indentation.
Files are written atomically: a temporary file beside the target, then a rename.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.representer import RoundTripRepresenter

_ITEM = re.compile(r"^( *)- +\S", re.MULTILINE)


def _null(representer: RoundTripRepresenter, _: None) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


def round_trip(text: str) -> YAML:
    """A round-trip YAML instance set up to write `text` back the way it was written."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long line
    item = _ITEM.search(text)
    offset = len(item.group(1)) if item else 2
    yaml.indent(mapping=2, sequence=offset + 2, offset=offset)
    yaml.representer.add_representer(type(None), _null)
    return yaml


def load(text: str) -> tuple[YAML, Any]:
    yaml = round_trip(text)
    return yaml, yaml.load(text)


def dump(yaml: YAML, data: Any) -> str:
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


def block_list(items: list[Any]) -> CommentedSeq:
    """A list written one item per line (`- x`), whatever its neighbours use."""
    seq = CommentedSeq(items)
    seq.fa.set_block_style()
    return seq


def mapping(pairs: list[tuple[str, Any]]) -> CommentedMap:
    """A mapping in exactly this key order, written in block style."""
    result = CommentedMap(pairs)
    result.fa.set_block_style()
    return result


def replace_file(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically: a temporary file beside it, flushed, then renamed."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temp).chmod(path.stat().st_mode & 0o777 if path.exists() else 0o644)
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
