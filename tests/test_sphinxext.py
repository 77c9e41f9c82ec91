"""The Sphinx extension, on small books built from the tiny and payload fixtures."""

from __future__ import annotations

import json
import re
import shutil

import pytest

import socioaffective
from bookbuild import FIXTURES, Html, make_fixture_book, sphinx_build
from socioaffective.render import pages

pytestmark = pytest.mark.book

PAYLOADS = [
    '<script>alert("xss-script")</script>',
    "<img src=x onerror=alert('xss-img')>",
    "</script><script>alert('xss-json')</script><!--",
    "\" onmouseover=\"alert('xss-attr')\" data-x='",
]


def plain(text: str) -> str:
    """Undo the typography Sphinx applies to text (smart quotes, dashes) and squeeze spaces."""
    for a, b in (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'"), ("–", "--"), ("—", "---")):
        text = text.replace(a, b)
    return re.sub(r"\s+", " ", text)


def entry_html(build, e) -> str:
    return f"chapters/entries/{e.kind}/{e.id}.html"


# ---------------------------------------------------------------------------
# the tiny book


def test_tiny_book_builds_without_a_warning(tiny_book):
    assert tiny_book.returncode == 0, tiny_book.output[-3000:]
    assert tiny_book.warnings == []


def test_every_entry_gets_a_page_with_its_label(tiny_book, tiny_kb):
    for e in tiny_kb.entries():
        page = tiny_book.parsed(entry_html(tiny_book, e))
        assert any(a.get("id") == f"entry-{e.id}" for _, a in page.tags)
        h1 = tiny_book.page(entry_html(tiny_book, e)).split(f'<span id="entry-{e.id}"></span><h1>', 1)[1].split("<a class", 1)[0]
        assert h1 == e.title
        stub = tiny_book.srcdir / "chapters" / "entries" / e.kind / f"{e.id}.md"
        assert stub.read_text().startswith(pages.GENERATED_MARKER)


def test_backlinks_link_back_to_every_source(tiny_book, tiny_kb):
    for r in tiny_kb.relations():
        if r.target in tiny_kb.references:
            continue
        target, source = tiny_kb.get(r.target), tiny_kb.get(r.source)
        html = tiny_book.page(entry_html(tiny_book, target))
        section = html.split('id="backlinks"', 1)[1].split("<section", 1)[0]
        assert f"../{source.kind}/{source.id}.html#entry-{source.id}" in section or (
            target.kind == source.kind and f"{source.id}.html#entry-{source.id}" in section
        ), (r.source, r.name, r.target)


def test_citations_resolve_with_their_locators(tiny_book):
    html = tiny_book.page("chapters/entries/need/competence.html")
    sources = Html(html.split('id="sources"', 1)[1].split("</section>", 1)[0])
    assert "Ryan and Deci [2000, p. 68]" in plain(sources.text)
    assert any(a.get("href", "").startswith("../../../bibliography.html#") for t, a in sources.tags if t == "a")
    assert "p. 68" in plain(Html(html).text.split("Source:", 1)[1][:60])


def test_kind_pages_list_their_entries(tiny_book, tiny_kb):
    for kind in tiny_kb.schema.kinds:
        page = tiny_book.parsed(f"kind-{kind}.html")
        hrefs = [
            a["href"] for t, a in page.tags if t == "a" and a.get("class", "").startswith("reference internal") and "chapters/entries" in a.get("href", "")
        ]
        assert [h.split("#")[0] for h in hrefs[: len(tiny_kb.entries(kind))]] == [f"chapters/entries/{kind}/{e.id}.html" for e in tiny_kb.entries(kind)]


def test_count_role_grades_and_kinds_on_the_index(tiny_book, tiny_kb):
    text = plain(tiny_book.parsed("index.html").text)
    assert f"{len(tiny_kb.entries())} entries." in text
    for g in tiny_kb.schema.grades.values():
        assert f"{g.badge} · {g.label}" in text
    for k in tiny_kb.schema.kinds.values():
        assert k.label in text


def test_glossary_is_made_of_term_targets(tiny_book, tiny_kb):
    page = tiny_book.parsed("glossary.html")
    terms = [a["id"] for t, a in page.tags if t == "dt" and a.get("id", "").startswith("term-")]
    assert terms == ["term-Alignment", "term-Ecosystem"]
    links = [a["href"] for t, a in page.tags if t == "a" and "chapters/entries/concept/" in a.get("href", "")]
    assert links == ["chapters/entries/concept/alignment.html#entry-alignment", "chapters/entries/concept/ecosystem.html#entry-ecosystem"]


def test_matrices_link_to_entry_pages(tiny_book):
    page = tiny_book.parsed("matrices.html")
    assert sum(1 for t, a in page.tags if t == "table" and "sa-matrix" in a.get("class", "")) == 3
    assert ("a", {"href": "chapters/entries/need/competence.html"}) in page.tags


def test_graph_pages_and_the_shared_vis_library(tiny_book, tiny_kb):
    static = tiny_book.html / "_static" / "socioaffective"
    assert (static / "vis" / "vis-network.min.js").stat().st_size > 400_000
    graphs = sorted(p.name for p in (static / "graphs").iterdir())
    assert graphs == sorted([f"entry-{e.id}.html" for e in tiny_kb.entries()] + ["explorer.html"])
    for name in graphs:
        text = (static / "graphs" / name).read_text()
        assert len(text) < 60_000  # data only: the library is shared, never in-lined
        data = json.loads(Html(text).scripts[1][1])  # the text block: names, tooltips, URLs
        for id, n in data["nodes"].items():
            target = (static / "graphs" / n["url"]).resolve()
            assert target.is_file() and target.name == f"{id}.html"
    entry = tiny_book.parsed("chapters/entries/dilemma/future-self.html")
    frames = [a for t, a in entry.tags if t == "iframe"]
    assert frames == [
        {
            "class": "sa-graph-frame",
            "src": "../../../_static/socioaffective/graphs/entry-future-self.html",
            "title": "Graph: the neighbourhood of Present versus future self",
            "style": "height:460px",
            "loading": "lazy",
            "allowfullscreen": "",
        }
    ]
    # the accessible alternative: the same entries, linked, under the graph
    table = tiny_book.page("chapters/entries/dilemma/future-self.html").split('class="sa-graph-alt"', 1)[1].split("</details>", 1)[0]
    data = json.loads(Html((static / "graphs" / "entry-future-self.html").read_text()).scripts[1][1])
    for n in data["nodes"].values():
        assert n["name"] in table


def test_no_remote_scripts_or_styles(tiny_book):
    for f in tiny_book.html.rglob("*.html"):
        for tag, a in Html(f.read_text()).tags:
            url = a.get("src") if tag in ("script", "iframe", "img") else a.get("href") if tag == "link" else ""
            assert not re.match(r"^(https?:)?//", url or ""), (f, tag, a)


# ---------------------------------------------------------------------------
# the payload book: nothing from the YAML or the bib may become live HTML


def test_payload_book_builds_without_a_warning(payload_book):
    # The bib's `javascript:` url is refused by validate now (bib-bad-url, see the
    # bib-javascript-url corpus case); the payload fixture holds a valid framework.
    assert payload_book.returncode == 0, payload_book.warnings
    assert payload_book.warnings == []


def test_a_javascript_bib_url_is_reported_and_stripped_from_the_book(tmp_path):
    src = make_fixture_book(FIXTURES / "tiny", tmp_path / "src", theme="basic")
    bib = src / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("  year", "  url = {javascript:alert('xss-biburl')},\n  year", 1), encoding="utf-8")
    assert "bib-bad-url" in socioaffective.validate(src).codes()
    b = sphinx_build(src)
    assert b.returncode == 1 and "Traceback" not in b.output
    assert any("[socioaffective.bib-bad-url]" in w for w in b.warnings), b.warnings
    assert any("link to `javascript:alert('xss-biburl')` removed" in w and "[socioaffective.unsafe-link]" in w for w in b.warnings), b.warnings
    assert not any("javascript:alert" in p.read_text(encoding="utf-8") for p in b.pages() if 'href="javascript' in p.read_text(encoding="utf-8"))


def test_no_payload_becomes_html_in_any_page(payload_book):
    files = sorted(payload_book.html.rglob("*.html"))
    assert len(files) > 30
    for f in files:
        assert Html(f.read_text()).problems() == [], f


def test_payloads_are_shown_as_text(payload_book):
    kb = socioaffective.load(FIXTURES / "payload")
    for e in kb.entries():
        page = Html(payload_book.page(entry_html(payload_book, e)))
        text = plain(page.text)
        assert plain(e.title) in text
        assert plain(e.summary) in text
        for p in PAYLOADS:
            assert plain(p) in text, (e.id, p)
    bib = plain(payload_book.parsed("bibliography.html").text)
    assert '<script>alert("xss-bib")</script>' in bib and "<img src=x onerror=alert('xss-bibimg')>" in bib


def test_payloads_travel_as_data_in_graph_pages(payload_book):
    kb = socioaffective.load(FIXTURES / "payload")
    folder = payload_book.html / "_static" / "socioaffective" / "graphs"
    for f in folder.iterdir():
        raw = f.read_text()
        n = 4 if "sa-mode-explorer" in raw else 3  # (vis: the explorer's page; small graphs load it in view), data, text, graph.js
        assert raw.count("<script") == n and raw.count("</script>") == n
        data = json.loads(Html(raw).scripts[1][1])
        for id, n in data["nodes"].items():
            e = kb.get(id)
            assert n["name"] == " ".join(e.title.split()) and e.summary in n["title"]  # the label: whitespace folded


def test_unsafe_colours_never_reach_the_css(payload_book):
    css = (payload_book.html / "_static" / "socioaffective" / "schema.css").read_text()
    assert "display:none" not in css


# ---------------------------------------------------------------------------
# hostile link values: refused by validation, and inert in a book built anyway

HOSTILE_LINKS = {  # entry -> field -> value
    "the-paper": {
        "doi": "10.1234/x)![pixel](http://host.example/pixel.png)",
        "arxiv": "2502.02528)![inside](../../../inside.png",
        "url": "https://example.org/x)![outside](../../../../outside.png)",
    },
    "second-paper": {"doi": "10.1234/y)![outside](../../../../outside.png)"},
}
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def test_hostile_doi_arxiv_and_url_become_no_image_and_no_link(tmp_path):
    """Issue 10: a doi such as ``10.1234/x)![t](http://host/pixel.png)`` closed its
    link, so the page loaded an external image, and a relative image path made
    Sphinx copy a file from outside the book into ``_images/``. Now each value
    is a `bad-value` with its line, and the page built anyway shows it as text."""
    src = make_fixture_book(FIXTURES / "tiny", tmp_path / "src", theme="basic")
    (tmp_path / "outside.png").write_bytes(PNG)  # outside the book
    (src / "inside.png").write_bytes(PNG)  # inside, but not the page's to show
    path = src / "framework" / "tiny.yaml"
    first = "".join(f"    {k}: '{v}'\n" for k, v in HOSTILE_LINKS["the-paper"].items())
    text = path.read_text().replace("    study_type: Conceptual analysis\n", "    study_type: Conceptual analysis\n" + first, 1)
    text += (
        "  - id: second-paper\n    kind: paper\n    title: Another paper\n    summary: A second paper.\n"
        "    description: Here to carry a second doi.\n    provenance: { source: kirk2025why, grade: abstract }\n"
        "    bib_key: kirk2025why\n    authors: [Kirk]\n    venue: A journal\n    year: 2025\n    study_type: Conceptual analysis\n"
        f"    doi: '{HOSTILE_LINKS['second-paper']['doi']}'\n"
    )
    path.write_text(text)
    lines = []
    for eid, fields in HOSTILE_LINKS.items():
        start = text.splitlines().index(f"  - id: {eid}")
        for k in fields:
            lines.append((eid, next(i for i, x in enumerate(text.splitlines(), 1) if i > start and x.startswith(f"    {k}: "))))

    report = socioaffective.validate(src)
    assert sorted((p.code, p.file, p.line, p.entry) for p in report.problems) == sorted(("bad-value", "framework/tiny.yaml", n, eid) for eid, n in lines)

    b = sphinx_build(src, strict=False)
    assert b.returncode == 0, b.output[-3000:]
    for eid, n in lines:  # each reported at its line, as a warning of the build
        assert any(f"tiny.yaml:{n}:" in w and "[socioaffective.bad-value]" in w for w in b.warnings), (eid, n, b.warnings)
    assert not [w for w in b.warnings if "image" in w.lower()], b.warnings
    images = b.html / "_images"
    assert not images.exists() or not any(images.iterdir()), sorted(images.iterdir())
    for f in b.pages():
        page = Html(f.read_text())
        assert [a for t, a in page.tags if t == "img"] == [], f
        for t, a in page.tags:
            assert not re.search(r"host\.example|outside\.png|inside\.png", a.get("href", "") + a.get("src", "")), (f, t, a)
    for eid, fields in HOSTILE_LINKS.items():
        page = Html(b.page(f"chapters/entries/paper/{eid}.html"))
        for value in fields.values():
            assert value in page.text  # the whole value, as text
        assert not [a for t, a in page.tags if t == "a" and re.search(r"doi\.org|arxiv\.org|example\.org", a.get("href", ""))]  # invalid: not linked


# ---------------------------------------------------------------------------
# problems, missing pages, stubs, incremental builds


@pytest.fixture
def book_copy(tmp_path):
    return make_fixture_book(FIXTURES / "tiny", tmp_path / "src", theme="basic")


def test_framework_problems_fail_the_build_with_file_line_and_code(book_copy):
    path = book_copy / "framework" / "tiny.yaml"
    text = path.read_text().replace("frustrates: [competence]", "frustrates: [competense]")
    path.write_text(text)
    line = next(i for i, x in enumerate(text.splitlines(), 1) if "competense" in x)
    b = sphinx_build(book_copy)
    assert b.returncode != 0
    hits = [w for w in b.warnings if "[socioaffective.dangling-target]" in w]
    assert len(hits) == 1 and f"tiny.yaml:{line}:" in hits[0] and "competense" in hits[0] and "competence" in hits[0]


def test_a_kind_without_a_chapter_is_reported(tmp_path):
    src = make_fixture_book(
        FIXTURES / "tiny", tmp_path / "src", kinds=[k for k in socioaffective.load(FIXTURES / "tiny").schema.kinds if k != "risk"], theme="basic"
    )
    b = sphinx_build(src)
    missing = [w for w in b.warnings if "[socioaffective.missing-page]" in w]
    assert len(missing) == 1 and "glob: chapters/entries/risk/*" in missing[0]


def test_stubs_are_rewritten_only_when_changed_and_stale_ones_removed(book_copy):
    b = sphinx_build(book_copy)
    assert b.returncode == 0, b.output[-2000:]
    entries = book_copy / "chapters" / "entries"
    stub = entries / "need" / "competence.md"
    mtime = stub.stat().st_mtime_ns
    stale = entries / "need" / "gone.md"
    stale.write_text(pages.GENERATED_MARKER + "\n(entry-gone)=\n# Gone\n")
    mine = entries / "need" / "notes.md"
    mine.write_text("# my own notes, not generated\n")
    empty = entries / "oldkind"
    empty.mkdir()
    (empty / "x.md").write_text(pages.GENERATED_MARKER + "\n")
    b = sphinx_build(book_copy, fresh=False)
    assert stub.stat().st_mtime_ns == mtime
    assert not stale.exists() and not empty.exists()
    assert mine.exists()


def reread(build) -> set[str]:
    return set(re.findall(r"reading sources\.\.\. \[\s*\d+%\] (\S+)", re.sub(r"\x1b\[[0-9;]*m", "", build.output)))


def test_incremental_build_rereads_only_pages_that_show_the_change(book_copy):
    b1 = sphinx_build(book_copy)
    assert b1.returncode == 0
    layouts = {p: p.stat().st_mtime_ns for p in (book_copy / "_build" / "doctrees" / "socioaffective").glob("layout-*.json")}
    assert layouts
    path = book_copy / "framework" / "tiny.yaml"
    path.write_text(path.read_text().replace("summary: A thread about a study that does not exist.", "summary: A changed summary."))
    b2 = sphinx_build(book_copy, fresh=False)
    assert b2.returncode == 0, b2.output[-2000:]
    again = reread(b2)
    assert "chapters/entries/discussion/cohort-bias" in again and "kind-discussion" in again
    assert "chapters/entries/paper/the-paper" in again  # its graph's tooltip shows the summary
    for untouched in ("bibliography", "schema", "matrices", "glossary", "chapters/entries/need/competence", "chapters/entries/risk/flattery"):
        assert untouched not in again, untouched
    assert "A changed summary." in (book_copy / "_build" / "html" / "chapters" / "entries" / "discussion" / "cohort-bias.html").read_text()
    assert {p: p.stat().st_mtime_ns for p in layouts} == layouts  # same graphs: layouts come from the cache


def test_a_schema_change_rereads_every_page_that_shows_the_framework(book_copy):
    assert sphinx_build(book_copy).returncode == 0
    schema = book_copy / "framework" / "schema.yaml"
    schema.write_text(schema.read_text().replace("label: Paper (abstract)", "label: The paper's abstract"))
    b = sphinx_build(book_copy, fresh=False)
    assert b.returncode == 0, b.output[-2000:]
    assert "chapters/entries/need/competence" in reread(b) and "index" in reread(b)
    assert "A · The paper's abstract" in Html((b.html / "chapters" / "entries" / "dilemma" / "future-self.html").read_text()).text.replace("’", "'")


def test_new_entry_gets_its_page_without_touching_the_toc(book_copy):
    toc = (book_copy / "_toc.yml").read_text()
    with open(book_copy / "framework" / "tiny.yaml", "a") as f:
        f.write(
            "  - id: deskilling\n    kind: risk\n    title: Deskilling\n    summary: Losing skills.\n"
            "    description: A new risk.\n    provenance: { source: editorial, grade: editorial }\n    frustrates: [competence]\n"
        )
    b = sphinx_build(book_copy)
    assert b.returncode == 0, b.output[-2000:]
    assert (book_copy / "_toc.yml").read_text() == toc
    assert "Deskilling" in (b.html / "chapters" / "entries" / "risk" / "deskilling.html").read_text()
    assert "risk/deskilling.html#entry-deskilling" in (b.html / "chapters" / "entries" / "need" / "competence.html").read_text()


def test_ids_that_cannot_be_file_names_get_no_page_and_break_nothing(tmp_path):
    """A schema may allow any id; an id that is no safe file name gets no stub, and
    every renderer still treats it as text."""
    from socioaffective.render import network
    from socioaffective.sphinxext import PAGE_NAME, State, entry_docname, write_stubs

    for bad in ["a/b", "../x", "x<y", ".hidden", "a b", ""]:
        assert not PAGE_NAME.fullmatch(bad)
    root = tmp_path / "fw"
    shutil.copytree(FIXTURES / "tiny", root)
    schema = root / "framework" / "schema.yaml"
    schema.write_text(schema.read_text().replace('id_pattern: "^[a-z][a-z0-9]*(-[a-z0-9]+)*$"', 'id_pattern: "^\\\\S+$"'))
    weird = "../evil-<img/src=x/onerror=alert(1)>"
    with open(root / "framework" / "tiny.yaml", "a") as f:
        f.write(
            f'  - id: "{weird}"\n    kind: concept\n    title: Weird\n    summary: s.\n    description: d.\n'
            "    provenance: { source: editorial, grade: editorial }\n    related_to: [alignment]\n"
        )
    kb = socioaffective.load(root)
    assert weird in kb
    st = State(kb=kb, root=root, entries_dir="chapters/entries")
    assert entry_docname(st, kb.get(weird)) is None
    folder = tmp_path / "book" / "chapters" / "entries"
    write_stubs(st, folder)
    written = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.md"))
    assert written == sorted(f"{e.kind}/{e.id}.md" for e in kb.entries() if e.id != weird)
    assert not (tmp_path / "book" / "chapters" / "evil-<img").exists()
    page = pages.entry_page(kb, kb.get("alignment"))
    assert "\\.\\./evil\\-\\<img\\/src\\=x\\/onerror\\=alert\\(1\\)\\>" not in page  # shown by title, as text
    assert "Weird" in page and "{ref}`entry-../evil" not in page
    data = network.graph_data(kb, [e.id for e in kb.entries()], {}, url_for=lambda i: None)
    assert weird in {n["id"] for n in data["nodes"]}
    assert "<img" not in network.script_json(data)


def test_entries_dir_must_stay_inside_the_book(book_copy):
    conf = book_copy / "conf.py"
    conf.write_text(conf.read_text() + '\nsocioaffective_entries_dir = "../outside"\n')
    b = sphinx_build(book_copy)
    assert b.returncode != 0 and "socioaffective_entries_dir must be a folder inside the book" in b.output
    assert not (book_copy.parent / "outside").exists()


def test_a_bib_the_books_reader_refuses_fails_cleanly_with_lines(book_copy):
    """Issue 10: a brace escape crashed the build with a pybtex traceback, and
    keys differing in case dropped every later work; now validate's lines are
    the build's warnings, and the later works are still cited."""
    bib = book_copy / "references.bib"
    bad = (
        "@misc{Doe2020case,\n  author = {Doe, Jane},\n  title = {One},\n  year = {2020}\n}\n\n"
        "@misc{doe2020case,\n  author = {Doe, John},\n  title = {Two},\n  year = {2020}\n}\n\n"
        "@misc{doe2020braces,\n  author = {Doe, Jane},\n  title = {Sets \\} and braces},\n  year = {2020}\n}\n\n"
    )
    bib.write_text(bad + bib.read_text(encoding="utf-8"), encoding="utf-8")
    b = sphinx_build(book_copy)
    assert "Traceback" not in b.output and "Exception occurred" not in b.output, b.output[-3000:]
    assert b.returncode != 0  # -W: the problems are warnings
    assert any("references.bib:7:" in w and "[socioaffective.bib-duplicate-key]" in w for w in b.warnings), b.warnings
    assert any("references.bib:15:" in w and "[socioaffective.bib-syntax]" in w for w in b.warnings), b.warnings
    kirk = socioaffective.load(FIXTURES / "tiny").get("kirk2025why")
    assert "socioaffective alignment" in b.page("bibliography.html"), "a later work was dropped"
    assert kirk.title


@pytest.mark.parametrize("tampered", ['{"a": [1, 2]}', "[1, 2, 3]", '{"x": "y"}', "null", "{not json", '{"%s": [NaN, 1]}'])
def test_a_tampered_layout_cache_is_recomputed(tmp_path, tiny_kb, tampered):
    """Issue 10: a layout cache file of the wrong shape raised TypeError mid-build."""
    from types import SimpleNamespace

    from socioaffective.book.graphs import cached_layout
    from socioaffective.book.state import State
    from socioaffective.render.network import layout, layout_key

    ids = [e.id for e in tiny_kb.entries()]
    app = SimpleNamespace(doctreedir=str(tmp_path), _socioaffective=State(kb=tiny_kb, root=tmp_path, entries_dir="chapters/entries"))
    cache = tmp_path / "socioaffective" / f"layout-{layout_key(tiny_kb, ids)}-60-1.8.json"
    cache.parent.mkdir(parents=True)
    cache.write_text(tampered.replace("%s", ids[0]))
    assert cached_layout(app, ids) == layout(tiny_kb, ids, unit=60, aspect=1.8)


def test_entry_pages_cite_and_link_to_the_repository_only_when_one_is_configured(tiny_book, tiny_kb, tmp_path):
    e = tiny_kb.get("competence")
    rel = f"chapters/entries/need/{e.id}.html"
    # without a repository (the tiny book's configuration): the citation, no correction or source links
    page = tiny_book.parsed(rel)
    assert "Cite this entry" in page.text and f"@misc{{socioaffective-{e.id}," in page.text
    assert f"version {socioaffective.__version__}" in page.text
    assert not [a for t, a in page.tags if t == "a" and ("issues/new" in a.get("href", "") or "/blob/" in a.get("href", ""))]
    assert "Suggest a correction" not in page.text and "View source" not in page.text
    # with one (what Jupyter Book makes of `repository: url/branch/path_to_book`) and a base URL
    src = make_fixture_book(FIXTURES / "tiny", tmp_path / "src")
    conf = src / "conf.py"
    conf.write_text(
        conf.read_text().replace(
            "html_theme_options = {",
            'html_baseurl = "https://example.org/book/"\nhtml_theme_options = {"repository_url": "https://github.com/example/socioaffective", "repository_branch": "dev", "path_to_docs": "docs", ',
            1,
        )
    )
    b = sphinx_build(src)
    assert b.returncode == 0, b.output[-2000:]
    page = b.parsed(rel)
    hrefs = {a.get("class", ""): a["href"] for t, a in page.tags if t == "a" and a.get("class", "").startswith("sa-")}
    assert hrefs["sa-source-link"] == f"https://github.com/example/socioaffective/blob/dev/docs/{e.file}#L{e.line}"
    assert hrefs["sa-correct-link"].startswith("https://github.com/example/socioaffective/issues/new?template=correction.yml&")
    assert f"entry={e.id}" in hrefs["sa-correct-link"]
    assert f"https://example.org/book/{rel}" in page.text  # the stable address, in the reference and the BibTeX
