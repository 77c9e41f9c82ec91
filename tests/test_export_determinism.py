"""Every export is byte-identical across runs and hash seeds (exports are versioned and diffed)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from socioaffective.export import FORMATS

_DIGESTS = """
import hashlib, sys
import socioaffective
from socioaffective.export import FORMATS, export
kb = socioaffective.load(sys.argv[1] if len(sys.argv) > 1 else None)
for name in sorted(FORMATS):
    data = export(kb, name)
    raw = data if isinstance(data, bytes) else data.encode("utf-8")
    print(name, hashlib.sha256(raw).hexdigest(), len(raw))
"""


def _digests(seed: str, *args: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONHASHSEED": seed, "SOCIOAFFECTIVE_CACHE": "0"}
    res = subprocess.run([sys.executable, "-c", _DIGESTS, *args], env=env, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    out = {}
    for line in res.stdout.splitlines():
        name, digest, size = line.split()
        out[name] = digest
        assert int(size) > 0
    return out


@pytest.fixture(scope="module")
def real_runs() -> list[dict[str, str]]:
    return [_digests(seed) for seed in ("0", "1", "4242")]


@pytest.fixture(scope="module")
def tiny_runs(tiny_root) -> list[dict[str, str]]:
    return [_digests(seed, str(tiny_root)) for seed in ("7", "99")]


@pytest.mark.parametrize("name", list(FORMATS))  # every registered format, none skipped
def test_every_format_is_byte_identical_across_hash_seeds(real_runs, name):
    assert all(name in run for run in real_runs), f"{name} was not exported"
    assert real_runs[0][name] == real_runs[1][name] == real_runs[2][name], f"{name} differs between PYTHONHASHSEED runs"


@pytest.mark.parametrize("name", list(FORMATS))
def test_the_tiny_framework_too(tiny_runs, name):
    a, b = tiny_runs
    assert name in a and a[name] == b[name], f"{name} differs between PYTHONHASHSEED runs (tiny framework)"


def test_the_runs_export_exactly_the_registered_formats(real_runs):
    assert set(real_runs[0]) == set(FORMATS)
