"""The committed lock is what runs: every installed package at its locked version.

A fresh machine must install exactly what was tested, so a new upstream release cannot turn
CI red, or change the PDFs, with no commit of ours. `make test-latest` sets
BRIEFING_UNLOCKED=1 to run the suite against the newest allowed versions on purpose.
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LOCKS = ROOT / "requirements"
NOT_LOCKED = {"pip", "setuptools", "wheel", "briefing"}  # the installer and the project itself


def locked(name: str) -> dict[str, str]:
    """`name==version` pins of one lock file, by canonical name."""
    pins = re.findall(r"^([A-Za-z0-9._-]+)==([^\s\\;]+)", (LOCKS / name).read_text(), re.M)
    return {canonicalize_name(package): version for package, version in pins}


def test_every_pin_carries_hashes() -> None:
    for name in ("requirements-runtime.txt", "requirements-test.txt"):
        text = (LOCKS / name).read_text()
        hashed = r"^[A-Za-z0-9._-]+==\S+ \\\n(?:\s+--hash=sha256:[0-9a-f]{64}.*\n)+"
        pins = re.findall(hashed, text, re.M)
        assert len(pins) == len(locked(name)) > 0, name


def test_runtime_lock_is_the_test_lock_minus_test_tools() -> None:
    runtime, test = locked("requirements-runtime.txt"), locked("requirements-test.txt")
    assert {name: test.get(name) for name in runtime} == runtime
    assert {"pytest", "ruff", "mypy", "playwright"} <= set(test) - set(runtime)


def test_the_lock_satisfies_pyproject() -> None:
    """A range changed in pyproject.toml without `make lock` fails here, not on a user's machine."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lock = locked("requirements-test.txt")
    wanted = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    for line in wanted:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in lock, f"{name} is in pyproject.toml but not in the lock: run `make lock`"
        assert requirement.specifier.contains(lock[name], prereleases=True), (
            f"locked {name}=={lock[name]} is outside {requirement.specifier}: run `make lock`"
        )


@pytest.mark.skipif(
    os.environ.get("BRIEFING_UNLOCKED") == "1", reason="make test-latest runs unlocked on purpose"
)
def test_installed_packages_are_exactly_the_locked_ones() -> None:
    if Path(sys.prefix).resolve() != (ROOT / ".venv").resolve():
        pytest.skip(f"not the project's .venv: {sys.prefix}")
    lock = locked("requirements-test.txt")
    installed = {
        canonicalize_name(dist.metadata["Name"]): dist.version for dist in metadata.distributions()
    }
    stray = {
        name: version
        for name, version in installed.items()
        if name not in NOT_LOCKED and lock.get(name) != version
    }
    assert stray == {}, "installed but not at a locked version (run `make clean test`)"
    assert set(lock) <= set(installed), sorted(set(lock) - set(installed))
