"""The book's one registry of directives and roles (socioaffective/book/registry.py),
incremental builds driven by it, and parallel builds."""

from __future__ import annotations

import re
import shutil

import pytest

from bookbuild import FIXTURES, Html, make_fixture_book, sphinx_build
from socioaffective.book import registry as reg
from socioaffective.errors import SocioaffectiveError

pytestmark = pytest.mark.book


class _RecordingApp:
    """Stands in for Sphinx's app in ``setup``: records what is registered."""

    def __init__(self):
        self.directives, self.roles = {}, {}

    def add_directive(self, name, cls, override=False):
        self.directives[name] = cls

    def add_role(self, name, role, override=False):
        self.roles[name] = role

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def test_every_directive_and_role_of_the_extension_is_declared_once():
    from socioaffective import sphinxext

    app = _RecordingApp()
    sphinxext.setup(app)
    ours = {n for n in [*app.directives, *app.roles] if n.startswith("socioaffective-")}
    declared = reg.registry()
    assert ours == set(declared)
    for name, decl in declared.items():
        registered = app.roles[name] if decl.role else app.directives[name]
        cls = type(registered) if decl.role else registered
        assert issubclass(cls, decl.cls), name  # the declared class, made to record its signature
        assert decl.depends.label and callable(decl.depends.key) and callable(decl.shows), name
        assert decl.example and (name in decl.example), name  # usable in a book: see directives_page
        if decl.resolve is not None:
            assert decl.key in ("graph", "matrix"), name  # the directives that leave a placeholder


@pytest.mark.parametrize("missing", ["depends", "shows"])
def test_a_declaration_without_its_signature_cannot_be_made(missing):
    from socioaffective.book.directives import ListDirective

    full = {"name": "socioaffective-new", "cls": ListDirective, "depends": reg.WHOLE_KB, "shows": lambda app, args: ""}
    args = {k: v for k, v in full.items() if k != missing}
    with pytest.raises(TypeError, match=missing):
        reg.BookDirective(**args)
    with pytest.raises(TypeError, match=missing):
        reg.BookDirective(**{**full, missing: None})
    with pytest.raises(TypeError):
        reg.BookDirective(**{**full, "name": "new"})  # not in the extension's namespace


def test_an_unknown_placeholder_is_an_error_not_a_graph():
    import socioaffective.book.registry  # noqa: F401  (the registry fills the declarations the placeholder looks up)
    from socioaffective.book.graphs import render_placeholder

    with pytest.raises(SocioaffectiveError, match="no book directive `socioaffective-heatmap` is declared"):
        render_placeholder(None, "index", ("heatmap", "a", "b"))
    with pytest.raises(SocioaffectiveError, match="leaves no placeholder"):
        render_placeholder(None, "index", ("list", "need", True))


def test_every_declared_directive_renders_in_the_tiny_book(tiny_book):
    """tests/bookbuild.directives_page uses each declaration's example once; the book is strict (-W)."""
    assert tiny_book.returncode == 0, tiny_book.output[-3000:]
    html = tiny_book.page("directives.html")
    for name in reg.registry():
        section = html.split(f'id="{name}-example"', 1)[1].split("<section", 1)[0]
        assert "error" not in Html(section).text.lower(), name
    specs = _recorded_specs(tiny_book)
    assert {spec[0] for spec in specs["directives"]} == {d.key for d in reg.registry().values()}


def _recorded_specs(build) -> dict:
    import pickle

    with open(build.html.parent / "doctrees" / "environment.pickle", "rb") as f:
        env = pickle.load(f)
    return env.socioaffective_specs


# ---------------------------------------------------------------------------
# incremental and parallel builds (one source tree, four builds)


def _reread(build) -> set[str]:
    return set(re.findall(r"reading sources\.\.\. \[\s*\d+%\] (\S+)", re.sub(r"\x1b\[[0-9;]*m", "", build.output)))


def _mtimes(html) -> dict:
    return {p.relative_to(html).as_posix(): p.stat().st_mtime_ns for p in html.rglob("*.html")}


def _content(page: str) -> str:
    """The page's article (what the directives rendered), without the theme's chrome."""
    m = re.search(r'<div class="body" role="main">(.*?)<div class="clearer">', page, re.DOTALL) or re.search(r"<article[^>]*>(.*?)</article>", page, re.DOTALL)
    assert m, page[:300]
    return m.group(1)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    src = make_fixture_book(FIXTURES / "tiny", tmp_path_factory.mktemp("registry-book") / "src", theme="basic")
    serial = sphinx_build(src)
    return src, serial


def test_a_parallel_build_gives_the_same_pages(built, tmp_path):
    src, serial = built
    assert serial.returncode == 0, serial.output[-3000:]
    parallel = sphinx_build(src, tmp_path / "parallel", extra=["-j", "2"])
    assert parallel.returncode == 0, parallel.output[-3000:]  # -W: "not safe for parallel reading" would fail it
    assert "parallel" not in " ".join(parallel.warnings)
    pages = sorted(p.relative_to(serial.html).as_posix() for p in serial.html.rglob("*.html") if "_static" not in p.parts)
    assert pages == sorted(p.relative_to(parallel.html).as_posix() for p in parallel.html.rglob("*.html") if "_static" not in p.parts)
    for rel in pages:
        if rel in ("genindex.html", "search.html"):
            continue
        assert _content(parallel.page(rel)) == _content(serial.page(rel)), rel
    graphs = serial.html / "_static" / "socioaffective" / "graphs"
    for g in graphs.glob("*.html"):
        assert (parallel.html / "_static" / "socioaffective" / "graphs" / g.name).read_text() == g.read_text(), g.name


def test_editing_one_entry_rebuilds_exactly_the_pages_that_show_it(built, tiny_kb):
    src, serial = built
    assert serial.returncode == 0
    html = serial.html
    before = _mtimes(html)
    graphs_before = {p.name: p.stat().st_mtime_ns for p in (html / "_static" / "socioaffective" / "graphs").glob("*.html")}
    # nothing changed: nothing is read again, nothing written
    idle = sphinx_build(src, fresh=False)
    assert idle.returncode == 0, idle.output[-2000:]
    assert _reread(idle) == set()
    assert {p for p, t in _mtimes(html).items() if t != before.get(p)} <= {"genindex.html", "search.html"}  # Sphinx writes these every time
    # the description of `flattery` (a risk): its page only shows it (graphs and lists show titles and summaries)
    path = src / "framework" / "tiny.yaml"
    text = path.read_text()
    e = tiny_kb.get("flattery")
    assert e.description and e.description.split("\n")[0] in text
    path.write_text(text.replace(e.description.split("\n")[0], "An edited description.", 1))
    one = sphinx_build(src, fresh=False)
    assert one.returncode == 0, one.output[-2000:]
    assert _reread(one) == {"chapters/entries/risk/flattery"}
    after = _mtimes(html)
    changed = {p for p in after if after[p] != before.get(p)}
    assert "chapters/entries/risk/flattery.html" in changed
    # Sphinx itself also writes the pages whose toctree holds a re-read page (its chapter and the root)
    assert changed <= {"chapters/entries/risk/flattery.html", "kind-risk.html", "index.html", "genindex.html", "search.html"}, changed
    assert "An edited description." in (html / "chapters/entries/risk/flattery.html").read_text()
    graphs_after = {p.name: p.stat().st_mtime_ns for p in (html / "_static" / "socioaffective" / "graphs").glob("*.html")}
    assert graphs_after == graphs_before  # no graph shows a description
    # its title: its page, the pages that link to it or draw it, the lists and globals that show it
    neighbours = {x.id for x in tiny_kb.related("flattery", direction="both") if not x.is_reference}
    text = path.read_text()
    assert text.count("title: Flattery\n") == 1
    path.write_text(text.replace("title: Flattery\n", "title: Flattery, renamed\n"))
    two = sphinx_build(src, fresh=False)
    assert two.returncode == 0, two.output[-2000:]
    again = _reread(two)
    expected_some = {"chapters/entries/risk/flattery", "explorer", "matrices"} | {f"chapters/entries/{tiny_kb.get(n).kind}/{n}" for n in neighbours}
    assert expected_some <= again, expected_some - again
    assert "schema" not in again and "bibliography" not in again and "glossary" not in again  # they show nothing of it
    # the list links by label (Sphinx puts the title in when writing): not read again, written again as the toctree parent
    assert "kind-risk" not in again and "Flattery, renamed" in (html / "kind-risk.html").read_text()
    assert (
        "Flattery, renamed" in (html / "explorer.html").read_text() or "Flattery, renamed" in (html / "_static/socioaffective/graphs/explorer.html").read_text()
    )


def test_the_theme_css_trim_reads_only_changed_files_and_follows_new_words(tmp_path):
    """Rebuilds re-trim the theme's sheet (Sphinx copies it again) from cached words and results."""
    from socioaffective.book.output import _trim_theme_css

    out, cache = tmp_path / "html", tmp_path / "doctrees" / "site-tokens.json"
    out.mkdir()
    (out / "a.html").write_text('<div class="used">')
    css = "/*! Bootstrap v5 */\n.used{color:red}\n.unused{color:blue}\n"
    sheet = out / "theme.css"
    sheet.write_text(css)
    _trim_theme_css(sheet, out, cache)
    assert sheet.read_text() == "/*! Bootstrap v5 */\n.used{color:red}\n"
    sheet.write_text(css)  # copied again by the next build
    _trim_theme_css(sheet, out, cache)
    assert sheet.read_text() == "/*! Bootstrap v5 */\n.used{color:red}\n"
    (out / "b.html").write_text('<div class="unused">')  # a new page uses the rule
    sheet.write_text(css)
    _trim_theme_css(sheet, out, cache)
    assert sheet.read_text() == css


def test_an_edit_that_moves_the_lines_below_it_rebuilds_only_its_page(tmp_path, tiny_kb):
    """Entry pages name their YAML file, not the line (a line shown would change on every page
    after the edit, and each would be read again); "View source" has the line when a repository is set."""
    src = make_fixture_book(FIXTURES / "tiny", tmp_path / "src", theme="basic")
    first = sphinx_build(src)
    assert first.returncode == 0, first.output[-2000:]
    path = src / "framework" / "tiny.yaml"
    e = tiny_kb.get("flattery")
    later = [x for x in tiny_kb.entries() if x.file == e.file and x.line > e.line]
    assert later, "the fixture needs entries below flattery in its file"
    text = path.read_text()
    old = e.description.split("\n")[0]
    assert old in text
    path.write_text(text.replace(f"description: {old}", f"description: >-\n      {old}\n      and two lines more,\n      in a folded block.", 1))
    assert path.read_text().count("\n") > text.count("\n")  # every entry below moved down
    again = sphinx_build(src, fresh=False)
    assert again.returncode == 0, again.output[-2000:]
    assert _reread(again) == {"chapters/entries/risk/flattery"}
    page = again.page("chapters/entries/risk/flattery.html")
    assert "in a folded block" in page and f"Defined in {e.file}." in re.sub(r"<[^>]+>", "", page)


@pytest.mark.parametrize("which", ["real", "tiny"])
@pytest.mark.parametrize("half", [0, 1])
def test_no_other_page_shows_what_the_neighbour_fingerprint_leaves_out(which, half, real_kb, tiny_kb):
    """An entry's neighbours are keyed without their description and line numbers
    (registry.NOT_SHOWN_ELSEWHERE): so no entry page or neighbourhood graph may show
    those of another entry. Half the entries get them changed; every page of the
    other half and its graph data must stay the same."""
    import dataclasses

    from socioaffective.book.directives import entry_shown
    from socioaffective.kb import KnowledgeBase
    from socioaffective.render import pages
    from socioaffective.render.network import graph_data, neighbourhood_ids

    kb = real_kb if which == "real" else tiny_kb
    assert set(reg.NOT_SHOWN_ELSEWHERE) == {"description", "line", "field_lines"}  # what the mutation below changes
    entries = list(kb.entries())
    changed = {e.id for i, e in enumerate(entries) if i % 2 == half}

    def moved(e):
        if e.id not in changed:
            return e
        return dataclasses.replace(
            e,
            description=f"A new description of {e.id}, shown on its own page only.",
            line=e.line + 1000,
            field_lines={k: v + 1000 for k, v in e.field_lines.items()},
            relations=[dataclasses.replace(r, line=r.line + 1000) for r in e.relations],
        )

    other = KnowledgeBase(kb.root, kb.schema, [moved(e) for e in entries], kb.references, kb.report)
    compared = 0
    for e in entries:
        if e.id in changed:
            assert reg._as_seen_elsewhere(moved(e)) == reg._as_seen_elsewhere(e)  # what the key sees of it is the same
            continue
        mine = other.get(e.id)
        assert entry_shown(other, mine, pages.entry_page(other, mine)) == entry_shown(kb, e, pages.entry_page(kb, e)), e.id
        ids = neighbourhood_ids(kb, e.id, 60)[0]
        assert neighbourhood_ids(other, e.id, 60)[0] == ids
        pos = {i: (float(n), 0.0) for n, i in enumerate(ids)}
        assert graph_data(other, ids, pos, center=e.id, edge_labels=True) == graph_data(kb, ids, pos, center=e.id, edge_labels=True), e.id
        compared += bool(set(ids) & changed)
    assert compared > len(entries) / 4  # most pages had a changed neighbour


def _pages_text(html, root) -> dict[str, str]:
    out = {}
    for p in html.rglob("*.html"):
        rel = p.relative_to(html).as_posix()
        if rel in ("genindex.html", "search.html"):
            continue
        out[rel] = p.read_text(encoding="utf-8").replace(str(root), "ROOT")
    return out


@pytest.mark.parametrize("theme", ["sphinx_book_theme", "basic"])
def test_toctree_parents_are_written_again_only_when_what_they_show_changed(tmp_path, tiny_kb, theme):
    """Sphinx writes again every page whose toctree holds a page it read. After a description
    edit (nothing the tables of contents show) the chapter that lists the entry is not written
    again; after a title edit it is. Either way every page is the bytes a fresh build writes."""
    src = make_fixture_book(FIXTURES / "tiny", tmp_path / "src", theme=theme)
    assert sphinx_build(src).returncode == 0
    html = src / "_build" / "html"
    before = _mtimes(html)
    path = src / "framework" / "tiny.yaml"
    text = path.read_text()
    e = tiny_kb.get("flattery")
    path.write_text(text.replace(e.description.split("\n")[0], "An edited description.", 1))
    one = sphinx_build(src, fresh=False, extra=["-v"])
    assert one.returncode == 0, one.output[-2000:]
    assert _reread(one) == {"chapters/entries/risk/flattery"}
    changed = {p for p, t in _mtimes(html).items() if t != before.get(p)}
    assert "chapters/entries/risk/flattery.html" in changed and "kind-risk.html" not in changed, changed
    assert "1 pages read again show the same in the tables of contents" in one.output

    def fresh(tag: str) -> dict[str, str]:
        copy = tmp_path / f"fresh-{tag}"
        shutil.copytree(src, copy, ignore=shutil.ignore_patterns("_build"))
        assert sphinx_build(copy).returncode == 0
        return _pages_text(copy / "_build" / "html", copy)

    def same_as_fresh(tag: str) -> None:
        mine, theirs = _pages_text(html, src), fresh(tag)
        assert mine.keys() == theirs.keys()
        for rel, page in mine.items():
            assert page == theirs[rel], rel

    same_as_fresh("description")
    # the title shows in the chapter's toctree: the chapter is written again
    before = _mtimes(html)
    text = path.read_text()
    path.write_text(text.replace("title: Flattery\n", "title: Flattery, renamed\n"))
    two = sphinx_build(src, fresh=False)
    assert two.returncode == 0, two.output[-2000:]
    changed = {p for p, t in _mtimes(html).items() if t != before.get(p)}
    assert "kind-risk.html" in changed and "Flattery, renamed" in (html / "kind-risk.html").read_text()
    same_as_fresh("title")
