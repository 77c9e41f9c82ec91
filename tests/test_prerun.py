"""Notebooks run in a forked process while Sphinx reads the other pages (book/prerun.py, issue 15).

A fixture book with two notebooks, built with sphinx-build: the one that runs is
found in MyST-NB's cache when its page is read (the background run put it
there) and its page is the same bytes as when MyST-NB runs it itself; the one
that fails is run again by MyST-NB, which reports the failure as before; the
kernel's clean shutdown (its ``atexit`` hooks) comes after the page can be read.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from bookbuild import CONF, make_fixture_book, sphinx_build

pytestmark = [pytest.mark.book, pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the background run forks on Linux only")]

#: the MyST notebook front matter of every fixture notebook
FRONT = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  name: python3
  display_name: Python 3
---
"""

NOTEBOOK = (
    FRONT.replace("{", "{{").replace("}", "}}")
    + """
# {title}

```{{code-cell}} python3
import socioaffective

print(len(socioaffective.load()), "entries,", "then", {value})
```
"""
)


LATER = (
    FRONT
    + """
# Later

```{code-cell} python3
import atexit
import pathlib


def _at_exit():  # in the kernel's clean shutdown: was the page's marker already there?
    marker = pathlib.Path("_build/doctrees/socioaffective/prerun/later.done")
    pathlib.Path("kernel-exit.txt").write_text(f"marker {marker.exists()}", encoding="utf-8")


atexit.register(_at_exit)
print("registered")
```
"""
)


def _book(dest: Path, tiny_root: Path, background: bool) -> Path:
    src = make_fixture_book(tiny_root, dest)
    conf = CONF.replace('"myst_parser"', '"myst_nb"') + '\nnb_execution_mode = "cache"\nnb_merge_streams = True\n'
    conf += f"socioaffective_background_notebooks = {background}\n"
    (src / "conf.py").write_text(conf, encoding="utf-8")
    (src / "good.md").write_text(NOTEBOOK.format(title="Good", value="6 * 7"), encoding="utf-8")
    (src / "bad.md").write_text(NOTEBOOK.format(title="Bad", value="1 / 0"), encoding="utf-8")
    (src / "later.md").write_text(LATER, encoding="utf-8")
    with open(src / "_toc.yml", "a", encoding="utf-8") as f:
        f.write("  - file: good\n  - file: bad\n  - file: later\n")
    return src


def _log(build, page: str) -> list[str]:
    return [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in build.output.splitlines() if f"{page}.md:" in line]


@pytest.fixture(scope="module")
def builds(tmp_path_factory, tiny_root):
    base = tmp_path_factory.mktemp("prerun")
    return {flag: sphinx_build(_book(base / str(flag), tiny_root, flag), strict=False) for flag in (True, False)}


def test_a_notebook_run_in_the_background_is_found_in_the_cache(builds):
    build = builds[True]
    assert build.returncode == 0, build.output[-3000:]
    lines = _log(build, "good")
    assert any("Using cached notebook" in line for line in lines), lines
    assert not any("Executing notebook" in line for line in lines), lines  # no second kernel for it
    assert "entries, then 42" in build.page("good.html")


def test_its_page_is_the_page_myst_nb_makes_when_it_runs_the_notebook_itself(builds):
    inline = builds[False]
    assert any("Executing notebook" in line for line in _log(inline, "good")), inline.output[-3000:]
    assert builds[True].page("good.html") == inline.page("good.html")


def test_a_notebook_that_fails_in_the_background_fails_in_the_build_as_before(builds):
    for build in builds.values():
        lines = _log(build, "bad")
        assert any("Executing notebook failed: CellExecutionError" in line and "WARNING" in line for line in lines), lines
        assert any("Executing notebook using" in line for line in lines), lines  # MyST-NB ran it itself
        assert "ZeroDivisionError" in (build.html / "reports" / "bad.err.log").read_text(encoding="utf-8")


def test_the_kernel_shuts_down_cleanly_after_the_page_can_be_read(builds):
    # nbclient's clean shutdown (about 0.3 s of polling for the kernel's exit) is put off
    # until the child has written the page's marker; the kernel's atexit hooks still run
    background, inline = builds[True], builds[False]
    assert "registered" in background.page("later.html")
    assert background.page("later.html") == inline.page("later.html")
    assert (background.srcdir / "kernel-exit.txt").read_text(encoding="utf-8") == "marker True"
    assert (inline.srcdir / "kernel-exit.txt").read_text(encoding="utf-8") == "marker False"  # MyST-NB ran it: no marker


def test_a_rebuild_runs_the_notebooks_whose_inputs_changed_before_it_reads(builds):
    # an edit of the framework: the notebook's inputs changed, so it runs again; the run
    # starts at builder-inited (start_early), from the last build's keys
    build = builds[True]
    fw = sorted((build.srcdir / "framework").glob("*.yaml"))[-1]
    fw.write_text(fw.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    again = sphinx_build(build.srcdir, strict=False, fresh=False, extra=["-v"])
    assert again.returncode == 0, again.output[-3000:]
    assert re.search(r"notebook\(s\) run in the background from builder-inited: .*\bgood\b", again.output), again.output[-3000:]
    lines = _log(again, "good")
    assert any("Using cached notebook" in line for line in lines), lines  # a new cache folder: filled by the child
    assert not any("Executing notebook" in line for line in lines), lines
    assert "entries, then 42" in again.page("good.html")
