"""The wheel carries the framework, so `load()` works without the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile


def test_wheel_ships_the_framework_and_loads_it(tmp_path, project_root):
    out = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(project_root)],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("socioaffective-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "socioaffective/data/framework/schema.yaml" in names
    assert "socioaffective/data/references.bib" in names
    assert "socioaffective/py.typed" in names  # PEP 561: type checkers read the package's own annotations
    framework_files = [n for n in (project_root / "framework").glob("*.yaml")]
    for f in framework_files:
        assert f"socioaffective/data/framework/{f.name}" in names
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    code = "import socioaffective, pathlib; kb = socioaffective.load(); print(kb.root); print(len(kb)); assert kb.report.ok, kb.report"
    env = {**os.environ, "PYTHONPATH": str(target)}
    env.pop("SOCIOAFFECTIVE_ROOT", None)
    res = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    root, count = res.stdout.split()
    assert root == str(target / "socioaffective" / "data")
    import socioaffective

    assert int(count) == len(socioaffective.load())


import shutil  # noqa: E402
import tarfile  # noqa: E402

_NOT_SOURCE = shutil.ignore_patterns(
    ".venv", ".git", "_build", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis", "chapters", "benchmarks", "tests"
)


def _build(src, out, *args):
    return subprocess.run([sys.executable, "-m", "build", *args, "--outdir", str(out), str(src)], capture_output=True, text=True)


def test_python_m_build_gives_an_sdist_and_a_wheel_that_work_alone(tmp_path, project_root):
    """The standard route: sdist first, the wheel built from the sdist, installed alone in a fresh venv."""
    src = tmp_path / "src"
    shutil.copytree(project_root, src, ignore=_NOT_SOURCE)
    res = _build(src, tmp_path / "dist")
    assert res.returncode == 0, res.stdout + res.stderr
    (sdist,) = (tmp_path / "dist").glob("socioaffective-*.tar.gz")
    (wheel,) = (tmp_path / "dist").glob("socioaffective-*.whl")
    members = {m.split("/", 1)[1] for m in tarfile.open(sdist).getnames() if "/" in m}
    assert "framework/schema.yaml" in members and "references.bib" in members
    names = zipfile.ZipFile(wheel).namelist()
    for f in (project_root / "framework").glob("*.yaml"):
        assert f"socioaffective/data/framework/{f.name}" in names
    assert "socioaffective/data/references.bib" in names
    assert "socioaffective/py.typed" in names

    venv = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    py, exe = venv / "bin" / "python", venv / "bin" / "socioaffective"
    res = subprocess.run([str(py), "-m", "pip", "install", "-q", str(wheel)], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    away = tmp_path / "elsewhere"
    away.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOCIOAFFECTIVE_", "PYTHONPATH", "VIRTUAL_ENV"))}
    env["SOCIOAFFECTIVE_CACHE"] = "0"
    code = "import socioaffective as sa; kb = sa.load(); print(kb.root); print(len(kb.entries())); assert kb.report.ok, kb.report"
    res = subprocess.run([str(py), "-c", code], cwd=away, env=env, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    root, count = res.stdout.split()
    assert root.startswith(str(venv)) and root.endswith("socioaffective/data")
    import socioaffective

    assert int(count) == len(socioaffective.load().entries())
    res = subprocess.run([str(exe), "validate"], cwd=away, env=env, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "0 error(s)" in res.stdout + res.stderr


def test_a_build_without_the_framework_is_an_error(tmp_path, project_root):
    src = tmp_path / "src"
    shutil.copytree(project_root, src, ignore=_NOT_SOURCE)
    shutil.rmtree(src / "framework")
    res = _build(src, tmp_path / "dist", "--wheel")
    assert res.returncode != 0
    assert "framework/schema.yaml" in res.stdout + res.stderr and "missing" in res.stdout + res.stderr
    assert not list((tmp_path / "dist").glob("*.whl"))
