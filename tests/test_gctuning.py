"""The garbage collector during a build (book/gctuning.py, issue 15).

The young generation's threshold is raised from config-inited to
build-finished and put back after; processes forked by the build move what they
inherit into the permanent generation before they run.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from types import SimpleNamespace

import pytest

from bookbuild import BIN, make_fixture_book, sphinx_build
from socioaffective.book import gctuning


@pytest.fixture
def thresholds():
    before = gc.get_threshold()
    yield before
    gc.set_threshold(*before)


def _app(threshold):
    return SimpleNamespace(config=SimpleNamespace(socioaffective_gc_threshold=threshold))


def test_the_threshold_is_raised_for_the_build_and_put_back_after(thresholds):
    gc.set_threshold(700, 10, 10)
    app = _app(20_000)
    gctuning.raise_threshold(app, app.config)
    assert gc.get_threshold() == (20_000, 10, 10)
    gctuning.restore_threshold(app, None)
    assert gc.get_threshold() == (700, 10, 10)
    gctuning.restore_threshold(app, None)  # a second build-finished (or none raised): nothing to undo
    assert gc.get_threshold() == (700, 10, 10)


@pytest.mark.parametrize(
    ("configured", "before"),
    [(0, (700, 10, 10)), (-5, (700, 10, 10)), (20_000, (0, 10, 10)), (20_000, (50_000, 10, 10))],
    ids=["off", "negative", "collector-off", "already-rarer"],
)
def test_the_threshold_is_left_alone_when_off_or_already_higher(thresholds, configured, before):
    gc.set_threshold(*before)
    app = _app(configured)
    gctuning.raise_threshold(app, app.config)
    assert gc.get_threshold() == before
    gctuning.restore_threshold(app, None)
    assert gc.get_threshold() == before


#: a conf.py addition that records the collector's threshold while Sphinx reads a page
_PROBE = """
import gc as _gc, json as _json
def setup(app):
    def _probe(app, docname, source):
        with open({path!r}, "a") as f:
            f.write(_json.dumps([docname, _gc.get_threshold()[0]]) + "\\n")
    app.connect("source-read", _probe)
socioaffective_gc_threshold = {threshold}
"""


def _probed_build(tmp_path, tiny_root, probe_conf: str, probe, threshold: int):
    """Build the tiny book with ``probe_conf`` (formatted with the probe's path and the
    threshold) added to its conf.py; return the probe's path."""
    src = make_fixture_book(tiny_root, tmp_path / "book", theme="basic")
    with open(src / "conf.py", "a", encoding="utf-8") as f:
        f.write(probe_conf.format(path=str(probe), threshold=threshold))
    build = sphinx_build(src, strict=False)
    assert build.returncode == 0, build.output[-3000:]
    return probe


@pytest.mark.book
@pytest.mark.parametrize("threshold", [12_345, 0])
def test_a_real_build_reads_its_pages_with_the_configured_threshold(tmp_path, tiny_root, threshold):
    probe = _probed_build(tmp_path, tiny_root, _PROBE, tmp_path / "probe.jsonl", threshold)
    seen = [json.loads(line) for line in probe.read_text(encoding="utf-8").splitlines()]
    default = json.loads(
        subprocess.run(
            [str(BIN / "python"), "-c", "import gc, json; print(json.dumps(gc.get_threshold()[0]))"], capture_output=True, text=True, check=True
        ).stdout
    )
    assert len(seen) > 5 and {t for _, t in seen} == {threshold or default}


_FORK_SCRIPT = """
import gc, json, os, sys
from pathlib import Path
import socioaffective
from socioaffective.export import book
kb = socioaffective.load(sys.argv[1])
report = Path(sys.argv[2])
def before():  # runs in the child, after what the child does first
    report.write_text(json.dumps({"frozen": gc.get_freeze_count(), "pid": os.getpid()}))
parent_frozen = gc.get_freeze_count()
job = book.ExportJob(kb, Path(sys.argv[3]), "stamp-1", before=before)
assert job.start()
files = job.result()
print(json.dumps({"parent_frozen": parent_frozen, "parent_frozen_after": gc.get_freeze_count(), "files": sorted(files or ()), "pid": os.getpid()}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the background job forks on Linux only")
def test_a_forked_export_job_freezes_what_it_inherits_and_the_parent_does_not(tmp_path, tiny_root):
    report = tmp_path / "child.json"
    proc = subprocess.run(
        [sys.executable, "-c", _FORK_SCRIPT, str(tiny_root), str(report), str(tmp_path / "staging")], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    parent = json.loads(proc.stdout)
    child = json.loads(report.read_text())
    assert child["pid"] != parent["pid"]
    assert child["frozen"] > 10_000  # the whole inherited heap (the loaded framework, the modules)
    assert parent["parent_frozen"] == parent["parent_frozen_after"] == 0
    assert parent["files"]  # and the job still gave its files


#: a conf.py addition: at the process's exit, after the extension's own atexit hook
#: (atexit runs the last registered first; this one is registered at setup)
_EXIT_PROBE = """
import atexit as _atexit, gc as _gc, json as _json
def _at_exit():
    with open({path!r}, "w") as f:
        f.write(_json.dumps({{"frozen": _gc.get_freeze_count(), "tracked": len(_gc.get_objects())}}))
_atexit.register(_at_exit)
socioaffective_gc_threshold = {threshold}
"""


@pytest.mark.book
@pytest.mark.parametrize("threshold", [20_000, 0])
def test_the_heap_is_frozen_at_the_build_process_exit(tmp_path, tiny_root, threshold):
    # Python's finalization collects the whole heap several times (about 1 s of a rebuild of
    # the real book); frozen, its collections skip what the build left alive
    probe = _probed_build(tmp_path, tiny_root, _EXIT_PROBE, tmp_path / "exit.json", threshold)
    at_exit = json.loads(probe.read_text(encoding="utf-8"))
    if threshold:
        assert at_exit["frozen"] > 50_000 and at_exit["tracked"] < at_exit["frozen"] / 10, at_exit
    else:
        assert at_exit["frozen"] == 0 and at_exit["tracked"] > 50_000, at_exit


def test_the_exit_hook_is_registered_once_per_process(monkeypatch):
    registered = []
    monkeypatch.setattr(gctuning.atexit, "register", registered.append)
    monkeypatch.setattr(gctuning, "_AT_EXIT", [])
    for threshold in (0, 20_000, 20_000):  # a build with the collector left alone, then two builds
        gctuning.exit_quickly(_app(threshold))
    assert registered == [gctuning.freeze_at_exit]
