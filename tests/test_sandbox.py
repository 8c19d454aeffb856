"""User templates (`--templates DIR`) are untrusted: the sandbox holds, and errors are located.

Every hostile template is built into a folder holding a previous build: the target that uses
the template fails (exit 3; or exit 1 when it is the Markdown template every format is made
from), the error names the template file and line, nothing Python-internal or from outside the
template folders reaches any output, and the failed target keeps its previous bytes.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing.cli import app

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"

# What would show in an output if the sandbox leaked: Python reprs and /etc/passwd lines.
LEAKS = re.compile(
    rb"<class '|<function |<module |<built-in|__builtins__|root:x:0:0|/bin/(ba)?sh|"
    rb"TemplateReference|_TemplateReference__context|os\.environ"
)


def invoke(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    return result.exit_code, output


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini fixture built once in Markdown and HTML: the previous build."""
    root = tmp_path_factory.mktemp("previous")
    shutil.copytree(MINI, root / "mini")
    out = root / "out"
    code, output = invoke(
        "build", "--facts", root / "mini" / "factbase", "--out", out, "-f", "md", "-f", "html"
    )
    assert code == 0, output
    return out


@pytest.fixture
def site(tmp_path: Path, previous: Path) -> tuple[Path, Path, Path]:
    """(factbase, out with the previous build, empty user templates folder)."""
    shutil.copytree(MINI, tmp_path / "mini")
    out = tmp_path / "out"
    shutil.copytree(previous, out)
    templates = tmp_path / "mytemplates"
    templates.mkdir()
    return tmp_path / "mini" / "factbase", out, templates


def build_with(site: tuple[Path, Path, Path]) -> tuple[int, str]:
    factbase, out, templates = site
    return invoke(
        "build",
        "--facts",
        factbase,
        "--out",
        out,
        "-f",
        "md",
        "-f",
        "html",
        "--templates",
        templates,
        "--force",
    )


def assert_no_leak(out: Path) -> None:
    for path in out.rglob("*"):
        if path.is_file():
            found = LEAKS.search(path.read_bytes())
            assert found is None, f"{path.name} holds {found.group(0)!r}"


ESCAPES = {
    "mro-subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "cycler-globals": "{{ cycler.__init__.__globals__ }}",
    "joiner-globals": "{{ joiner.__init__.__globals__.os.environ }}",
    "lipsum-popen": "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "namespace-init": "{{ namespace.__init__.__globals__ }}",
    "template-reference": "{{ self._TemplateReference__context }}",
    "attr-filter": "{{ doc | attr('__class__') }}",
    "format-string": "{{ '{0.__class__.__init__.__globals__}'.format(doc) }}",
    "format-map": "{{ '{x.__class__}'.format_map({'x': doc}) }}",
    "doc-class": "{{ doc.__class__.__init__.__globals__ }}",
    "pydantic-internals": "{{ doc.sources[0].__pydantic_fields__ }}",
    "list-mutation": "{{ doc.sources.append(1) }}",
    "dict-mutation": "{{ doc.facts_by_id.clear() }}",
    "include-absolute": "{% include '/etc/passwd' %}",
    "include-parent": "{% include '../../etc/passwd' %}",
    "include-deep-parent": "{% include '../../../../../../../../etc/passwd' %}",
    "extends-absolute": "{% extends '/etc/passwd' %}",
    "import-parent": "{% import '../../etc/passwd' as p %}{{ p }}",
    "from-import": "{% from '/etc/hostname' import x %}{{ x }}",
    "big-range": "{{ range(10**6) | list | length }}",
    "string-bomb": "{{ 'a' * 10**10 }}",
    "list-bomb": "{{ [1, 2] * 10**9 }}",
    "power-bomb": "{{ 2 ** (10 ** 9) }}",
    "division-by-zero": "{{ 1 / 0 }}",
    "endless-recursion": "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
}


@pytest.mark.parametrize("name", ESCAPES)
def test_hostile_page_template_fails_its_target_only(
    site: tuple[Path, Path, Path], name: str
) -> None:
    _, out, templates = site
    page = templates / "page.html.j2"
    page.write_text("<!DOCTYPE html>\n<p>before</p>\n" + ESCAPES[name] + "\n", encoding="utf-8")
    before = snapshot(out)
    code, output = build_with(site)
    assert code == 3, output
    failed = [ln for ln in output.splitlines() if ln.startswith("failed")]
    assert len(failed) == 1 and "c2.html" in failed[0], output
    assert f"{page}:3:1: error: " in failed[0] or f"{page.name}:3:1: error: " in failed[0], failed
    assert "root:x:0" not in output and "<class '" not in output
    assert (out / "c2.html").read_bytes() == before["c2.html"]  # the failed target kept its bytes
    assert (out / "c2.md").read_bytes() == before["c2.md"]  # the other one was rebuilt, same
    assert_no_leak(out)


REPRS = {
    "list": ("{{ toc }}", "a list value"),
    "dataclasses": ("{{ doc.main.facts }}", "a list value"),
    "function": ("{{ range }}", "a function value"),
    "class": ("{{ cycler }}", "a type value"),
    "object": ("{{ doc }}", "a DocumentView value"),
    "none": ("{{ doc.context }}", "nothing (None)"),
    "boolean": ("{{ doc.id == 'c2' }}", "a bool value"),
}


@pytest.mark.parametrize("name", REPRS)
def test_a_template_cannot_print_a_python_object(site: tuple[Path, Path, Path], name: str) -> None:
    """Jinja's finalize lets text and numbers through, nothing else: no `<function ... at
    0x...>`, no list of dataclasses, no `None` or `True` in a briefing."""
    _, out, templates = site
    expression, printed = REPRS[name]
    page = templates / "page.html.j2"
    page.write_text("<!DOCTYPE html>\n<p>before</p>\n<p>" + expression + "</p>\n")
    before = snapshot(out)
    code, output = build_with(site)
    assert code == 3, output
    assert f"{page}:3:1: error: template failed: a template printed {printed}" in output
    assert (out / "c2.html").read_bytes() == before["c2.html"]
    assert_no_leak(out)


def test_symlink_to_a_file_outside_the_template_folder_is_refused(
    site: tuple[Path, Path, Path],
) -> None:
    _, out, templates = site
    (templates / "leak.j2").symlink_to("/etc/passwd")
    (templates / "page.html.j2").write_text("<p>x</p>\n{% include 'leak.j2' %}\n")
    before = snapshot(out)
    code, output = build_with(site)
    assert code == 3, output
    assert f"{templates / 'page.html.j2'}:2:1" in output
    assert "is a link that leads outside" in output
    assert snapshot(out)["c2.html"] == before["c2.html"]
    assert_no_leak(out)


def test_symlink_to_a_folder_outside_the_template_folder_is_refused(
    site: tuple[Path, Path, Path],
) -> None:
    _, out, templates = site
    (templates / "etc").symlink_to("/etc", target_is_directory=True)
    (templates / "page.html.j2").write_text("{% include 'etc/passwd' %}\n")
    code, output = build_with(site)
    assert code == 3, output
    assert "is a link that leads outside" in output
    assert_no_leak(out)


def test_symlinked_page_template_is_not_silently_replaced_by_the_shipped_one(
    site: tuple[Path, Path, Path],
) -> None:
    """A refused user template must fail, not fall through to templates/page.html.j2."""
    _, out, templates = site
    (templates / "page.html.j2").symlink_to("/etc/passwd")
    before = snapshot(out)
    code, output = build_with(site)
    assert code == 3, output
    assert "page.html.j2" in output and "leads outside" in output
    assert snapshot(out)["c2.html"] == before["c2.html"]


def test_hostile_markdown_template_fails_the_build_with_exit_1(
    site: tuple[Path, Path, Path],
) -> None:
    """topic.md.j2 is what every format is made from: its failure stops the build."""
    _, out, templates = site
    (templates / "topic.md.j2").write_text(
        "# {{ doc.title | md }}\n\n{{ cycler.__init__.__globals__ }}\n"
    )
    before = snapshot(out)
    code, output = build_with(site)
    assert code == 1, output
    assert f"{templates / 'topic.md.j2'}:3:1: error: template failed: access to attribute" in output
    assert snapshot(out) == before


def test_undefined_variable_names_the_template_and_line(site: tuple[Path, Path, Path]) -> None:
    _, _, templates = site
    page = templates / "page.html.j2"
    page.write_text(
        "<!DOCTYPE html>\n<title>{{ doc.title }}</title>\n\n<p>{{ no_such_value }}</p>\n"
    )
    code, output = build_with(site)
    assert code == 3, output
    assert f"{page}:4:1: error: template failed: 'no_such_value' is undefined" in output


def test_undefined_attribute_in_an_included_template_names_that_template(
    site: tuple[Path, Path, Path],
) -> None:
    _, _, templates = site
    (templates / "_toc.html.j2").write_text("<nav>\n{{ doc.no_such_field }}\n</nav>\n")
    code, output = build_with(site)
    assert code == 3, output
    assert f"{templates / '_toc.html.j2'}:2:1: error: template failed:" in output
    assert "no_such_field" in output


def test_syntax_error_names_the_template_and_line(site: tuple[Path, Path, Path]) -> None:
    _, _, templates = site
    page = templates / "page.html.j2"
    page.write_text("<!DOCTYPE html>\n{% if doc.title %}\n<p>x</p>\n{% endfor %}\n")
    code, output = build_with(site)
    assert code == 3, output
    assert f"{page}:4:1: error: template syntax: " in output
    assert "fix the Jinja syntax" in output


def test_missing_included_template_names_the_including_line(site: tuple[Path, Path, Path]) -> None:
    _, _, templates = site
    page = templates / "page.html.j2"
    page.write_text("<p>a</p>\n<p>b</p>\n{% include 'nowhere.html.j2' %}\n")
    code, output = build_with(site)
    assert code == 3, output
    assert f"{page}:3:1: error: template 'nowhere.html.j2' not found" in output


def test_the_shipped_templates_still_render_in_the_bounded_sandbox(
    site: tuple[Path, Path, Path],
) -> None:
    """`"#" * level` and friends stay well inside the bounds on `*` and `**`."""
    factbase, out, _ = site
    code, output = invoke("build", "--facts", factbase, "--out", out, "--force", "-f", "md")
    assert code == 0, output
    assert (out / "c2.md").read_text().count("\n## ") >= 3
