"""The sidebar's table of contents, resolved once per folder instead of once per page.

A page template's ``toctree()`` (Sphinx's global table of contents, which the
book theme's sidebar asks for on every page) resolves and copies the whole
tree of the book for each page: with 300 entry pages under the table of
contents, that is a quadratic cost, about a tenth of the build.

What it returns for a page depends on the page only through

- the links, relative to the page's folder;
- the ``current`` marks, on the branch from the root to every place the page
  is included (its table-of-contents ancestors);
- the page's own item (``href="#"``) and its subtree, where the tree shows it.

So two pages of one folder with the same ancestors get the same HTML unless
the tree shows either of them: the first one's HTML is kept and handed to the
others whose links it does not contain. A tree that shows its page (it holds
``href="#…"``) is never shared. ``tests/test_navcache.py`` builds a book with
and without the sharing and compares every page byte for byte.

Turned off with ``socioaffective_share_toctree = False``.
"""

from __future__ import annotations

import html
import posixpath

from sphinx.util.osutil import relative_uri

from .state import logger, state


def _parents(app) -> tuple[dict[str, set[str]], dict[str, str]]:
    """Every document's including documents, and Sphinx's single parent of it
    (the last including document wins): ``env.toctree_includes`` reversed, once per build."""
    st = state(app)
    if st.toctree_parents is None:
        every: dict[str, set[str]] = {}
        single: dict[str, str] = {}
        for parent, children in app.env.toctree_includes.items():
            for child in children:
                every.setdefault(child, set()).add(parent)
                single[child] = parent
        st.toctree_parents = (every, single)
    return st.toctree_parents


def _ancestors(app, docname: str) -> tuple:
    """The page's ancestors: every document that includes it, directly or not
    (sorted), and Sphinx's own chain of single parents (which decides where a
    subtree is copied whole)."""
    every, single = _parents(app)
    seen: set[str] = set()
    todo = [docname]
    while todo:
        for p in every.get(todo.pop(), ()):
            if p not in seen:
                seen.add(p)
                todo.append(p)
    # Sphinx's chain starts at the page itself, whose own item only a tree that shows
    # the page depends on (and such a tree is not shared): the key leaves it out
    chain = [docname]
    while chain[-1] in single and single[chain[-1]] not in chain:
        chain.append(single[chain[-1]])
    return tuple(sorted(seen)), tuple(chain[1:])


def _links_to(html_text: str, rel: str) -> bool:
    """Whether ``html_text`` holds a link to ``rel`` (with or without an anchor)."""
    for form in {rel, html.escape(rel, quote=True)}:
        if f'href="{form}"' in html_text or f'href="{form}#' in html_text:
            return True
    return False


def _shows_itself(html_text: str, uri: str) -> bool:
    """Whether a page's tree shows the page (its own item links to ``#``, to
    nothing, or to its own file)."""
    return 'href="#' in html_text or 'href=""' in html_text or _links_to(html_text, posixpath.basename(uri))


def share_toctree(app, pagename, templatename, context, doctree) -> None:
    """``html-page-context`` (before the theme renders its sidebar): wrap the
    page's ``toctree()`` so that pages of one folder share one resolved tree."""
    own = context.get("toctree")
    if not callable(own) or not app.config.socioaffective_share_toctree or pagename not in app.env.all_docs:
        return
    try:
        uri = app.builder.get_target_uri(pagename)
    except Exception:  # noqa: BLE001 - a page the builder cannot place: leave its tree alone
        return
    memo = state(app).toctrees
    counts = state(app).toctree_counts
    where = (posixpath.dirname(uri), *_ancestors(app, pagename))

    def toctree(**kwargs):
        key = (where, tuple(sorted((k, repr(v)) for k, v in kwargs.items())))
        kept = memo.get(key)
        if kept is not None:
            text, first_uri = kept
            if not _links_to(text, relative_uri(first_uri, uri)):
                counts["shared"] += 1
                return text
        counts["resolved"] += 1
        text = own(**kwargs)
        if kept is None and not _shows_itself(text, uri):
            memo[key] = (text, uri)
        return text

    context["toctree"] = toctree


def report(app, exception) -> None:
    """``build-finished``: how many pages shared a resolved tree (``sphinx-build -v``)."""
    counts = state(app).toctree_counts
    if counts["shared"] or counts["resolved"]:
        logger.verbose("socioaffective: the sidebar's table of contents resolved %d times, shared %d times", counts["resolved"], counts["shared"])
