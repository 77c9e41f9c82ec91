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
