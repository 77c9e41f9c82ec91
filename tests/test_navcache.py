"""The sidebar's table of contents shared by the pages of a folder (book/navcache.py):
the book is byte for byte what it is without the sharing, in a tree that hides
the entry pages (where they share) and in one that shows them (where they must not)."""

from __future__ import annotations

import re

import pytest

from bookbuild import FIXTURES, make_fixture_book, sphinx_build
from socioaffective.book.navcache import _links_to, _shows_itself

SHARED = re.compile(
    r"sidebar's table of contents resolved (\d+) times, shared (\d+) times; its markup made (\d+) times; (\d+) empty checks of components skipped"
)

#: the theme options of the fixture book (entries hidden under their kind) and a deep,
#: uncollapsed tree that lists every entry page in every page's sidebar
DEEP = '{"max_navbar_depth": 4, "collapse_navbar": False, "show_navbar_depth": 2, "navbar_persistent": []}'


def _pages(build) -> dict[str, bytes]:
    return {p.relative_to(build.html).as_posix(): p.read_bytes() for p in build.html.rglob("*.html")}


def _book(tmp_path, name: str, *, share: bool, deep: bool):
    src = make_fixture_book(FIXTURES / "tiny", tmp_path / name)
    conf = src / "conf.py"
    text = conf.read_text(encoding="utf-8")
    if deep:
        text = re.sub(r"^html_theme_options = .*$", f"html_theme_options = {DEEP}", text, flags=re.M)
    text += f"\nsocioaffective_share_toctree = {share}\n"
    conf.write_text(text, encoding="utf-8")
    b = sphinx_build(src, extra=["-v"])
    assert b.returncode == 0, b.output[-3000:]
    return b


@pytest.mark.parametrize("deep", [False, True], ids=["entries-hidden", "entries-shown"])
def test_shared_sidebar_trees_leave_every_page_byte_identical(tmp_path, tiny_kb, deep):
    shared = _book(tmp_path, "shared", share=True, deep=deep)
    plain = _book(tmp_path, "plain", share=False, deep=deep)
    a, b = _pages(shared), _pages(plain)
    assert sorted(a) == sorted(b)
    different = [p for p in a if a[p] != b[p]]
    assert different == []
    m = SHARED.search(shared.output)
    assert m, shared.output[-2000:]
    resolved, reused, markup, unchecked = int(m.group(1)), int(m.group(2)), int(m.group(3)), int(m.group(4))
    # the theme's empty check was skipped for the components that cannot be empty (the book
    # theme's sidebar navigation and article header buttons): at least one per page
    assert unchecked >= len(a), (unchecked, len(a))
    # the theme's sidebar markup is made once per distinct tree: never more often than a tree is resolved
    assert 0 < markup <= resolved
    entries = len(tiny_kb.entries())
    if deep:
        # every page's sidebar shows that page: nothing may be shared
        assert reused == 0 and resolved >= entries
    else:
        # one tree per folder (kind) of entry pages, handed to its other pages
        kinds = {e.kind for e in tiny_kb.entries()}
        assert reused >= entries - len(kinds) > 0
    assert not SHARED.search(plain.output)
    # the deep tree does list the entry pages (so the test above tests the refusal)
    if deep:
        e = tiny_kb.entries()[0]
        nav = shared.page("index.html").split("bd-docs-nav", 1)[1].split("</nav>", 1)[0]
        assert f"{e.id}.html" in nav


def test_a_tree_that_links_to_a_page_is_never_handed_to_it():
    tree = '<ul><li><a class="reference internal" href="risk-a.html">A</a></li><li><a href="risk-b.html#sec">B</a></li></ul>'
    assert _links_to(tree, "risk-a.html") and _links_to(tree, "risk-b.html")
    assert not _links_to(tree, "risk-c.html") and not _links_to(tree, "risk-a.htm")
    assert _links_to('<a href="a&amp;b.html">', "a&b.html")  # as the HTML writer escapes it
    # a tree that shows its own page (Sphinx links the current page to "#") is kept for nobody
    assert _shows_itself('<li class="current"><a class="current reference internal" href="#">Me</a></li>', "x/me.html")
    assert _shows_itself('<a href="me.html">', "x/me.html")
    assert not _shows_itself(tree, "x/risk-c.html")


def test_only_templates_with_literal_markup_at_their_top_level_skip_the_empty_check():
    from jinja2 import DictLoader, Environment

    from socioaffective.book.navcache import _always_renders_text

    env = Environment(
        loader=DictLoader(
            {
                "nav.html": '<nav class="x">{{ generate() }}</nav>',
                "imports.html": '{% from "m.html" import f with context %}\n<div>{{ f() }}</div>',
                "guarded.html": "{% if show %}<div>shown</div>{% endif %}",
                "loop.html": "{% for x in xs %}<li>{{ x }}</li>{% endfor %}",
                "only-expr.html": "{{ something }}",
                "blank.html": "   \n  {# a comment #}\n",
                "child.html": '{% extends "nav.html" %}text outside blocks',
                "in-block.html": "{% block b %}<p>may be overridden</p>{% endblock %}",
                "macro.html": "{% macro m() %}<p>only when called</p>{% endmacro %}",
                "broken.html": "{% if %}",
            }
        )
    )
    sure = {name for name in env.loader.list_templates() if _always_renders_text(env, name)}
    assert sure == {"nav.html", "imports.html"}
    assert not _always_renders_text(env, "missing.html")
    # the two the book theme's pages use, as installed
    from pathlib import Path

    import sphinx_book_theme

    comp = Path(sphinx_book_theme.__file__).parent / "theme" / "sphinx_book_theme" / "components"
    real = Environment(loader=DictLoader({p.name: p.read_text(encoding="utf-8") for p in comp.glob("*.html")}))
    assert _always_renders_text(real, "sbt-sidebar-nav.html") and _always_renders_text(real, "article-header-buttons.html")
    assert not _always_renders_text(real, "toggle-secondary-sidebar.html")  # empty on a page without sections
