"""Every export format declared in ``socioaffective.export.FORMATS`` is complete.

The registry is the one list of formats (issue 14, item 8): a format declared
there must have all its metadata, be offered by the CLI (choices and
``--help``), be listed and downloadable on the book's Downloads page (built
with the real ``chapters/downloads.md``), be in the determinism test, need
no optional package beyond the extra it declares, and read back with the
Python it advertises, run exactly as written. Every test is parametrized
over the registry, so a new format is checked without editing this file
(``docs-dev/ARCHITECTURE.md``, recipe (a); ``tests/test_architecture.py``
proves that on a copy of the package).
"""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import socioaffective
from socioaffective.cli import cli
from socioaffective.export import FORMATS, export

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
NAMES = list(FORMATS)

#: the modules each optional extra brings (blocked to check a format's ``extra``)
EXTRA_MODULES = {"rdf": ("rdflib",), "graph": ("numpy", "scipy")}


SMART_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def _raw(data) -> bytes:
    return data if isinstance(data, bytes) else data.encode("utf-8")


# -- metadata -----------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_the_declaration_is_complete(name):
    spec = FORMATS[name]
    assert spec.name == name and re.fullmatch(r"[a-z][a-z0-9_]*", name)
    for field in ("description", "read_with", "reader"):
        value = getattr(spec, field)
        assert isinstance(value, str) and value.strip() == value and value and "\n" not in value, f"{name}.{field} must be one line"
    assert re.fullmatch(r"[.-][A-Za-z0-9.-]+", spec.extension), spec.extension
    assert re.fullmatch(r"[a-z]+/[a-z0-9.+-]+", spec.media_type), spec.media_type
    module = importlib.import_module(f"socioaffective.export.{spec.module}")
    assert callable(getattr(module, "render", None)), f"socioaffective.export.{spec.module} has no render()"
    params = inspect.signature(module.render).parameters
    assert all(opt in params for opt in spec.options), f"render() of {name} takes none of {spec.options}"
    if spec.bundle:
        assert spec.binary and callable(getattr(module, "files", None)), "a bundle is a zip with files(kb)"
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert spec.extra is None or spec.extra in extras, f"no extra `{spec.extra}` in pyproject.toml"
    assert spec.extra is None or spec.extra in EXTRA_MODULES, f"say which modules the `{spec.extra}` extra brings in EXTRA_MODULES"
    assert spec.filename in spec.reader, "the reader reads the file by its download name"
    ast.parse(spec.reader, mode="eval")  # one expression


def test_file_names_are_distinct():
    names = [spec.filename for spec in FORMATS.values()]
    assert len(set(names)) == len(names)


# -- the CLI ------------------------------------------------------------------


@pytest.fixture(scope="module")
def export_help() -> str:
    res = CliRunner().invoke(cli, ["export", "--help"], terminal_width=200)
    assert res.exit_code == 0, res.output
    return res.output


@pytest.mark.parametrize("name", NAMES)
def test_the_cli_offers_it_and_its_help_shows_it(name, export_help, tiny_root, tmp_path):
    spec = FORMATS[name]
    command = cli.get_command(click.Context(cli), "export")  # the group loads its commands lazily
    assert command is not None
    option = next(p for p in command.params if p.name == "fmt")
    assert name in option.type.choices
    assert spec.description in export_help and spec.read_with in export_help
    assert any(line.strip() == spec.reader for line in export_help.splitlines()), "the reader is one unwrapped line of --help"
    out = tmp_path / spec.filename
    res = CliRunner().invoke(cli, ["--root", str(tiny_root), "export", "-f", name, "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_bytes() == _raw(export(socioaffective.load(tiny_root), name))
    with_base = CliRunner().invoke(cli, ["--root", str(tiny_root), "export", "-f", name, "--base", "https://example.org/x/", "-o", str(out)])
    assert (with_base.exit_code == 0) == ("base" in spec.options), with_base.output


# -- the determinism test -------------------------------------------------------


@pytest.fixture(scope="module")
def determinism_ids() -> str:
    res = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", str(TESTS / "test_export_determinism.py")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert res.returncode == 0, res.stdout + res.stderr
    return res.stdout


@pytest.mark.parametrize("name", NAMES)
def test_it_is_in_the_determinism_test(name, determinism_ids):
    assert f"test_every_format_is_byte_identical_across_hash_seeds[{name}]" in determinism_ids
    assert f"test_the_tiny_framework_too[{name}]" in determinism_ids


# -- optional dependencies ------------------------------------------------------

_BLOCKED = """
import json, sys
blocked, name, root = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
for m in blocked:
    sys.modules[m] = None  # import m now raises ModuleNotFoundError
import socioaffective
from socioaffective.export import export
try:
    export(socioaffective.load(root), name)
    print("ok")
except socioaffective.SocioaffectiveError as exc:
    print("error:", exc)
"""


def _export_without(blocked: list[str], name: str, root: Path) -> str:
    res = subprocess.run([sys.executable, "-c", _BLOCKED, json.dumps(blocked), name, str(root)], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    return res.stdout.strip()


@pytest.mark.parametrize("name", NAMES)
def test_it_needs_no_optional_package_beyond_its_extra(name, tiny_root):
    spec = FORMATS[name]
    others = [m for extra, mods in EXTRA_MODULES.items() if extra != spec.extra for m in mods]
    assert _export_without(others, name, tiny_root) == "ok"
    if spec.extra:
        said = _export_without(list(EXTRA_MODULES[spec.extra]), name, tiny_root)
        assert said.startswith("error:") and f"socioaffective[{spec.extra}]" in said, said


# -- the reader, run as written -------------------------------------------------


@pytest.fixture(scope="module")
def exported(real_kb, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("exports")
    for name, spec in FORMATS.items():
        (folder / spec.filename).write_bytes(_raw(export(real_kb, name)))
    return folder


def _modules_named(expr: str) -> dict:
    """The modules an expression names (``networkx``, ``sssom.parsers``), imported as ``import x.y`` would."""
    found: dict = {}
    for node in ast.walk(ast.parse(expr, mode="eval")):
        chain = []
        while isinstance(node, ast.Attribute):
            chain.insert(0, node.attr)
            node = node.value
        if not isinstance(node, ast.Name) or hasattr(builtins, node.id):
            continue
        try:
            found[node.id] = importlib.import_module(node.id)
        except ImportError:
            continue  # a name the expression binds itself (a comprehension's variable)
        for i in range(1, len(chain) + 1):
            try:
                importlib.import_module(".".join([node.id, *chain[:i]]))
            except ImportError:
                break
    return found


@pytest.mark.parametrize("name", NAMES)
def test_the_reader_works_as_written(name, exported, monkeypatch):
    spec = FORMATS[name]
    monkeypatch.chdir(exported)
    value = eval(spec.reader, _modules_named(spec.reader))  # the advice, exactly as shown
    if isinstance(value, bool):
        assert value is True, f"{spec.reader} gives False"
    else:
        assert len(value) > 0, f"{spec.reader} reads nothing"


# -- the book's Downloads page ----------------------------------------------------


@pytest.fixture(scope="module")
def downloads_book(tmp_path_factory, tiny_root):
    """A small book: the tiny framework and the real Downloads chapter."""
    from bookbuild import CONF, sphinx_build

    src = tmp_path_factory.mktemp("downloads-book") / "src"
    shutil.copytree(tiny_root, src)
    conf = CONF.replace('html_theme = "sphinx_book_theme"', 'html_theme = "basic"').replace("html_theme_options =", "_unused_theme_options =")
    conf += 'suppress_warnings += ["socioaffective.missing-page"]  # entry pages are not what this book is for\n'
    (src / "conf.py").write_text(conf, encoding="utf-8")
    (src / "index.md").write_text("# Index\n", encoding="utf-8")
    shutil.copyfile(ROOT / "chapters" / "downloads.md", src / "downloads.md")
    (src / "_toc.yml").write_text("format: jb-book\nroot: index\nchapters:\n  - file: downloads\n", encoding="utf-8")
    build = sphinx_build(src)
    assert build.returncode == 0 and not build.warnings, build.output[-4000:]
    return build


@pytest.mark.parametrize("name", NAMES)
def test_the_downloads_page_offers_it(name, downloads_book):
    from bookbuild import Html

    spec = FORMATS[name]
    page = Html(downloads_book.page("downloads.html"))
    hrefs = [a["href"] for tag, a in page.tags if tag == "a" and a.get("href", "").endswith("/" + spec.filename)]
    assert hrefs == [f"_static/socioaffective/exports/{spec.filename}"], hrefs
    text = " ".join(page.text.split()).translate(SMART_QUOTES)  # Sphinx's smartquotes, outside code
    assert spec.description in text and spec.read_with in text and spec.reader in text
    written = downloads_book.html / hrefs[0]
    assert written.read_bytes() == _raw(export(socioaffective.load(downloads_book.srcdir), name)), "the book's export step wrote another file"
