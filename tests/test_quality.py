"""The package type-checks (mypy) and is linted and formatted (ruff), as pyproject.toml configures them.

Each check runs the tool as a developer would, from the repository root, and fails with the
tool's own output. The ``*_catches_*`` tests run the same commands, with the same configuration,
on a tiny deliberately bad project in ``tmp_path``: the harness can fail.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

MYPY = [sys.executable, "-m", "mypy"]
RUFF_CHECK = [sys.executable, "-m", "ruff", "check", "--no-cache", "."]
RUFF_FORMAT = [sys.executable, "-m", "ruff", "format", "--check", "--no-cache", "."]


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600)


def _assert_clean(cmd: list[str], cwd: Path = ROOT) -> None:
    res = _run(cmd, cwd)
    shown = " ".join(cmd[1:])
    out = res.stdout + res.stderr
    if len(out) > 20_000:  # keep the head (the first findings) and the tail (the summary)
        out = out[:15_000] + "\n[...]\n" + out[-5_000:]
    assert res.returncode == 0, f"`{shown}` failed (exit {res.returncode}):\n{out}"


def _bad_project(tmp_path: Path, source: str) -> Path:
    """A copy of the project's configuration with one package module holding ``source``."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    pkg = tmp_path / "socioaffective"
    pkg.mkdir()
    (pkg / "__init__.py").write_text(source, encoding="utf-8")
    return tmp_path


# -- the real checks ---------------------------------------------------------------------------


def test_mypy_is_clean_on_the_package():
    _assert_clean(MYPY)


def test_ruff_check_is_clean():
    _assert_clean(RUFF_CHECK)


def test_ruff_format_check_is_clean():
    _assert_clean(RUFF_FORMAT)


def _complexity_limit() -> int:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    return int(text.split("max-complexity = ", 1)[1].split()[0])


def test_the_complexity_ratchet_sits_at_the_worst_function():
    """`max-complexity` can only go down: once the worst function is simplified, lower the limit to match."""
    cmd = [*RUFF_CHECK[:-1], "--select", "C901", "--config", "lint.mccabe.max-complexity=1", "--output-format", "concise", "."]
    res = _run(cmd, ROOT)
    found = [(int(m.group(2)), m.group(1)) for m in re.finditer(r"^(\S+: C901 `[^`]+`) is too complex \((\d+) > 1\)", res.stdout, re.M)]
    assert found, res.stdout + res.stderr
    worst, where = max(found)
    limit = _complexity_limit()
    assert worst <= limit, f"{where} has complexity {worst}, over the ratchet {limit}: simplify it"
    assert worst == limit, f"the worst function is now {where} ({worst}): lower max-complexity in pyproject.toml from {limit} to {worst}"


def test_the_package_ships_its_py_typed_marker():
    assert (ROOT / "socioaffective" / "py.typed").is_file()


# -- the harness can fail ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory):
    """One cache for the bad projects' runs (the standard library's types are read once)."""
    return str(tmp_path_factory.mktemp("mypy-cache"))


def test_mypy_catches_a_type_error(tmp_path, mypy_cache):
    project = _bad_project(tmp_path, 'def load(root: str) -> int:\n    return root\n\n\nx: int = load("a") + "b"\n')
    res = _run([*MYPY, "--cache-dir", mypy_cache], project)
    assert res.returncode == 1, res.stdout + res.stderr
    assert 'Incompatible return value type (got "str", expected "int")' in res.stdout
    assert "Unsupported operand types" in res.stdout


def test_mypy_catches_an_unannotated_public_function(tmp_path, mypy_cache):
    # socioaffective/__init__.py is under disallow_untyped_defs, as the public API must be
    project = _bad_project(tmp_path, "def load(root):\n    return root\n")
    res = _run([*MYPY, "--cache-dir", mypy_cache], project)
    assert res.returncode == 1, res.stdout + res.stderr
    assert "[no-untyped-def]" in res.stdout


def test_ruff_check_catches_lint(tmp_path):
    project = _bad_project(tmp_path, "import os\nimport sys\n\n\ndef f(x=[]):\n    return x\n")
    res = _run(RUFF_CHECK, project)
    assert res.returncode == 1, res.stdout + res.stderr
    for code in ("F401", "B006"):
        assert code in res.stdout


def test_ruff_check_catches_a_function_over_the_complexity_ratchet(tmp_path):
    limit = _complexity_limit()
    branches = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(limit))
    project = _bad_project(tmp_path, f"def f(x: int) -> int:\n{branches}    return -1\n")
    res = _run(RUFF_CHECK, project)
    assert res.returncode == 1, res.stdout + res.stderr
    assert f"C901 `f` is too complex ({limit + 1} > {limit})" in res.stdout


def test_ruff_format_check_catches_unformatted_code(tmp_path):
    project = _bad_project(tmp_path, "x = {  'a':1 }\n")
    res = _run(RUFF_FORMAT, project)
    assert res.returncode == 1, res.stdout + res.stderr
    assert "would reformat" in res.stdout.lower() or "would be reformatted" in res.stdout.lower()
    assert "socioaffective/__init__.py" in res.stdout


# -- where the checks run ----------------------------------------------------------------------


def test_the_test_workflow_runs_make_test_on_pushes_and_pull_requests():
    import yaml

    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "test.yml").read_text(encoding="utf-8"))
    on = wf.get("on", wf.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "push" in on and "pull_request" in on
    job = wf["jobs"]["test"]
    assert job["runs-on"] == "ubuntu-latest"
    assert "3.11" in str(job.get("container", "")) or any("3.11" in str(s.get("with", {}).get("python-version", "")) for s in job["steps"])
    assert any(s.get("run", "").strip().startswith("make test") for s in job["steps"])
    assert (ROOT / ".github" / "workflows" / "pages.yml").is_file()


def test_contributing_shows_the_checks_as_this_file_runs_them():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("## Checks", 1)[1]
    for needle in ("python -m mypy", "python -m ruff check .", "python -m ruff format", "max-complexity"):
        assert needle in section, needle
    # the one-test example names a test that exists
    path, name = section.split('pytest "', 1)[1].split('"', 1)[0].split("::")
    assert f"def {name}(" in (ROOT / path).read_text(encoding="utf-8")
