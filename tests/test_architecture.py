"""The architecture of docs-dev/ARCHITECTURE.md holds in the code.

The layer table and the writers list are read from the fenced ``layers`` and
``writers`` blocks of ARCHITECTURE.md (the one place they are written). Every
import of every module of ``socioaffective/`` (found with ``ast``, including
imports inside functions) must go to its own layer or a layer above it; only
the listed modules may write files; the module map names every module; and
recipe (a), a new export format, is carried out on a copy of the package to
show that the files it names are all a format needs.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs-dev" / "ARCHITECTURE.md"

#: Known violations of the layer rule, each with its reason. Remove an entry
#: when its import goes; the test fails for an entry no longer needed.
ALLOWED = {
    # KnowledgeBase.path/search/matrix are the facade over query (a lazy import in each method;
    # query imports kb only for annotations, so there is no cycle)
    ("kb", "query"): "the KnowledgeBase facade calls query",
    # the loader reads the files, then runs the validator's check_records/build_entries
    # (the validator never imports the loader: tests/test_imports.py)
    ("loader", "validate"): "load() runs the validator",
    # kb.to_pyvis(...) is the facade over render.pyvis_network (issue 14, item 14), imported lazily
    ("kb", "render.pyvis_network"): "the KnowledgeBase facade draws with pyvis",
}

#: Calls that write, make or delete files (``open`` counts with a writing mode).
WRITE_CALLS = {
    "write_text",
    "write_bytes",
    "mkdir",
    "makedirs",
    "unlink",
    "remove",
    "rmdir",
    "touch",
    "rmtree",
    "copyfile",
    "copytree",
    "copy2",
    "move",
    "mkstemp",
    "atomic_write",
    "write_if_changed",
    "copy_if_changed",
}


# -- reading the tables -------------------------------------------------------


def _block(text: str, name: str) -> list[str]:
    m = re.search(rf"^```{name}\n(.*?)^```$", text, re.S | re.M)
    assert m, f"ARCHITECTURE.md has no ```{name} block"
    return [line.split("#")[0].split() for line in m.group(1).splitlines() if line.split("#")[0].strip()]


def read_tables(doc: Path = DOC) -> tuple[list[tuple[str, list[str]]], list[str]]:
    text = doc.read_text(encoding="utf-8")
    layers = [(row[0], row[1:]) for row in _block(text, "layers")]
    writers = [name for row in _block(text, "writers") for name in row]
    return layers, writers


def _match(module: str, names: list[str]) -> int:
    """How specifically ``names`` matches ``module``: -1 not at all, else the length of the matching name."""
    best = -1
    for n in names:
        if n == module:
            return 10_000
        if n.endswith(".*") and module.startswith(n[:-1]):
            best = max(best, len(n))
    return best


def layer_of(module: str, layers) -> int | None:
    scores = [(_match(module, names), i) for i, (_, names) in enumerate(layers)]
    score, index = max(scores)
    return index if score >= 0 else None


# -- reading the code -----------------------------------------------------------


def modules(package: Path) -> dict[str, Path]:
    """Every module of the package by dotted name relative to it (``export.rdf``; ``socioaffective`` for the package)."""
    out = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts) or "socioaffective"] = path
    return out


def _dotted(parts: list[str]) -> str:
    return ".".join(parts) or "socioaffective"


def _from_target(node: ast.ImportFrom, package: list[str]) -> list[str] | None:
    """The module an ``import from`` names, relative to the package (None: not ours)."""
    if node.level:
        base = package[: len(package) - (node.level - 1)] if node.level > 1 else list(package)
        return base + (node.module.split(".") if node.module else [])
    if node.module and (node.module == "socioaffective" or node.module.startswith("socioaffective.")):
        return node.module.split(".")[1:]
    return None


def imports(name: str, path: Path, known) -> set[str]:
    """The package's modules that ``name`` imports, anywhere in the file."""
    here = [] if name == "socioaffective" else name.split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {_dotted(a.name.split(".")[1:]) for a in node.names if a.name.split(".")[0] == "socioaffective"}
        elif isinstance(node, ast.ImportFrom) and (target := _from_target(node, package)) is not None:
            for alias in node.names:
                sub = _dotted([*target, alias.name])
                if sub in known:
                    found.add(sub)  # from . import links: the module links
                elif not target and alias.name == "__version__":
                    found.add("__version__")
                else:
                    found.add(_dotted(target))
    found.discard(name)
    return found


def violations(package: Path, doc: Path = DOC) -> tuple[list[str], set[tuple[str, str]]]:
    """Layer-rule violations not in ALLOWED (as messages), and the ALLOWED edges seen."""
    layers, _ = read_tables(doc)
    known = modules(package)
    problems, seen = [], set()
    for name, path in known.items():
        mine = layer_of(name, layers)
        if mine is None:
            problems.append(f"{name}: in no layer of ARCHITECTURE.md")
            continue
        for target in sorted(imports(name, path, known)):
            theirs = layer_of(target, layers)
            if theirs is None:
                problems.append(f"{name} imports {target}, which is in no layer")
            elif theirs > mine:
                if (name, target) in ALLOWED:
                    seen.add((name, target))
                else:
                    problems.append(f"{name} ({layers[mine][0]}) imports {target} ({layers[theirs][0]}), a lower layer")
    return problems, seen


def writes(path: Path) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
        if name in WRITE_CALLS or name.lstrip("_") in WRITE_CALLS:
            out.append(f"{name}() at line {node.lineno}")
        elif name in ("open", "fdopen"):
            mode = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "mode"), None)
            if isinstance(mode, ast.Constant) and isinstance(mode.value, str) and set(mode.value) & set("wax+"):
                out.append(f"open(..., {mode.value!r}) at line {node.lineno}")
    return out


# -- the tests ------------------------------------------------------------------


PACKAGE = ROOT / "socioaffective"


def test_every_import_respects_the_layers():
    problems, _ = violations(PACKAGE)
    assert not problems, "\n".join(problems)


def test_the_allowed_exceptions_are_still_needed():
    _, seen = violations(PACKAGE)
    stale = sorted(set(ALLOWED) - seen)
    assert not stale, f"no longer imported, remove from ALLOWED in tests/test_architecture.py: {stale}"


def test_the_rule_catches_an_import_from_a_lower_layer(tmp_path):
    copy = tmp_path / "socioaffective"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "templates"))
    with open(copy / "model.py", "a", encoding="utf-8") as f:
        f.write("\n\ndef _page(kb, e):\n    from .render import pages\n\n    return pages.entry_page(kb, e)\n")
    problems, _ = violations(copy)
    assert problems == ["model (foundation) imports render.pages (renderers), a lower layer"]


def test_only_the_listed_modules_write_files():
    _, writers = read_tables()
    found = {name: w for name, path in modules(PACKAGE).items() if (w := writes(path)) and _match(name, writers) < 0}
    assert not found, f"modules that write files but are not writers in ARCHITECTURE.md: {found}"


def test_the_writer_check_can_see_a_write(tmp_path):
    p = tmp_path / "m.py"
    p.write_text("def f(path):\n    path.write_text('x')\n    open(path, 'a')\n    open(path)\n", encoding="utf-8")
    assert writes(p) == ["write_text() at line 2", "open(..., 'a') at line 3"]


def test_the_module_map_names_every_module():
    from socioaffective.export import FORMATS

    text = DOC.read_text(encoding="utf-8")
    named = set(re.findall(r"`(socioaffective/[\w/]+\.py)`", text))
    formats = {f"socioaffective/export/{spec.module}.py" for spec in FORMATS.values()}  # documented by FORMATS
    actual = {str(p.relative_to(ROOT)) for p in PACKAGE.rglob("*.py")}
    assert sorted(actual - named - formats) == [], "add these modules to the module map of ARCHITECTURE.md"
    assert sorted(named - actual) == [], "the module map names modules that do not exist"


def test_the_docs_link_to_it():
    for doc in ("README.md", "CONTRIBUTING.md"):
        assert "docs-dev/ARCHITECTURE.md" in (ROOT / doc).read_text(encoding="utf-8"), doc


# -- recipe (a) on a copy of the package ------------------------------------------

TOY_MODULE = '''"""``toy``: one line per entry, its id and title, tab-separated (recipe (a) of ARCHITECTURE.md)."""


def render(kb, fmt: str = "toy", **_options) -> str:
    return "".join(f"{e.id}\\t{e.title}\\n" for e in sorted(kb, key=lambda e: e.id))
'''

TOY_READER = 'open("socioaffective.toy.tsv", encoding="utf-8").read().splitlines()'
TOY_FORMAT = """    Format(
        "toy", "toy", ".toy.tsv", "text/tab-separated-values",
        "every entry's id and title, one per line",
        "any text editor; Python's csv module",
        READER,
    ),
"""

TOY_TEST = """import socioaffective
from socioaffective.export import export


def test_toy_has_a_line_per_entry(tiny_kb):
    assert len(export(tiny_kb, "toy").splitlines()) == len(list(tiny_kb))
"""


def _copy_project(dest: Path) -> Path:
    skip = shutil.ignore_patterns("__pycache__", "_build", ".pytest_cache", "*.pyc")
    for name in ("socioaffective", "tests", "framework", "docs-dev"):
        shutil.copytree(ROOT / name, dest / name, ignore=skip)
    for name in ("references.bib", "pyproject.toml", "README.md", "CONTRIBUTING.md"):
        shutil.copyfile(ROOT / name, dest / name)
    (dest / "chapters" / "images").mkdir(parents=True)
    shutil.copyfile(ROOT / "chapters" / "downloads.md", dest / "chapters" / "downloads.md")
    shutil.copyfile(ROOT / "chapters" / "images" / "favicon.svg", dest / "chapters" / "images" / "favicon.svg")
    return dest


def _add_toy_format(copy: Path, reader: str | None = None) -> None:
    """Recipe (a), step by step: the module, one Format in FORMATS, a test."""
    (copy / "socioaffective" / "export" / "toy.py").write_text(TOY_MODULE, encoding="utf-8")
    init = copy / "socioaffective" / "export" / "__init__.py"
    text = init.read_text(encoding="utf-8")
    start = text.index("FORMATS: dict[str, Format] = _formats(")
    end = text.index("\n)\n", start) + 1
    fmt = TOY_FORMAT.replace("READER", repr(reader or TOY_READER))
    init.write_text(text[:end] + fmt + text[end:], encoding="utf-8")
    (copy / "tests" / "test_export_toy.py").write_text(TOY_TEST, encoding="utf-8")


def _pytest(copy: Path, *args: str) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, "PYTHONPATH": str(copy), "SOCIOAFFECTIVE_CACHE": "0"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", *args],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )


@pytest.mark.book
def test_recipe_a_touches_only_the_files_it_names(tmp_path):
    copy = _copy_project(tmp_path / "project")
    before = {p.relative_to(copy): p.read_bytes() for p in copy.rglob("*") if p.is_file()}
    _add_toy_format(copy)
    after = {p.relative_to(copy): p.read_bytes() for p in copy.rglob("*") if p.is_file()}
    changed = sorted(str(p) for p in after if before.get(p) != after[p])
    assert changed == ["socioaffective/export/__init__.py", "socioaffective/export/toy.py", "tests/test_export_toy.py"]

    res = _pytest(
        copy,
        "-k",
        "toy or test_file_names_are_distinct or test_the_runs_export_exactly or architecture and not recipe",
        "tests/test_export_registry.py",
        "tests/test_export_determinism.py",
        "tests/test_export_toy.py",
        "tests/test_architecture.py",
        "socioaffective/export/__init__.py",
    )
    out = res.stdout + res.stderr
    assert res.returncode == 0, out[-6000:]
    expected = [
        "test_the_declaration_is_complete[toy]",
        "test_the_cli_offers_it_and_its_help_shows_it[toy]",
        "test_it_is_in_the_determinism_test[toy]",
        "test_it_needs_no_optional_package_beyond_its_extra[toy]",
        "test_the_reader_works_as_written[toy]",
        "test_the_downloads_page_offers_it[toy]",
        "test_every_format_is_byte_identical_across_hash_seeds[toy]",
        "test_the_tiny_framework_too[toy]",
        "test_toy_has_a_line_per_entry",
        "test_the_module_map_names_every_module",
        "test_every_import_respects_the_layers",
    ]
    for test in expected:
        assert re.search(re.escape(test) + r" PASSED", out), f"{test} did not run and pass in the copy:\n{out[-4000:]}"

    # and the same checks fail for a toy format whose reader reads nothing
    broken = _copy_project(tmp_path / "broken")
    _add_toy_format(broken, reader='open("socioaffective.toy.tsv", encoding="utf-8").read()[:0]')
    res = _pytest(broken, "-k", "reader and toy", "tests/test_export_registry.py")
    assert res.returncode == 1 and "test_the_reader_works_as_written[toy] FAILED" in res.stdout, res.stdout[-3000:]


# -- recipe (b) on a copy of the package ------------------------------------------

TOY_RULE = '''

def shouting_titles(ctx: Context) -> Iterator[Problem]:
    """A title is not written in capitals only (recipe (b) of ARCHITECTURE.md)."""
    for v in ctx.views:
        title = v.d.get("title")
        if isinstance(title, str) and len(title) > 3 and title.isupper():
            yield _p(v.file, v.d.line_of("title"), "shouting-title", v.who, f"the title `{title}` is in capitals only", "write it in sentence case")


RULES.append(Rule("shouting-titles", ("shouting-title",), shouting_titles))
'''

TOY_CODE = """    "shouting-title": Code("warning", "A title written in capitals only.", "Write it in sentence case."),
"""

TOY_CASE_YAML = """entries:
  - id: loud
    kind: concept
    title: LOUD GROWTH
    summary: Getting better at things that matter.
    description: Learning that lasts beyond one conversation.
    provenance: { source: editorial, grade: editorial }
"""

TOY_EXPECTED = """defect: A title in capitals only.
problems:
- code: shouting-title
  file: framework/case.yaml
  line: 4
  entry: loud
"""


def _add_toy_rule(copy: Path) -> None:
    """Recipe (b), step by step: the rule in RULES, its code, README's table, a corpus case."""
    validate = copy / "socioaffective" / "validate.py"
    validate.write_text(validate.read_text(encoding="utf-8") + TOY_RULE, encoding="utf-8")
    codes = copy / "socioaffective" / "codes.py"
    text = codes.read_text(encoding="utf-8")
    start = text.index("CODES: dict[str, Code] = {")
    end = text.index("\n}\n", start) + 1
    codes.write_text(text[:end] + TOY_CODE + text[end:], encoding="utf-8")
    table = subprocess.run(
        [sys.executable, "-m", "socioaffective", "codes", "--markdown"],
        cwd=copy,
        env={**__import__("os").environ, "PYTHONPATH": str(copy)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    readme = copy / "README.md"
    text = readme.read_text(encoding="utf-8")
    a, b = text.index("<!-- codes:start -->") + len("<!-- codes:start -->"), text.index("<!-- codes:end -->")
    readme.write_text(text[:a] + "\n" + table.strip("\n") + "\n" + text[b:], encoding="utf-8")
    case = copy / "tests" / "fixtures" / "invalid" / "shouting-title"
    shutil.copytree(copy / "tests" / "fixtures" / "invalid" / "bad-id-capitals", case)
    (case / "framework" / "case.yaml").write_text(TOY_CASE_YAML, encoding="utf-8")
    (case / "expected.yaml").write_text(TOY_EXPECTED, encoding="utf-8")


def test_recipe_b_touches_only_the_files_it_names(tmp_path):
    copy = _copy_project(tmp_path / "project")
    before = {p.relative_to(copy): p.read_bytes() for p in copy.rglob("*") if p.is_file()}
    _add_toy_rule(copy)
    after = {p.relative_to(copy): p.read_bytes() for p in copy.rglob("*") if p.is_file()}
    changed = sorted(str(p) for p in after if before.get(p) != after[p])
    case = "tests/fixtures/invalid/shouting-title/"
    assert [c for c in changed if not c.startswith(case)] == ["README.md", "socioaffective/codes.py", "socioaffective/validate.py"]
    res = _pytest(
        copy,
        "-k",
        "shouting or every_code_has_a_case or every_rule or every_code_a_rule or rules_together or readme_troubleshooting or every_code_has_meaning",
        "tests/test_invalid_corpus.py",
        "tests/test_docs.py",
    )
    out = res.stdout + res.stderr
    assert res.returncode == 0, out[-6000:]
    for test in (
        "test_case_through_the_library[shouting-title]",
        "test_every_code_has_a_case",
        "test_every_rule_declares_known_codes_and_a_case_triggers_it",
        "test_readme_troubleshooting_table_matches_the_codes",
    ):
        assert re.search(re.escape(test) + r" PASSED", out), f"{test} did not run and pass in the copy:\n{out[-4000:]}"
    # the rule runs in the real validator: `validate` reports it at the title's line
    import os

    res = subprocess.run(
        [sys.executable, "-m", "socioaffective", "--root", str(copy / case), "validate"],
        cwd=copy,
        env={**os.environ, "PYTHONPATH": str(copy), "SOCIOAFFECTIVE_CACHE": "0"},
        capture_output=True,
        text=True,
    )
    assert "framework/case.yaml:4" in res.stdout and "shouting-title" in res.stdout, res.stdout + res.stderr
