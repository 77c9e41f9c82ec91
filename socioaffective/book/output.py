"""The end of a build: static files, graph pages, theme fixes, a faster pybtex."""

from __future__ import annotations

import re
import weakref
from pathlib import Path

from ..errors import SocioaffectiveError
from ..fsutil import copy_if_changed, write_if_changed
from ..render import pages
from ..render.network import graph_page
from .graphs import graph_name, graph_spec_data, graph_title, page_url_for
from .incremental import graph_specs
from .state import GRAPH_DIR, STATIC_DIR, VIS_DIR, entry_docname, state


def html_page_context(app, pagename, templatename, context, doctree) -> None:
    """Escape the page titles sphinx-book-theme puts into its templates unescaped.

    sphinx-book-theme 1.3 sets ``pagetitle`` (the print header) and
    ``root_title`` (the sidebar) to plain text, and its templates print them
    as HTML: a title such as ``<img src=x onerror=...>`` would run. Runs after
    the theme's own handler (priority 500).
    """
    import html

    from markupsafe import Markup

    for key in ("pagetitle", "root_title"):
        value = context.get(key)
        if isinstance(value, str) and not isinstance(value, Markup):
            context[key] = html.escape(value, quote=True)
    _drop_unused_assets(context)


# Style sheets and scripts that extensions add to every page, and what a page's
# body must contain to need them (sphinx-design's grids and tabs, MyST-NB's cells).
_PAGE_ASSETS = (
    ("sphinx-design", ("sd-",)),
    ("design-tabs.js", ("sd-tab",)),
    ("mystnb.", ('class="cell', "cell_output", "output ", "jupyter")),
    # code highlighting and its copy buttons: only where there is code
    ("pygments.css", ('class="highlight',)),
    ("copybutton", ('class="highlight',)),
    ("clipboard.min.js", ('class="highlight',)),
    # our own scripts: only on the pages that have what they work on
    ("evidence-filter.js", ("sa-evidence-table",)),
    ("cite.js", ("data-sa-accessed", "data-sa-url")),
    ("graph-frames.js", ("sa-graph-frame",)),
)


def _drop_unused_assets(context) -> None:
    """Leave out of a page the extension assets its body does not use (light pages).

    Only the assets in :data:`_PAGE_ASSETS` are considered, and only when the
    page has a rendered body to look at.
    """
    body = context.get("body")
    if not isinstance(body, str) or not body:
        return
    for key in ("css_files", "script_files"):
        files = context.get(key)
        if not isinstance(files, list):
            continue
        kept = []
        for f in files:
            name = str(getattr(f, "filename", f))
            needed = next((marks for part, marks in _PAGE_ASSETS if part in name), None)
            if needed is None or any(m in body for m in needed):
                kept.append(f)
        context[key] = kept
    if context.get("pagename") != "search":
        context["script_files"] = [_deferred(f) for f in context.get("script_files") or []]


# Scripts that must run where they stand: the page's inline settings read DOCUMENTATION_OPTIONS.
_BLOCKING = ("documentation_options.js",)


def _deferred(js):
    """``js`` loaded with ``defer`` (it no longer holds up the first paint), unless it is
    inline, already async or deferred, or in :data:`_BLOCKING`. Deferred scripts still run
    in their order, before ``DOMContentLoaded``."""
    name = str(getattr(js, "filename", "") or "")
    attrs = getattr(js, "attributes", None)
    if not name or not isinstance(attrs, dict) or "defer" in attrs or "async" in attrs or attrs.get("type") == "module":
        return js
    if any(name.endswith(b) for b in _BLOCKING) or "://" in name:
        return js
    return type(js)(js.filename, priority=js.priority, **{**attrs, "defer": "defer"})


PYDATA_THEMES = ("sphinx_book_theme", "pydata_sphinx_theme")


def add_templates(app, config) -> None:
    """Our layout.html and search.html (book/ templates) for pydata-based themes:
    the theme without its icon script and with the book's offline search."""
    from importlib import resources

    if getattr(config, "html_theme", "") not in PYDATA_THEMES:
        return
    folder = str(Path(str(resources.files("socioaffective"))) / "templates" / "book")
    if folder not in config.templates_path:
        config.templates_path = [folder, *config.templates_path]


# the one write-if-changed (socioaffective.fsutil), under the names the calls below use
_write_if_changed, _copy_if_changed = write_if_changed, copy_if_changed


def vis_files() -> list[Path]:
    """vis-network's JS and CSS, as shipped inside the pyvis package.

    Found without importing pyvis (its import pulls in networkx and IPython:
    0.2 s of every build, a no-op rebuild included)."""
    from importlib.util import find_spec

    spec = find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise SocioaffectiveError("the book's graphs need vis-network from the pyvis package: pip install pyvis")
    lib = Path(list(spec.submodule_search_locations)[0]) / "templates" / "lib" / "vis-9.1.2"
    return [lib / "vis-network.min.js", lib / "vis-network.css"]


def write_page_assets(app) -> None:
    """``builder-inited``: the style sheets and scripts every page links, in place before any page is written.

    Sphinx adds a checksum to a page's link (``socioaffective.css?v=...``, so
    that browsers fetch a changed file again) only for a file that is in the
    output when it writes the page: written at the end of the build, a build
    from nothing linked them bare and the next build with checksums."""
    if app.builder.format != "html":
        return
    from importlib import resources

    st = state(app)
    out = Path(app.outdir) / "_static" / STATIC_DIR
    static = Path(str(resources.files("socioaffective"))) / "static"
    for f in sorted(static.iterdir()):
        if f.is_file() and f.suffix in (".js", ".css"):
            _copy_if_changed(f, out / f.name)
    _write_if_changed(out / "schema.css", pages.schema_css(st.kb.schema))


def build_finished(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    from importlib import resources

    st = state(app)
    out = Path(app.outdir) / "_static" / STATIC_DIR
    static = Path(str(resources.files("socioaffective"))) / "static"
    for f in vis_files():
        if f.suffix == ".css":
            dest = out / VIS_DIR / f.name
            if not dest.is_file() or dest.stat().st_mtime_ns < f.stat().st_mtime_ns:  # trimmed once, not every build
                _write_if_changed(dest, vis_css(f.read_text(encoding="utf-8")))
        else:
            _copy_if_changed(f, out / VIS_DIR / f.name)
    for f in sorted((static / "vendor").rglob("*")):  # vendored browser libraries, with their licences
        if f.is_file():
            _copy_if_changed(f, out / "vendor" / f.relative_to(static / "vendor"))
    _write_if_changed(out / "search-index.js", _search_index(app, st))
    if app.config.html_theme in PYDATA_THEMES:
        trim_style_sheets(Path(app.outdir), Path(app.doctreedir) / "socioaffective" / "site-tokens.json")
    # the explorer's layout, from the build's cache: the GraphML and GEXF exports draw it (they run next)
    from .graphs import cached_layout

    cached_layout(app, [e.id for e in st.kb.entries()], unit=105, aspect=1.9)
    # graph pages: of the pages read in this build (what they show changed), or missing
    graphs = {}
    for doc, specs in graph_specs(app.env).items():
        for spec in specs:
            g = dict(spec[1])
            name = graph_name(g)
            if doc in st.read_docs or not (out / GRAPH_DIR / f"{name}.html").is_file():
                graphs[name] = g
    for name, g in sorted(graphs.items()):
        page_uri = f"_static/{STATIC_DIR}/{GRAPH_DIR}/{name}.html"
        try:
            data = graph_spec_data(app, g, page_url_for(app, page_uri))
            title = graph_title(st.kb, g)
        except SocioaffectiveError:
            continue
        _write_if_changed(out / GRAPH_DIR / f"{name}.html", graph_page(data, title=title, static="../", explorer=g["mode"] == "explorer" and not g["kinds"]))


def memoize_myst_default_settings() -> None:
    """MyST's ``make_document`` with docutils' default settings made once per parser class.

    MyST-Parser's renderer builds a throwaway document for every page it parses
    (``options.get("document", make_document())`` evaluates its default even
    when the page's document is given), and each one builds docutils' whole
    option parser to get default settings: 0.5 s of a 300-entry build. The
    defaults are now made once and each document gets its own shallow copy,
    so a document still owns its settings."""
    import copy

    try:
        from docutils.frontend import get_default_settings
        from docutils.utils import DependencyList, new_document
        from myst_parser.mdit_to_docutils import base
    except ImportError:  # pragma: no cover - MyST-Parser and docutils >= 0.19 come with Jupyter Book
        return
    if getattr(base.make_document, "socioaffective_memo", False):
        return
    defaults: dict = {}

    def make_document(source_path="notset", parser_cls=base.RSTParser):
        if parser_cls not in defaults:
            defaults[parser_cls] = get_default_settings(parser_cls)
        settings = copy.copy(defaults[parser_cls])
        if isinstance(getattr(settings, "record_dependencies", None), DependencyList):
            settings.record_dependencies = DependencyList()  # the one mutable default: each its own
        return new_document(source_path, settings=settings)

    make_document.socioaffective_memo = True  # type: ignore[attr-defined]
    base.make_document = make_document


def memoize_pybtex_entry_points() -> None:
    """Make pybtex look its plugins up once per build, not once per citation.

    sphinxcontrib-bibtex asks pybtex for a plugin on every citation it
    resolves, and pybtex scans the entry points of every installed package each
    time (about 17 ms): 4 s of a 30 s build of this book. The installed
    packages do not change during a build; plugins registered at run time are
    still looked up first, as before.
    """
    try:
        import pybtex.plugin as plugin
    except ImportError:  # pragma: no cover - pybtex comes with sphinxcontrib-bibtex
        return
    lookup = plugin.entry_points
    if getattr(lookup, "socioaffective_memo", False):
        return
    memo: dict = {}

    def entry_points(*args, **kwargs):
        key = (args, tuple(sorted(kwargs.items())))
        if key not in memo:
            memo[key] = lookup(*args, **kwargs)
        return memo[key]

    entry_points.socioaffective_memo = True  # type: ignore[attr-defined]  # marks the patch as done (checked above)
    plugin.entry_points = entry_points


#: Formatted bibliography entries, by style and entry content (see :func:`memoize_pybtex_formatting`).
_PYBTEX_MEMO: dict = {}
_PYBTEX_USED: set = set()  # the keys of this process's builds (what is saved)
_PYBTEX_MEMO_FILE = "pybtex-formatted.pickle"


def _pybtex_versions() -> tuple:
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for name in ("pybtex", "sphinxcontrib-bibtex"):
        try:
            out.append(version(name))
        except PackageNotFoundError:  # pragma: no cover
            out.append("")
    return (2, *out)


def _entry_fingerprint(entry):
    """Everything of a pybtex entry its formatting reads, or None when it may read more
    (a ``crossref`` pulls fields from another entry)."""
    fields = tuple((str(k), str(v)) for k, v in entry.fields.items())
    if any(k.lower() == "crossref" for k, _ in fields):
        return None
    persons = tuple(
        (str(role), tuple((tuple(p.first_names), tuple(p.middle_names), tuple(p.prelast_names), tuple(p.last_names), tuple(p.lineage_names)) for p in people))
        for role, people in entry.persons.items()
    )
    return (str(entry.key), str(entry.type), fields, persons)


def memoize_pybtex_formatting() -> None:
    """Format each bibliography entry once, not once per bibliography and tooltip.

    sphinxcontrib-bibtex formats every entry of every bibliography on every
    build (at ``env-updated``, a no-op rebuild too), each twice (the entry and
    its tooltip, in the same style). The result depends only on the style and
    the entry's type, fields and names, which are the memo's key; it is kept
    across builds in the doctree folder (:func:`load_pybtex_memo`)."""
    try:
        from pybtex.style.formatting import BaseStyle
    except ImportError:  # pragma: no cover - pybtex comes with sphinxcontrib-bibtex
        return
    plain = BaseStyle.format_entry
    if getattr(plain, "socioaffective_memo", False):
        return

    def format_entry(self, label, entry, bib_data=None):
        fp = _entry_fingerprint(entry) if bib_data is None else None
        if fp is None:
            return plain(self, label, entry, bib_data=bib_data)
        style = (type(self).__module__, type(self).__qualname__, type(self.name_style).__qualname__, self.abbreviate_names, self.min_crossrefs)
        key = (style, str(label), fp)
        hit = _PYBTEX_MEMO.get(key)
        if hit is None:
            hit = _PYBTEX_MEMO[key] = plain(self, label, entry, bib_data=bib_data)
        _PYBTEX_USED.add(key)
        return hit

    format_entry.socioaffective_memo = True  # type: ignore[attr-defined]  # marks the patch as done (checked above)
    BaseStyle.format_entry = format_entry


def index_cited_pages() -> None:
    """Find the pages citing each bib entry through one index, not one scan per entry.

    For every bibliography, sphinxcontrib-bibtex asks which pages cite each
    entry of its bib files by going through every citation of the book for
    every entry (entries x citations: 0.3 s of CPU of each build, a no-op one
    too, at 300 entries, growing with the square of the book). The index is made
    once per call from the same citations; the filter then sees the same pages."""
    try:
        from sphinxcontrib.bibtex import domain
    except ImportError:  # pragma: no cover - sphinxcontrib-bibtex is in the book extra
        return
    plain = domain.BibtexDomain.get_filtered_entries
    if getattr(plain, "socioaffective_memo", False):
        return

    def get_filtered_entries(self, bibliography_key):
        bibliography = self.bibliographies[bibliography_key]
        cited: dict[str, set[str]] = {}
        for citation_ref in self.citation_refs:
            for target in {target.key for target in citation_ref.targets}:
                cited.setdefault(target, set()).add(citation_ref.docname)
        for entry in self.get_entries(bibliography.bibfiles):
            key = bibliography.keyprefix + entry.key
            cited_docnames = set(cited.get(key, ()))
            visitor = domain._FilterVisitor(entry=entry, docname=bibliography_key.docname, cited_docnames=cited_docnames)
            try:
                success = visitor.visit(bibliography.filter_)
            except ValueError as err:  # as sphinxcontrib-bibtex reports it
                domain.logger.warning(
                    f"syntax error in :filter: expression; {err}",
                    location=(bibliography_key.docname, bibliography.line),
                    type="bibtex",
                    subtype="filter_syntax_error",
                )
                success = bool(cited_docnames)
            if success or entry.key in bibliography.keys:
                yield key, entry

    get_filtered_entries.socioaffective_memo = True  # type: ignore[attr-defined]  # marks the patch as done (checked above)
    get_filtered_entries.socioaffective_plain = plain  # type: ignore[attr-defined]  # what it replaces (the tests compare them)
    domain.BibtexDomain.get_filtered_entries = get_filtered_entries  # type: ignore[method-assign]


#: Resolved citation references of a build, by environment (never pickled with it).
_CITE_MEMO: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def memoize_citation_references() -> None:
    """Resolve each citation reference once per build, not once per use.

    sphinxcontrib-bibtex formats every ``{cite}`` it resolves anew (its
    author-year text through pybtex's templates, its tooltip, a scan of every
    citation of the book): most pages of this book cite the same works, 0.7 s
    of a full build. A resolved reference depends on the citation keys, the
    role, the pre- and post-texts and the pages the bibliographies are on; only
    its links depend on the page it is on (they are relative: ``<bibliography
    page>#<id>`` as seen from the page). So it is kept by keys, pre-texts and
    role, and a copy is returned with its links made relative to the page asking
    and its post-texts (the locators, ``p. 68``: nearly every use has its own)
    put in. The post-texts are kept out of the memo by resolving the reference
    once with a placeholder in their place; that template is used only if, put
    back, it gives the very reference bibtex resolves for the real ones (checked
    on its first use). A link that is not to a bibliography page, a page that
    has a bibliography of its own, and a reference to a key no bibliography has
    (its warning is given each time), are resolved as before."""
    try:
        from sphinxcontrib.bibtex.citation_target import parse_citation_targets
        from sphinxcontrib.bibtex.domain import BibtexDomain
    except ImportError:  # pragma: no cover - sphinxcontrib-bibtex is in the book extra
        return
    plain = BibtexDomain.resolve_xref
    if getattr(plain, "socioaffective_memo", False):
        return
    from docutils import nodes

    holder = re.compile("\ue000([0-9]+)\ue001")

    def rebased(hit, first: str, fromdocname: str, builder, pages, posts, target: str):
        """A copy of ``hit`` (resolved on page ``first``) with its links as seen from
        ``fromdocname`` and its post-text placeholders replaced by ``posts``."""
        out = hit.deepcopy()
        out.rawsource = target
        if first != fromdocname:
            moves = []
            for page in pages:
                old = builder.get_relative_uri(first, page) + "#"
                moves.append((old, builder.get_relative_uri(fromdocname, page) + "#"))
            for ref in out.findall(nodes.reference):
                uri = ref.get("refuri")
                if uri is None:
                    continue
                for old, new in moves:
                    if uri.startswith(old):
                        ref["refuri"] = new + uri[len(old) :]
                        break
                else:
                    return None  # a link to something else than a bibliography: resolve it as before
        if posts:
            for text in list(out.findall(nodes.Text)):
                if "\ue000" in text:
                    text.parent.replace(text, nodes.Text(holder.sub(lambda m: posts[int(m.group(1))], str(text))))
        return out

    def resolve_xref(self, env, fromdocname, builder, typ, target, node, contnode):
        memo = _CITE_MEMO.get(env)
        if memo is None:
            cited = [c for c in self.citations if self.bibliographies[c.bibliography_key].list_ == "citation"]
            memo = {"known": {c.key for c in cited}, "pages": sorted({c.bibliography_key.docname for c in self.citations}), "nodes": {}}
            _CITE_MEMO[env] = memo
        try:
            targets = list(parse_citation_targets(target))
        except ValueError:
            targets = []
        keys = [t.key for t in targets]
        if not keys or fromdocname in memo["pages"] or any(k not in memo["known"] for k in keys) or "\ue000" in target:
            return plain(self, env, fromdocname, builder, typ, target, node, contnode)
        posts = [t.post for t in targets]
        key = (builder.name, typ, tuple((t.key, t.pre, bool(t.post)) for t in targets))
        hit = memo["nodes"].get(key)
        if hit:
            out = rebased(hit[0], hit[1], fromdocname, builder, memo["pages"], posts, target)
            if out is not None:
                return out
            memo["nodes"][key] = False  # it links to something else than a bibliography: never rebased
        fresh = plain(self, env, fromdocname, builder, typ, target, node, contnode)
        if hit is None:
            memo["nodes"][key] = template(self, env, fromdocname, builder, typ, targets, node, contnode, fresh, memo["pages"])
        return fresh

    def template(self, env, fromdocname, builder, typ, targets, node, contnode, fresh, pages):
        """What the memo keeps for ``fresh``: it with a placeholder for each post-text, or False
        if that, filled with ``targets``' own post-texts, is not ``fresh`` node for node."""
        posts = [t.post for t in targets]
        if not any(posts):
            return (fresh.deepcopy(), fromdocname)
        held = ",".join(("{" + t.pre + "}" if t.pre else "") + t.key + ("{\ue000" + str(i) + "\ue001}" if t.post else "") for i, t in enumerate(targets))
        kept = plain(self, env, fromdocname, builder, typ, held, node, contnode)
        filled = rebased(kept, fromdocname, fromdocname, builder, pages, posts, fresh.rawsource)
        return (kept, fromdocname) if filled is not None and filled.pformat() == fresh.pformat() else False

    resolve_xref.socioaffective_memo = True  # type: ignore[attr-defined]  # marks the patch as done (checked above)
    BibtexDomain.resolve_xref = resolve_xref  # type: ignore[method-assign]


def load_pybtex_memo(app) -> None:
    """Start the build with the formatted entries of the last one (``builder-inited``).

    The memo is a build artefact beside Sphinx's own ``environment.pickle`` in the
    doctree folder, which Sphinx unpickles as it is: it adds no reader to trust
    (unlike the load cache in the user's cache folder, :mod:`socioaffective.cache`,
    which is shared across projects and so signed), and ``make clean`` removes it."""
    import pickle

    path = Path(app.doctreedir) / "socioaffective" / _PYBTEX_MEMO_FILE
    try:
        versions, memo = pickle.loads(path.read_bytes())
    except Exception:  # noqa: BLE001 - missing, old or unreadable: format again
        return
    if versions == _pybtex_versions() and isinstance(memo, dict):
        for key, value in memo.items():
            _PYBTEX_MEMO.setdefault(key, value)


def save_pybtex_memo(app, exception) -> None:
    """Keep this build's formatted entries for the next one (``build-finished``):
    those of the bib as it is now (what no bibliography asked for is dropped)."""
    import os
    import pickle

    if exception is not None or not _PYBTEX_USED:
        return
    path = Path(app.doctreedir) / "socioaffective" / _PYBTEX_MEMO_FILE
    try:
        data = pickle.dumps((_pybtex_versions(), {k: _PYBTEX_MEMO[k] for k in sorted(_PYBTEX_USED, key=repr) if k in _PYBTEX_MEMO}))
        if path.is_file() and path.read_bytes() == data:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):  # pragma: no cover - a cache only
        return


def skip_sphinx_search_index(app) -> None:
    """Feed Sphinx's own search index nothing when the book's search page replaces it.

    With a pydata-based theme the book's search.html (templates/book/) runs
    the book's offline index (``search-index.js``, :func:`_search_index`); no
    page loads Sphinx's ``searchindex.js``, whose stemming of every page's
    words was about 2 s of a full build of this book. Sphinx still writes the
    search page and a ``searchindex.js`` of the page titles only.
    """
    builder = app.builder
    if builder.format != "html" or getattr(app.config, "html_theme", "") not in PYDATA_THEMES or not hasattr(builder, "index_page"):
        return
    from sphinx.util.docutils import new_document

    empty = new_document("")

    def index_page(pagename, doctree, title) -> None:
        if builder.indexer is not None and title:  # titles only: Sphinx's index may not be empty
            builder.indexer.feed(pagename, builder.env.doc2path(pagename, False), title, empty)

    builder.index_page = index_page


#: env attribute: {docname: the text of the page's first paragraph} (the search index's chapter snippets)
INTROS = "socioaffective_intros"


def _first_paragraph(doctree) -> str:
    from docutils import nodes

    para = next(iter(doctree.findall(nodes.paragraph)), None)
    return para.astext() if para is not None else ""


def note_first_paragraph(app, doctree) -> None:
    """Keep a chapter's first paragraph as it is read (``doctree-read``), so the
    search index needs no chapter's doctree loaded again at the end of a build."""
    st = state(app)
    doc = app.env.docname
    if doc.startswith(st.entries_dir + "/"):
        return
    if not hasattr(app.env, INTROS):
        setattr(app.env, INTROS, {})
    getattr(app.env, INTROS)[doc] = _first_paragraph(doctree)


def _search_index(app, st) -> str:
    """The search page's index: every entry with a page, then every chapter."""
    from ..render.search import search_documents, search_index_js, search_meta

    env = app.env
    builder = app.builder
    docs = env.all_docs

    def url_for(id: str):
        try:
            doc = entry_docname(st, st.kb.get(id))
        except SocioaffectiveError:
            return None
        return builder.get_target_uri(doc) if doc is not None and doc in docs else None

    chapters = []
    prefix = st.entries_dir + "/"
    intros = getattr(env, INTROS, {})
    for doc in sorted(docs):
        if doc.startswith(prefix) or doc not in env.titles:
            continue
        text = intros.get(doc)
        if text is None:  # read by an older version of the extension: from its doctree
            try:
                text = _first_paragraph(env.get_doctree(doc))
            except Exception:  # noqa: BLE001 - a chapter without its doctree is still findable by title
                text = ""
        chapters.append((env.titles[doc].astext(), builder.get_target_uri(doc), text))
    return search_index_js(search_documents(st.kb, url_for, chapters), search_meta(st.kb))


def _css_blocks(css: str):
    """Top-level blocks of a style sheet as (start, end, prelude); None if unbalanced."""
    out, i, n = [], 0, len(css)
    start = 0
    depth = 0
    prelude_end = None
    while i < n:
        c = css[i]
        if c in "\"'":
            j = i + 1
            while j < n and css[j] != c:
                j += 2 if css[j] == "\\" else 1
            i = j + 1
            continue
        if css.startswith("/*", i):
            j = css.find("*/", i + 2)
            if j < 0:
                return None
            if depth == 0 and i == start:  # a comment of its own: a block
                out.append((start, j + 2, css[start : j + 2]))
                start = j + 2
            i = j + 2
            continue
        if c == "{":
            if depth == 0:
                prelude_end = i
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                return None
            if depth == 0:
                out.append((start, i + 1, css[start:prelude_end]))
                start = i + 1
        elif c == ";" and depth == 0:  # @charset, @import
            out.append((start, i + 1, css[start : i + 1]))
            start = i + 1
        i += 1
    if depth != 0:
        return None
    if start < n:
        out.append((start, n, css[start:n]))
    return out


_FA_SELECTOR = re.compile(r"^\s*(\.(fa|fas|far|fab|fa-[a-z0-9-]+)(::?(before|after))?|:host|:root)\s*$")


def _is_font_awesome(css: str, start: int, end: int, prelude: str) -> bool:
    text = css[start:end]
    head = prelude.strip()
    if head.startswith("/*"):
        return "Font Awesome" in head
    if head.startswith("@font-face"):
        return "Font Awesome" in text
    if head.startswith("@keyframes"):
        return head.split()[1].startswith("fa-") if len(head.split()) > 1 else False
    if head.startswith("@"):
        return False
    selectors = [s for s in head.split(",") if s.strip()]
    if not selectors or not all(_FA_SELECTOR.match(s) for s in selectors):
        return False
    if all(s.strip() in (":host", ":root") for s in selectors):  # only Font Awesome's own variables
        decls = [d.split(":", 1)[0].strip() for d in text[text.index("{") + 1 : -1].split(";") if d.strip()]
        return bool(decls) and all(d.startswith("--fa-") for d in decls)
    return True


_CLASS = re.compile(r"\.(-?[A-Za-z_][A-Za-z0-9_-]*)")
_TOKEN = re.compile(r"[A-Za-z0-9_-]+")


def _site_tokens(outdir: Path, cache: Path | None = None) -> set[str]:
    """Every word of every HTML page and script of the build: a class name that
    is not among them can be on no element (the scan PurgeCSS does).

    With ``cache`` (a file in the doctree folder), only new files and files
    changed since the last scan are read again; the words of the others are
    kept from it (a word of a page since removed may keep a rule, never drop one)."""
    import json

    tokens: set[str] = set()
    seen: dict[str, int] = {}
    if cache is not None:
        try:
            data = json.loads(cache.read_text(encoding="utf-8"))
            if data.get("outdir") == str(outdir):
                tokens, seen = set(data["tokens"]), dict(data["files"])
        except (OSError, ValueError, KeyError, TypeError):
            tokens, seen = set(), {}
    read = 0
    for f in outdir.rglob("*"):
        if f.suffix in (".html", ".js") and f.is_file():
            try:
                stamp = f.stat().st_mtime_ns
                if seen.get(str(f)) == stamp:
                    continue
                tokens.update(_TOKEN.findall(f.read_text(encoding="utf-8", errors="replace")))
                seen[str(f)] = stamp
                read += 1
            except OSError:
                continue
    if cache is not None and read:  # nothing read: the cache holds these words already
        cache.parent.mkdir(parents=True, exist_ok=True)
        # unsorted: the words are a set (sorting the site's ~58,000 took longer than reading the pages)
        cache.write_text(json.dumps({"outdir": str(outdir), "files": seen, "tokens": list(tokens)}), encoding="utf-8")
    return tokens


def _unused_rule(prelude: str, tokens: set[str]) -> bool:
    """True when every selector of the rule names a class no page or script has."""
    selectors = [s for s in prelude.split(",") if s.strip()]
    if not selectors:
        return False
    for sel in selectors:
        classes = _CLASS.findall(re.sub(r"\[[^\]]*\]|\([^)]*\)", "", sel))
        if not any(c not in tokens and not c.startswith("bs-") for c in classes):
            return False
    return True


def _filter_css(css: str, drop) -> str | None:
    """``css`` without the blocks ``drop(prelude, text)`` selects, inside @media too;
    None when the sheet cannot be read safely."""
    blocks = _css_blocks(css)
    if blocks is None:
        return None
    out = []
    for a, b, prelude in blocks:
        text = css[a:b]
        head = prelude.strip()
        if head.startswith("@media") or head.startswith("@supports"):
            inner_start = text.index("{") + 1
            inner = _filter_css(text[inner_start:-1], drop)
            if inner is None:
                out.append(text)
            elif inner.strip():
                out.append(text[:inner_start] + inner + "}")
            continue
        if not drop(prelude, text):
            out.append(text)
    return "".join(out)


# The style sheets the pages load before their first paint (render-blocking), under
# _static/, as the theme and sphinx-design ship them (Sphinx's basic.css is made from
# a template and left alone). Each loses the rules no page of the build can use
# (``True``: and Font Awesome's, which the book does not load).
STYLE_SHEETS = (
    ("styles/pydata-sphinx-theme.css", True),
    ("styles/sphinx-book-theme.css", False),
    ("sphinx-design.min.css", False),
)


def trim_style_sheets(outdir: Path, tokens_cache: Path | None = None) -> None:
    """Trim each of :data:`STYLE_SHEETS` that the build has (see :func:`_trim_theme_css`)."""
    sheets = [(outdir / "_static" / name, fonts) for name, fonts in STYLE_SHEETS if (outdir / "_static" / name).is_file()]
    if not sheets:
        return
    tokens = _site_tokens(outdir, tokens_cache)  # read once for all the sheets
    for sheet, fonts in sheets:
        _trim_theme_css(sheet, outdir, tokens_cache, font_awesome=fonts, tokens=tokens)


def _trim_theme_css(
    path: Path, outdir: Path | None = None, tokens_cache: Path | None = None, *, font_awesome: bool = True, tokens: set[str] | None = None
) -> None:
    """Drop from a style sheet of the theme what the book cannot use.

    - Font Awesome's rules and web fonts (~95 KB, with ``font_awesome``): the
      book does not load Font Awesome; socioaffective.css draws the theme's few icons.
    - Rules whose every selector names a class that appears in no page and no
      script of the build (``outdir``), as PurgeCSS does (the scripts are read
      too, so a class a script sets is kept), never ``bs-*`` classes
      (Bootstrap's scripts build those names).

    ``tokens``: the build's words, when the caller has read them already.
    Anything the parser is not sure about is kept; an unreadable file is left alone.
    """
    try:
        css = path.read_text(encoding="utf-8")
    except OSError:
        return
    if tokens is None and outdir is not None:
        tokens = _site_tokens(outdir, tokens_cache)
    # the same sheet and the same words give the same result: kept beside the token cache
    memo = None
    if tokens_cache is not None:
        import hashlib

        # only the words that are class names of this sheet decide what is dropped: a page's
        # new text (a rebuild after an edit) leaves the key, and the trimmed sheet, as they were
        relevant = sorted(set(_CLASS.findall(css)) & tokens) if tokens is not None else ["\0no-tokens"]
        key = hashlib.sha256(css.encode("utf-8") + b"\0" + " ".join(relevant).encode("utf-8")).hexdigest()[:24]
        stem = re.sub(r"[^A-Za-z0-9_-]", "-", path.name)
        memo = tokens_cache.with_name(f"css-{stem}-{key}.css")
        try:
            out = memo.read_text(encoding="utf-8")
        except OSError:
            out = None
        if out is not None:
            if out != css:
                path.write_text(out, encoding="utf-8")
            return
        for old in tokens_cache.parent.glob(f"css-{stem}-*.css"):
            old.unlink()

    def drop(prelude: str, text: str) -> bool:
        head = prelude.strip()
        if font_awesome and _is_font_awesome(text, 0, len(text), prelude):
            return True
        if tokens is not None and not head.startswith(("@", "/*")):
            return _unused_rule(head, tokens)
        return False

    out = _filter_css(css, drop)
    if memo is not None:
        memo.write_text(css if out is None else out, encoding="utf-8")
    if out is not None and out != css:
        path.write_text(out, encoding="utf-8")


# vis-network's style sheet: the parts for its editing tools and configurator,
# which the book's graphs never turn on (about 177 KB of embedded images).
_VIS_UNUSED = re.compile(r"vis-(manipulation|edit-mode|close|configuration|color-picker)\b")


def vis_css(text: str) -> str:
    """vis-network.css without the rules of the editing tools and configurator."""
    out = _filter_css(text, lambda prelude, _text: bool(_VIS_UNUSED.search(prelude)) and all(_VIS_UNUSED.search(s) for s in prelude.split(",") if s.strip()))
    return text if out is None else out
