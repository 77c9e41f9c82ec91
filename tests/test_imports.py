"""Heavy libraries are imported only by the commands that need them (issue 6).

Each check runs in a fresh interpreter and looks at ``sys.modules`` after the
command: networkx (graph), rdflib (RDF export), Sphinx and docutils (book),
numpy/scipy (layouts), pyvis and matplotlib must not be loaded to validate or
read a framework.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("networkx", "rdflib", "sphinx", "docutils", "numpy", "scipy", "pyvis", "matplotlib")

PROBE = """
import json, sys
from socioaffective.cli import cli
try:
    cli.main({args!r}, standalone_mode=True)
except SystemExit:
    pass
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def _heavy_after(args, env_extra, tmp_path) -> list[str]:
    import os

    env = {**os.environ, "SOCIOAFFECTIVE_CACHE_DIR": str(tmp_path / "cache"), **env_extra}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=list(args), heavy=HEAVY)],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_import_socioaffective_is_light(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-c", f"import json, sys, socioaffective; print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []


@pytest.mark.parametrize("cache", ["0", "1"])
@pytest.mark.parametrize(
    "args",
    [
        ["validate", "{tiny}"],
        ["validate", "--json", "{tiny}"],
        ["--root", "{tiny}", "list"],
        ["--root", "{tiny}", "show", "competence"],
        ["--root", "{tiny}", "search", "competence"],
        ["--root", "{tiny}", "related", "competence", "--direction", "both"],
    ],
)
def test_reading_commands_do_not_import_heavy_libraries(args, cache, tiny_root, tmp_path):
    args = [a.format(tiny=tiny_root) for a in args]
    # twice: the first run fills the cache (when on), the second reads it
    for _ in range(2):
        assert _heavy_after(args, {"SOCIOAFFECTIVE_CACHE": cache}, tmp_path) == []


def test_the_probe_can_see_a_heavy_import(tiny_root, tmp_path):
    """`path` needs networkx: the probe must notice it (so the test above can fail)."""
    assert "networkx" in _heavy_after(["--root", str(tiny_root), "path", "competence", "flattery"], {}, tmp_path)


def test_validate_on_the_real_framework_is_light(tmp_path):
    assert _heavy_after(["validate"], {}, tmp_path) == []


# --- import cycles (issue 14, item 12) ----------------------------------------------

def _imports_of(path) -> set[str]:
    """Modules of the package that ``path`` imports anywhere (top level or inside a function)."""
    import ast

    pkg = path.parent.relative_to(PACKAGE.parent).as_posix().replace("/", ".")
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg.rsplit(".", node.level - 1)[0] if node.level > 1 else pkg
                mod = f"{base}.{node.module}" if node.module else base
            else:
                mod = node.module or ""
            found.add(mod)
            found.update(f"{mod}.{a.name}" for a in node.names)  # `from . import links` imports a module
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    # every module has the package itself imported already: it is no edge
    return {m for m in found if m in _MODULES and m != PACKAGE.name}


def _module_files() -> dict[str, object]:
    out = {}
    for p in PACKAGE.rglob("*.py"):
        name = p.relative_to(PACKAGE.parent).with_suffix("").as_posix().replace("/", ".")
        out[name.removesuffix(".__init__")] = p
    return out


PACKAGE = Path(__file__).resolve().parent.parent / "socioaffective"
_MODULES = _module_files()


def _reach(start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        m = todo.pop()
        for n in _imports_of(_MODULES[m]):
            if n not in seen:
                seen.add(n)
                todo.append(n)
    return seen


def test_validate_never_imports_the_loader():
    """The loader reads files and runs the validator; the validator reads no file and never
    imports the loader, even inside a function (there is no loader <-> validate cycle)."""
    assert "socioaffective.validate" in _imports_of(_MODULES["socioaffective.loader"])
    assert "socioaffective.loader" not in _reach("socioaffective.validate"), sorted(_reach("socioaffective.validate"))


def test_the_cycle_finder_sees_a_cycle():
    """The same analysis finds the kb <-> query knot (so the test above can fail)."""
    assert "socioaffective.kb" in _imports_of(_MODULES["socioaffective.query"]) or "socioaffective.kb" in _reach("socioaffective.query")
    assert "socioaffective.query" in _reach("socioaffective.kb")
