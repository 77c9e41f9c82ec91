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
