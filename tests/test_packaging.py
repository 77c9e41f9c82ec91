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
    framework_files = [n for n in (project_root / "framework").glob("*.yaml")]
    for f in framework_files:
        assert f"socioaffective/data/framework/{f.name}" in names
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    code = (
        "import socioaffective, pathlib; kb = socioaffective.load(); "
        "print(kb.root); print(len(kb)); assert kb.report.ok, kb.report"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    env.pop("SOCIOAFFECTIVE_ROOT", None)
    res = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    root, count = res.stdout.split()
    assert root == str(target / "socioaffective" / "data")
    import socioaffective

    assert int(count) == len(socioaffective.load())
