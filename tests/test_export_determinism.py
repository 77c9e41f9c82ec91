"""Every export is byte-identical across runs and hash seeds (exports are versioned and diffed)."""

from __future__ import annotations

import os
import subprocess
import sys

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


def test_every_format_is_byte_identical_across_hash_seeds():
    runs = [_digests(seed) for seed in ("0", "1", "4242")]
    assert set(runs[0]) == set(FORMATS)  # every registered format, none skipped
    for name in FORMATS:
        assert runs[0][name] == runs[1][name] == runs[2][name], f"{name} differs between PYTHONHASHSEED runs"


def test_the_tiny_framework_too(tiny_root):
    a, b = _digests("7", str(tiny_root)), _digests("99", str(tiny_root))
    assert a == b and set(a) == set(FORMATS)
