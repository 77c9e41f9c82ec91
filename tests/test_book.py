"""The real book, built once per session exactly as `make book` builds it."""

from __future__ import annotations

import json
import re

import click
import pytest

from bookbuild import Html

pytestmark = pytest.mark.book


def entry_page(book, e) -> str:
    return f"chapters/entries/{e.kind}/{e.id}.html"


def test_the_book_builds_with_zero_warnings(real_book):
    assert real_book.returncode == 0, real_book.output[-5000:]
    assert real_book.warnings == []
    assert (real_book.html / "index.html").is_file()


def test_every_entry_has_its_page(real_book, real_kb):
    for e in real_kb.entries():
        html = real_book.page(entry_page(real_book, e))
        h1 = html.split(f'<span id="entry-{e.id}"></span><h1>', 1)[1].split("<a class", 1)[0]
        assert Html(h1).text == e.title.replace("'", "\u2019")  # Sphinx's smartquotes typeset apostrophes
        assert 'socioaffective</span><span class="o">.</span><span class="n">load</span>' in html  # the Python line
        assert f"&quot;{e.id}&quot;" in html or f'"{e.id}"' in html


def test_badges_show_kind_and_grade(real_book, real_kb):
    for e in real_kb.entries():
        page = real_book.parsed(entry_page(real_book, e))
        classes = [a.get("class", "") for _, a in page.tags]
        assert any(f"sa-kind-{e.kind}" in c for c in classes)
        grade = real_kb.schema.grades[e.provenance.grade]
        full = [c for c in classes if f"sa-grade-{grade.name}" in c and "sa-grade-full" in c]
        assert full and all(("sa-claim" if grade.paper_claim else "sa-noclaim") in c for c in full)


def test_backlinks_are_present(real_book, real_kb):
    for r in real_kb.relations():
        if r.target in real_kb.references:
            continue
        source, target = real_kb.get(r.source), real_kb.get(r.target)
        html = real_book.page(entry_page(real_book, target))
        # a crosswalk link is shown from our entry's side, under "Also filed as";
        # relations with a `section` in schema.yaml (e.g. evidence) are listed under that heading
        crosswalk = r.name.endswith("_match") and source.kind in ("external", "taxonomy") and target.kind != "external"
        heading = real_kb.schema.relations[r.name].section
        sid = "also-filed-as" if crosswalk else "-".join(heading.lower().split()) if heading else "backlinks"
        section = html.split(f'<section id="{sid}">', 1)[1].split("<section", 1)[0]
        href = f"{source.id}.html#entry-{source.id}" if source.kind == target.kind else f"../{source.kind}/{source.id}.html#entry-{source.id}"
        assert href in section, (r.source, r.name, r.target)


def test_citations_resolve(real_book, real_kb):
    bib = real_book.parsed("chapters/bibliography.html")
    ids = {a["id"] for _, a in bib.tags if a.get("id")}
    for e in real_kb.entries():
        cites = [r for r in real_kb.relations(e.id, "cites")]
        if not cites:
            continue
        page = real_book.parsed(entry_page(real_book, e))
        links = [a["href"] for t, a in page.tags if t == "a" and "bibliography.html#" in a.get("href", "")]
        assert len(links) >= len({r.target for r in cites}), e.id
        assert all(link.split("#", 1)[1] in ids for link in links)
        text = page.text
        for r in cites:
            if r.locator:
                assert r.locator.replace("--", "–") in text.replace("--", "–"), (e.id, r.locator)
        assert "??" not in text


def test_no_remote_scripts_styles_or_frames(real_book):
    files = sorted(real_book.html.rglob("*.html"))
    assert len(files) > 80
    for f in files:
        for tag, a in Html(f.read_text(encoding="utf-8")).tags:
            url = a.get("src") if tag in ("script", "iframe", "img", "audio", "video", "source", "embed") else a.get("href") if tag == "link" else ""
            assert not re.match(r"^\s*(https?:)?//", url or ""), (f, tag, a)


def test_graphs_share_one_vis_network_copy(real_book, real_kb):
    static = real_book.html / "_static" / "socioaffective"
    assert sorted(p.name for p in (static / "vis").iterdir()) == ["vis-network.css", "vis-network.min.js"]
    graphs = {p.name: p for p in (static / "graphs").iterdir()}
    for e in real_kb.entries():
        assert f"entry-{e.id}.html" in graphs
    assert "explorer.html" in graphs
    graph_js = (static / "graph.js").read_text(encoding="utf-8")
    assert '"vis/vis-network.min.js"' in graph_js  # small graphs load the one copy when their frame is in view
    for p in graphs.values():
        text = p.read_text(encoding="utf-8")
        assert len(text) < 200_000 and 'src="../graph.js"' in text
        # only the explorer, whose graph is the page, loads vis-network at once
        assert ("vis/vis-network.min.js" in text) == (p.name == "explorer.html"), p.name
        data = json.loads(Html(text).scripts[1][1])  # the text block: names, tooltips, URLs
        for n in data["nodes"].values():
            assert (p.parent / n["url"]).resolve().is_file()
    explorer = json.loads(Html(graphs["explorer.html"].read_text()).scripts[0][1])
    assert {n["id"] for n in explorer["nodes"]} == {e.id for e in real_kb.entries()}


def test_every_graph_has_a_table_under_it(real_book):
    for f in real_book.html.rglob("*.html"):
        if "_static" in f.parts:
            continue
        text = f.read_text(encoding="utf-8")
        assert text.count('class="sa-graph-frame"') == text.count('class="sa-graph-alt"'), f
        for m in re.finditer(r'<iframe class="sa-graph-frame" src="[^"]+" title="([^"]+)"', text):
            assert m.group(1).startswith("Graph: ")


def test_matrices_show_the_four_relations(real_book, real_kb):
    page = real_book.page("chapters/matrices.html")
    views = (("principle", "risk", "addresses"), ("principle", "need", "supports"), ("risk", "need", "frustrates"), ("dilemma", "need", "engages"))
    assert page.count('<table class="sa-matrix">') == len(views)
    for row, col, rel in views:
        m = real_kb.matrix(row, col, rel)
        linked = sum(1 for r in m.rows for c in m.cols if m.get(r.id, c.id))
        assert linked > 0
    assert len(re.findall(r'<td class="sa-heat-[0-3]"', page)) == sum(len(real_kb.matrix(*a).rows) * len(real_kb.matrix(*a).cols) for a in views)
    assert page.count('class="sa-matrix-legend"') == len(views)
    assert "Which design principle addresses which risk" in page


def test_landing_page_counts_come_from_the_framework(real_book, real_kb):
    text = real_book.parsed("chapters/index.html").text
    assert f"network of {len(real_kb.entries())} entries" in " ".join(text.split())
    assert f"backed by {len(real_kb.references)} references" in " ".join(text.split())
    for g in real_kb.schema.grades.values():
        assert f"{g.badge} · {g.label}" in text


def test_the_python_notebook_ran_against_the_real_framework(real_book, real_kb):
    page = real_book.page("chapters/python.html")
    assert page.count('class="cell_output') >= 10
    assert f"&lt;KnowledgeBase {len(real_kb)} entries, {len(real_kb.references)} references" in page
    assert "no entry with id `competense`; did you mean `competence`?" in page
    assert "Traceback" not in page
    net = real_kb.to_pyvis("social-reward-hacking", depth=1)  # the pyvis section, drawn from the book's vis-network copy
    assert f"{len(net.nodes)} entries, {len(net.edges)} links" in page and "<iframe srcdoc=" in page
    assert "../_static/socioaffective/vis/vis-network.min.js" in page


def test_cli_reference_lists_every_command(real_book):
    from socioaffective.cli import cli

    text = real_book.parsed("chapters/cli.html").text

    def walk(group, prefix):
        names = group.list_commands(click.Context(group))  # the commands are loaded lazily
        assert names
        for name in names:
            assert f"{prefix} {name}" in text, f"{prefix} {name}"
            cmd = group.get_command(click.Context(group), name)
            if isinstance(cmd, click.Group):
                walk(cmd, f"{prefix} {name}")

    walk(cli, "socioaffective")


def test_glossary_holds_every_entry_of_the_glossary_kinds(real_book, real_kb):
    page = real_book.parsed("chapters/glossary.html")
    terms = {Html(t).text for t in re.findall(r'<dt id="term-[^"]*">(.*?)<a class="headerlink"', real_book.page("chapters/glossary.html"), re.S)}
    kinds = [k.name for k in real_kb.schema.kinds.values() if k.glossary]
    assert {"concept", "need", "dilemma", "risk", "principle"} <= set(kinds)
    expected = [e for k in kinds for e in real_kb.entries(k) if e.fields.get("glossary", True) is not False]
    for e in expected:
        assert e.title in terms, e.id
        assert " ".join(e.summary.split()).replace("'", "’") in " ".join(page.text.split()).replace("'", "’"), e.id
    # the paper's headline terms and the three needs (missing from the concept-only glossary)
    for id in ("social-reward-hacking", "sycophancy", "autonomy", "competence", "relatedness"):
        assert real_kb.get(id).title in terms
    assert page.text.count("Read more") == len(expected)
    links = {a["href"].split("#")[0] for t, a in page.tags if t == "a" and "entries/" in a.get("href", "")}
    assert {f"entries/{e.kind}/{e.id}.html" for e in expected} <= links
    assert sum(1 for t, a in page.tags if t == "span" and "sa-kind" in a.get("class", "")) >= len(expected)


def test_the_toc_lists_only_index_pages_and_entry_globs(project_root):
    import yaml

    toc = yaml.safe_load((project_root / "_toc.yml").read_text())
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    assert all(not f.startswith("chapters/entries/") for f in files)
    globs = [s["glob"] for part in toc["parts"] for c in part["chapters"] for s in c.get("sections", []) if "glob" in s]
    import socioaffective

    kinds = socioaffective.load().schema.kinds
    assert sorted(globs) == sorted(f"chapters/entries/{k}/*" for k in kinds)


def test_numfig_is_off_as_the_book_configures_it(real_book):
    # sphinx_jupyterbook_latex turns numfig on in every build; socioaffective.sphinxext
    # puts the book's `numfig: false` back, so no build loads every page to number figures
    import pickle

    with open(real_book.html.parent / ".doctrees" / "environment.pickle", "rb") as f:
        env = pickle.load(f)
    assert "sphinx_jupyterbook_latex" in env.config.extensions  # the extension that turns it on
    assert env.config.numfig is False
    assert env.toc_fignumbers == {}


def test_a_build_from_nothing_links_the_book_assets_with_their_checksums(real_book):
    # Sphinx adds ?v=<checksum> only for files already in the output when it writes a page;
    # the extension's own style sheets and scripts are written at builder-inited for that
    for rel in ("chapters/index.html", "chapters/evidence.html"):  # a page without and one with the Evidence filters
        links = re.findall(r'(?:href|src)="[^"]*_static/socioaffective/([\w-]+\.(?:css|js))(\?v=[0-9a-f]{8})?"', real_book.page(rel))
        names = {name for name, _ in links}
        assert {"socioaffective.css", "schema.css"} <= names and len(names) >= 3, (rel, names)
        assert [name for name, checksum in links if not checksum] == [], rel
    assert "evidence-filter.js" in names
