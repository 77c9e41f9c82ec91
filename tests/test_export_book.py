"""The book after `add`: the new entry's page and backlinks, and the exports as downloads."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import networkx as nx
import pytest
import rdflib
import yaml

import socioaffective
from bookbuild import make_fixture_book, sphinx_build
from socioaffective.export import FORMATS

pytestmark = [pytest.mark.book, pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")]

DOWNLOADS = (Path(__file__).resolve().parent.parent / "chapters" / "downloads.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory, tiny_root):
    src = make_fixture_book(tiny_root, tmp_path_factory.mktemp("book") / "src")
    socioaffective.add_entry(
        src,
        "need",
        "safety",
        "Safety",
        summary="Feeling safe with others.",
        description="The need to feel secure <script>alert(1)</script>.",
        relations={"related_to": ["competence"]},
        cites=[("ryan2000self", "p. 70")],
    )
    (src / "downloads.md").write_text(DOWNLOADS, encoding="utf-8")
    with open(src / "_toc.yml", "a", encoding="utf-8") as f:
        f.write("  - file: downloads\n")
    build = sphinx_build(src)
    assert build.returncode == 0 and not build.warnings, build.output[-4000:]
    return build


def test_the_added_entry_has_its_page_and_its_backlinks(built):
    page = built.page("chapters/entries/need/safety.html")
    assert "Safety" in page and "Feeling safe with others." in page
    assert "<script>alert(1)</script>" not in page
    competence = built.page("chapters/entries/need/competence.html")
    assert re.search(r'href="safety\.html[^"]*"', competence), "competence does not link back to safety"


def test_every_export_is_a_download_that_parses(built):
    folder = built.html / "_static" / "socioaffective" / "exports"
    files = {name: folder / spec.filename for name, spec in FORMATS.items()}
    assert all(p.is_file() for p in files.values()), sorted(p.name for p in folder.iterdir())
    data = json.loads(files["json"].read_text())
    g = nx.node_link_graph(data, edges="links")
    assert "safety" in g and g.has_edge("safety", "competence")
    assert "safety" in nx.read_graphml(files["graphml"])
    with zipfile.ZipFile(files["csv"]) as z:
        assert "safety" in z.read("entries.csv").decode()
    for name, parser in (("turtle", "turtle"), ("jsonld", "json-ld")):
        rg = rdflib.Graph().parse(files[name], format=parser)
        assert (rdflib.URIRef("urn:socioaffective:entry:safety"), rdflib.namespace.SKOS.prefLabel, rdflib.Literal("Safety", lang="en")) in rg
    header, prompts = yaml.safe_load_all(files["weval"].read_text())
    assert header["title"] and prompts == []  # the fixture framework has no scenarios
    with zipfile.ZipFile(files["inspect"]) as z:
        assert sorted(z.namelist()) == ["scenarios.jsonl", "socioaffective_task.py"]


def test_the_downloads_page_links_each_file(built):
    page = built.page("downloads.html")
    hrefs = re.findall(r'href="([^"]*_static/socioaffective/exports/[^"]+)"', page)
    assert sorted(Path(h).name for h in hrefs) == sorted(spec.filename for spec in FORMATS.values())
    for h in hrefs:
        assert (built.html / h).resolve().is_file(), h


def test_the_exports_written_in_the_background_are_the_in_process_ones(built):
    # the book renders the exports in a forked process while Sphinx reads and writes
    # (export/book.py, ExportJob); what it serves must be what render_all gives here
    from socioaffective.export.book import render_all

    folder = built.html / "_static" / "socioaffective" / "exports"
    expected = render_all(socioaffective.load(built.srcdir))
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == expected
    assert not (built.html.parent / "doctrees" / "socioaffective" / "exports-staging").exists()


def _job(tmp_path, kb):
    from socioaffective.export.book import ExportJob

    return ExportJob(kb, tmp_path / "staging", "stamp-1")


#: run in a fresh interpreter: the test process has other threads (the browser's, servers'),
#: and an ExportJob rightly refuses to fork beside them
_JOB_SCRIPT = """
import json, os, sys
from pathlib import Path
import socioaffective
from socioaffective.export import book
kb = socioaffective.load(sys.argv[1])
staging = Path(sys.argv[2])
expected = book.render_all(kb)
out = {}
job = book.ExportJob(kb, staging, "stamp-1")
out["started"] = job.start()
os.waitpid(job.pid, 0)  # another part of the build waited for every child
out["same"] = job.result() == expected
out["staging_left"] = staging.exists()
def broken(kb):
    raise RuntimeError("the graphml writer broke")
book.render_all = broken  # the child inherits it
job = book.ExportJob(kb, staging, "stamp-2")
out["started_broken"] = job.start()
out["broken_result"] = job.result()
out["error"] = job.error
print(json.dumps(out))
"""


@pytest.mark.skipif(not __import__("sys").platform.startswith("linux"), reason="the background job forks on Linux only")
def test_an_export_job_gives_its_files_even_reaped_by_another_and_nothing_but_its_error_when_it_fails(tmp_path, tiny_root):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", _JOB_SCRIPT, str(tiny_root), str(tmp_path / "staging")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["started"] and out["same"] and not out["staging_left"]
    assert out["started_broken"] and out["broken_result"] is None
    assert "RuntimeError: the graphml writer broke" in out["error"]


def test_no_export_job_where_a_fork_is_unsafe(tmp_path, tiny_kb, monkeypatch):
    import threading

    monkeypatch.setattr(threading, "active_count", lambda: 2)  # another thread could hold a lock
    job = _job(tmp_path, tiny_kb)
    assert not job.start() and job.pid is None and job.result() is None


def test_a_book_built_without_the_background_job_serves_the_same_files(built, tmp_path):
    import shutil

    src = tmp_path / "src"
    shutil.copytree(built.srcdir, src, ignore=shutil.ignore_patterns("_build"))
    with open(src / "conf.py", "a", encoding="utf-8") as f:
        f.write("\nsocioaffective_background_exports = False\n")
    again = sphinx_build(src)
    assert again.returncode == 0 and not again.warnings, again.output[-4000:]
    folder = Path("_static") / "socioaffective" / "exports"
    assert {p.name: p.read_bytes() for p in (again.html / folder).iterdir()} == {p.name: p.read_bytes() for p in (built.html / folder).iterdir()}


def test_the_review_data_is_the_json_export_the_build_wrote(built, tmp_path):
    # book/review.py wraps the json export the build wrote (not a second rendering in every
    # build): the same script as from a fresh export of the framework
    from types import SimpleNamespace

    from socioaffective.book import review

    kb = socioaffective.load(built.srcdir)
    data = (built.html / "_static" / "socioaffective" / review.DATA_FILE).read_text(encoding="utf-8")
    assert data == review.review_data_js(kb)
    assert data.startswith(f"window.{review.DATA_GLOBAL} = {{")
    # it reads the export file when there is one, and renders only without it
    app = SimpleNamespace(outdir=str(tmp_path))
    assert review._built_json(app) is None
    exports = tmp_path / "_static" / "socioaffective" / "exports"
    exports.mkdir(parents=True)
    (exports / FORMATS["json"].filename).write_text('{"marker": true}\n', encoding="utf-8")
    assert review.review_data_js(kb, review._built_json(app)) == f'window.{review.DATA_GLOBAL} = {{"marker": true}};\n'


_IMPORT_PROBE = """
import sys as _sys
def setup(app):
    def _probe(app, exc):
        with open({path!r}, "a") as f:
            f.write(" ".join(sorted(m for m in ("networkx", "rdflib", "numpy") if m in _sys.modules)) + "\\n")
    app.connect("build-finished", _probe, priority=999)
"""


def test_a_no_op_build_imports_no_graph_or_rdf_library(tmp_path, tiny_root):
    # a build that finds nothing changed writes no export and no graph: the review data is
    # the export in place, so the build process never imports networkx, rdflib or numpy
    src = make_fixture_book(tiny_root, tmp_path / "src", theme="basic")
    probe = tmp_path / "modules.txt"
    with open(src / "conf.py", "a", encoding="utf-8") as f:
        f.write(_IMPORT_PROBE.format(path=str(probe)))
    first = sphinx_build(src, strict=False)
    assert first.returncode == 0, first.output[-3000:]
    second = sphinx_build(src, strict=False, fresh=False)
    assert second.returncode == 0, second.output[-3000:]
    full, noop = probe.read_text(encoding="utf-8").splitlines()
    assert "networkx" in full  # the first build lays the graphs out
    assert noop == "", f"a no-op build imported {noop}"
