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

The pydata-based themes then turn that HTML into the sidebar's markup with
BeautifulSoup, on every page (``generate_toctree_html``); the result depends
on the HTML and the options only, so it is kept per HTML text and handed to
the pages whose tree is the same text (:func:`share_sidebar_markup`).

The theme also renders each sidebar and header component once more per page, to
see whether it is empty; a component whose template has literal markup at its
top level never is, and is not rendered for that (:func:`skip_needless_empty_checks`).

Turned off, all three, with ``socioaffective_share_toctree = False``.
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


def _shared_markup(handler):
    """pydata-sphinx-theme's ``add_toctree_functions`` listener, whose page function
    ``generate_toctree_html`` (the whole tree, ``startdepth=0``, as the book theme's
    sidebar asks for it) is memoized by the tree's HTML and the options."""

    def add_toctree_functions(app, pagename, templatename, context, doctree):
        handler(app, pagename, templatename, context, doctree)
        generate, toctree = context.get("generate_toctree_html"), context.get("toctree")
        if not (callable(generate) and callable(toctree) and app.config.socioaffective_share_toctree):
            return
        st = state(app)
        page: dict = {}

        def generate_toctree_html(kind, startdepth=1, show_nav_level=1, **kwargs):
            if startdepth != 0 or kind != "sidebar":  # a fragment from the page's ancestor, or the soup itself
                return generate(kind, startdepth, show_nav_level, **kwargs)
            options = (show_nav_level, tuple(sorted((k, repr(v)) for k, v in kwargs.items())))
            if options in page:  # the theme renders the sidebar twice per page
                return page[options]
            text = toctree(**kwargs)
            key = (text, *options)
            markup = st.sidebars.get(key)
            if markup is None:
                # the theme's function asks the page's toctree() again: hand it the text just made
                context["toctree"] = lambda **kw: text if kw == kwargs else toctree(**kw)
                try:
                    markup = st.sidebars[key] = str(generate(kind, startdepth, show_nav_level, **kwargs))
                finally:
                    context["toctree"] = toctree
                st.toctree_counts["markup"] += 1
            page[options] = markup
            return markup

        context["generate_toctree_html"] = generate_toctree_html

    add_toctree_functions.socioaffective_shared = True  # type: ignore[attr-defined]
    return add_toctree_functions


def share_sidebar_markup(app) -> None:
    """``builder-inited``: put :func:`_shared_markup` in place of the theme's listener.

    The theme connects ``add_toctree_functions`` and then the listener that renders
    the sidebar with it, both at the same priority; the memo has to come between
    them, so it wraps the first in its place in Sphinx's list of listeners."""
    try:
        from pydata_sphinx_theme import toctree as pst
    except ImportError:  # pragma: no cover - the book's themes are pydata-based
        return
    listeners = app.events.listeners.get("html-page-context", [])
    for i, listener in enumerate(listeners):
        if listener.handler is pst.add_toctree_functions:
            listeners[i] = listener._replace(handler=_shared_markup(listener.handler))


def report(app, exception) -> None:
    """``build-finished``: how many pages shared a resolved tree (``sphinx-build -v``)."""
    counts = state(app).toctree_counts
    if counts["shared"] or counts["resolved"]:
        logger.verbose(
            "socioaffective: the sidebar's table of contents resolved %d times, shared %d times; its markup made %d times; %d empty checks of components skipped",
            counts["resolved"],
            counts["shared"],
            counts.get("markup", 0),
            counts.get("unchecked", 0),
        )


def _always_renders_text(environment, name: str) -> bool:
    """Whether template ``name`` renders non-empty whatever its context: its body has
    literal text outside every ``if``, ``for``, ``block`` and macro, and it extends no
    other template (whose blocks would replace it). Anything unsure is False."""
    from jinja2 import nodes

    try:
        source, _, _ = environment.loader.get_source(environment, name)
        tree = environment.parse(source)
    except Exception:  # noqa: BLE001 - not found, or a syntax the check does not know: render it to see
        return False
    if next(tree.find_all(nodes.Extends), None) is not None:
        return False
    return any(isinstance(n, nodes.Output) and any(isinstance(d, nodes.TemplateData) and d.data.strip() for d in n.nodes) for n in tree.body)


def skip_needless_empty_checks() -> None:
    """Let pydata-sphinx-theme skip its "does this component render empty?" check for
    the components that cannot render empty.

    On every page, the theme renders each component of the sidebars, the article
    header and the footers once to see whether it is empty and drops it if so, and
    then the page renders it again. A component whose template has literal markup
    at its top level (the book theme's ``sbt-sidebar-nav.html`` and
    ``article-header-buttons.html``: their ``<nav>`` and ``<div>``) is never empty,
    so the first rendering decides nothing: about 1 s of the real book's build, most
    of it the sidebar's whole table of contents. The theme has a list of templates
    not to check (its own sidebar navigation); those found by
    :func:`_always_renders_text` are added to it. Off, with the other sidebar memos,
    with ``socioaffective_share_toctree = False``; the pages are the same bytes
    either way (``tests/test_navcache.py``)."""
    try:
        from pydata_sphinx_theme import utils
    except ImportError:  # pragma: no cover - the book's themes are pydata-based
        return
    plain = utils._update_and_remove_templates
    if getattr(plain, "socioaffective_memo", False):
        return
    import weakref

    known: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # templates environment -> {name: bool}

    def _update_and_remove_templates(app, context, templates, section, templates_skip_empty_check=None):
        environment = getattr(getattr(app.builder, "templates", None), "environment", None)
        if environment is None or not getattr(app.config, "socioaffective_share_toctree", False):
            return plain(app, context, templates, section, templates_skip_empty_check=templates_skip_empty_check)
        names = [t.strip() for t in templates.split(",")] if isinstance(templates, str) else list(templates)
        full = [n if posixpath.splitext(n)[1] else f"{n}.html" for n in names]
        skip = list(templates_skip_empty_check or [])
        seen = known.setdefault(environment, {})
        for name in full:
            if name not in seen:
                seen[name] = _always_renders_text(environment, name)
        sure = [n for n in full if seen[n]]
        # the theme skips a template whose name ends with a listed one: list a name only
        # if no template of this section that must be checked ends with it
        added = [n for n in sure if not any(o.endswith(n) for o in full if not seen[o]) and not any(n.endswith(k) for k in skip)]
        skip += added
        state(app).toctree_counts["unchecked"] += len(added)
        return plain(app, context, templates, section, templates_skip_empty_check=skip)

    _update_and_remove_templates.socioaffective_memo = True  # type: ignore[attr-defined]  # marks the patch as done
    _update_and_remove_templates.socioaffective_plain = plain  # type: ignore[attr-defined]
    utils._update_and_remove_templates = _update_and_remove_templates
