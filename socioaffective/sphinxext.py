"""The Sphinx extension behind the web book: the framework rendered, never restated.

Add ``socioaffective.sphinxext`` to the extensions (with myst-parser or
MyST-NB and sphinxcontrib-bibtex). At ``config-inited`` it loads the framework
once, reports its problems as warnings (``type="socioaffective"``, subtype =
problem code, located at file:line, so ``-W`` fails on a broken framework) and
writes one page stub per entry into ``chapters/entries/<kind>/<id>.md``.

Directives (thin adapters over the pure renderers in
:mod:`socioaffective.render`):

- ``socioaffective-entry <id>``: an entry's page (badges, text, fields, links,
  backlinks, neighbourhood graph, sources, provenance, the Python line);
- ``socioaffective-list <kind>``: the entries of a kind;
- ``socioaffective-graph``: the whole framework with filters and search, or
  ``:entry: <id>`` for one entry's neighbourhood, or ``:kinds: a b`` for part
  of it (options ``:height:``, ``:caption:``, ``:max-nodes:``, and ``:wide:``
  to use the right margin on pages without an in-page contents sidebar);
- ``socioaffective-matrix <row-kind> <col-kind> <relation>``: a heat-map table;
- ``socioaffective-glossary``: a Sphinx glossary from the concepts;
- ``socioaffective-schema grades|kinds|relations|fields`` (and
  ``socioaffective-grades``): tables of the schema.

Roles: ``socioaffective-kind``, ``socioaffective-grade``,
``socioaffective-badge`` (badges) and ``socioaffective-count`` (how many
entries of a kind, or ``all``).

Config values: ``socioaffective_root`` (the folder holding ``framework/``;
default: the book's source folder), ``socioaffective_entries_dir`` (where the
stubs go, default ``chapters/entries``), ``socioaffective_graph_max_nodes``
(24: a neighbourhood shows 2 hops if that fits, else 1) and
``socioaffective_add_bibfile`` (add the framework's references.bib to
``bibtex_bibfiles``; default True).

Graph pages are written into ``_static/socioaffective/graphs/`` and embedded
with iframes; vis-network's files are copied once from the pyvis package.
A page is rebuilt in an incremental build exactly when what it shows changed
(a signature per directive, compared at ``env-get-outdated``).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole
from sphinx.util.osutil import relative_uri

from . import __version__
from .errors import SocioaffectiveError
from .render import pages
from .render.matrix import css_name, matrix_table
from .render.network import graph_data, graph_page, graph_table, layout, layout_key, neighbourhood_ids

logger = logging.getLogger(__name__)

WARNING_TYPE = "socioaffective"
STATIC_DIR = "socioaffective"  # inside the output's _static/
GRAPH_DIR = "graphs"
VIS_DIR = "vis"
PAGE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
SAFE_SCHEMES = {"", "http", "https", "mailto"}


# ---------------------------------------------------------------------------
# state


@dataclass
class State:
    """What the extension knows during one build (kept on the Sphinx app)."""

    kb: object
    root: Path
    entries_dir: str  # docname prefix, e.g. "chapters/entries"
    layouts: dict = field(default_factory=dict)
    schema_hash: str = ""  # every page shows labels and badges from schema.yaml


def state(app) -> State:
    return app._socioaffective  # set at config-inited


def entry_docname(st: State, entry) -> str | None:
    """The page of an entry, or ``None`` when its id or kind cannot be a file name."""
    if entry.is_reference or not PAGE_NAME.match(entry.id) or not PAGE_NAME.match(entry.kind):
        return None
    return f"{st.entries_dir}/{entry.kind}/{entry.id}"


# ---------------------------------------------------------------------------
# config-inited: load the framework, write page stubs


def _warn(message: str, subtype: str, location: str | None = None) -> None:
    logger.warning(message, type=WARNING_TYPE, subtype=subtype, location=location)


def config_inited(app, config) -> None:
    from .loader import load

    srcdir = Path(app.srcdir)
    root = Path(config.socioaffective_root) if config.socioaffective_root else srcdir
    if not root.is_absolute():
        root = (Path(app.confdir) / root).resolve()
    entries_dir = str(config.socioaffective_entries_dir).strip("/")
    target = (srcdir / entries_dir).resolve()
    if not entries_dir or target == srcdir.resolve() or not target.is_relative_to(srcdir.resolve()):
        raise SocioaffectiveError(f"socioaffective_entries_dir must be a folder inside the book, not `{entries_dir}`")
    kb = load(root, strict=False)
    try:
        schema_hash = hashlib.sha256((root / "framework" / "schema.yaml").read_bytes()).hexdigest()
    except OSError:
        schema_hash = ""
    app._socioaffective = State(kb=kb, root=root, entries_dir=entries_dir, schema_hash=schema_hash)
    write_stubs(app._socioaffective, target)
    bib = root / "references.bib"
    if config.socioaffective_add_bibfile and "bibtex_bibfiles" in config and bib.exists():
        current = [(Path(app.confdir) / f).resolve() for f in (config.bibtex_bibfiles or [])]
        if bib.resolve() not in current:
            config.bibtex_bibfiles = list(config.bibtex_bibfiles or []) + [str(bib.resolve())]


def write_stubs(st: State, folder: Path) -> None:
    """Write ``<kind>/<id>.md`` for every entry (only when changed); delete stale stubs.

    Only files that start with :data:`pages.GENERATED_MARKER` are ever deleted,
    and only inside ``folder``.
    """
    kb = st.kb
    wanted: dict[Path, str] = {}
    for e in kb.entries():
        if entry_docname(st, e) is None:
            continue
        wanted[folder / e.kind / f"{e.id}.md"] = pages.entry_stub(kb, e)
    for path, text in wanted.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            if path.read_text(encoding="utf-8") == text:
                continue
        except OSError:
            pass
        path.write_text(text, encoding="utf-8")
    if folder.is_dir():
        for path in sorted(folder.rglob("*.md")):
            if path in wanted or path.is_symlink():
                continue
            try:
                first = path.read_text(encoding="utf-8").split("\n", 1)[0]
            except (OSError, UnicodeDecodeError):
                continue
            if first == pages.GENERATED_MARKER:
                path.unlink()
        for d in sorted((p for p in folder.rglob("*") if p.is_dir()), reverse=True):
            if not any(d.iterdir()):
                d.rmdir()


# ---------------------------------------------------------------------------
# builder-inited: report the framework's problems


def builder_inited(app) -> None:
    st = state(app)
    for p in st.kb.report.problems:
        where = f"{st.root / p.file}:{p.line}" if p.line else str(st.root / p.file) if p.file else None
        who = f" [{p.entry}]" if p.entry else ""
        hint = f" (hint: {p.hint})" if p.hint else ""
        _warn(f"{p.severity} {p.code}{who}: {p.message}{hint}", p.code, where)
    for e in st.kb.entries():
        if entry_docname(st, e) is None:
            _warn(f"entry `{e.id}` (kind `{e.kind}`) gets no page: its id or kind cannot be a file name", "unsafe-id", f"{st.root / e.file}:{e.line}")
    env = app.env
    if not hasattr(env, "socioaffective_specs"):
        env.socioaffective_specs = {}


def env_updated(app, env):
    """Warn about entries whose page is not in the book (no toc glob for their kind)."""
    st = state(app)
    missing: dict[str, int] = {}
    for e in st.kb.entries():
        doc = entry_docname(st, e)
        if doc is not None and doc not in env.found_docs:
            missing[e.kind] = missing.get(e.kind, 0) + 1
    for kind, n in missing.items():
        _warn(
            f"{n} entr{'y' if n == 1 else 'ies'} of kind `{kind}` have no page in the book: "
            f"add `- glob: {st.entries_dir}/{kind}/*` under a chapter's `sections:` in _toc.yml",
            "missing-page",
        )
    return []


# ---------------------------------------------------------------------------
# signatures: a page is outdated when what one of its directives shows changed


def spec_output(app, spec: tuple) -> str:
    """What a directive with this spec shows, as text (for signatures)."""
    st = state(app)
    kb = st.kb
    kind, *args = spec
    try:
        if kind == "entry":
            e = kb.get(args[0])
            titles = sorted((x.id, x.title, x.kind) for x in kb.related(e.id, direction="both"))
            return pages.entry_page(kb, e) + json.dumps(titles)
        if kind == "list":
            return pages.kind_list(kb, args[0], summary=args[1])
        if kind == "schema":
            return pages.schema_table(kb, args[0])
        if kind == "matrix":
            return matrix_table(kb, kb.matrix(*args[:3]), caption=args[3])
        if kind == "graph":
            return json.dumps(graph_spec_data(app, dict(args[0]), None), sort_keys=True)
        if kind == "glossary":
            return json.dumps([(e.id, e.title, e.summary, e.fields.get("aliases")) for e in _glossary_entries(kb, args[0])])
        if kind == "count":
            return str(_count(kb, args[0]))
    except (SocioaffectiveError, KeyError, ValueError) as exc:
        return f"error: {exc}"
    return ""


def signature(app, spec) -> str:
    text = state(app).schema_hash + spec_output(app, spec)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def note_spec(directive, spec: tuple) -> None:
    env = directive.env
    if not hasattr(env, "socioaffective_specs"):
        env.socioaffective_specs = {}
    env.socioaffective_specs.setdefault(env.docname, {})[spec] = signature(env.app, spec)


def env_get_outdated(app, env, added, changed, removed):
    specs = getattr(env, "socioaffective_specs", {})
    out = []
    for doc, recorded in specs.items():
        if doc in removed or doc in changed:
            continue
        if any(signature(app, spec) != sig for spec, sig in recorded.items()):
            out.append(doc)
    return out


def env_purge_doc(app, env, docname):
    getattr(env, "socioaffective_specs", {}).pop(docname, None)


def env_merge_info(app, env, docnames, other):
    if not hasattr(env, "socioaffective_specs"):
        env.socioaffective_specs = {}
    for doc in docnames:
        if doc in getattr(other, "socioaffective_specs", {}):
            env.socioaffective_specs[doc] = other.socioaffective_specs[doc]


# ---------------------------------------------------------------------------
# directives


class MystDirective(SphinxDirective):
    """Base: render generated MyST text in place (like MyST's own include)."""

    def render_myst(self, text: str) -> list:
        renderer = getattr(self.state, "_renderer", None)
        if renderer is None:
            raise self.error(f"`{self.name}` works in MyST Markdown pages only")
        renderer.nested_render_text(text, self.lineno)
        return []

    def kb(self):
        return state(self.env.app).kb


class EntryDirective(MystDirective):
    """``socioaffective-entry <id>``: an entry's page body."""

    required_arguments = 1
    option_spec = {"no-graph": directives.flag}

    def run(self):
        kb = self.kb()
        try:
            entry = kb.get(self.arguments[0])
        except SocioaffectiveError as exc:
            _warn(str(exc), "unknown-id", self.get_location())
            return []
        note_spec(self, ("entry", entry.id))
        return self.render_myst(pages.entry_page(kb, entry, graph="no-graph" not in self.options))


class ListDirective(MystDirective):
    """``socioaffective-list <kind>``: the entries of a kind, linked, with summaries."""

    required_arguments = 1
    option_spec = {"no-summary": directives.flag}

    def run(self):
        kind = self.arguments[0]
        summary = "no-summary" not in self.options
        try:
            text = pages.kind_list(self.kb(), kind, summary=summary)
        except SocioaffectiveError as exc:
            _warn(str(exc), "unknown-kind", self.get_location())
            return []
        note_spec(self, ("list", kind, summary))
        return self.render_myst(text)


class SchemaDirective(MystDirective):
    """``socioaffective-schema grades|kinds|relations|fields``: a table of the schema."""

    required_arguments = 1

    def run(self):
        what = self.arguments[0]
        try:
            text = pages.schema_table(self.kb(), what)
        except ValueError as exc:
            raise self.error(str(exc)) from None
        note_spec(self, ("schema", what))
        return self.render_myst(text)


class GradesDirective(SchemaDirective):
    """``socioaffective-grades``: the provenance grades with their badges."""

    required_arguments = 0

    def run(self):
        self.arguments = ["grades"]
        return super().run()


class placeholder(nodes.General, nodes.Element):
    """Replaced by raw HTML at doctree-resolved, when page URLs are known."""


def _visit_skip(self, node):
    raise nodes.SkipNode


class GraphDirective(SphinxDirective):
    """``socioaffective-graph``: an interactive graph (iframe) and its table."""

    option_spec = {
        "entry": directives.unchanged_required,
        "kinds": directives.unchanged_required,
        "height": directives.positive_int,
        "caption": directives.unchanged,
        "max-nodes": directives.positive_int,
        "wide": directives.flag,
    }

    def run(self):
        kb = state(self.env.app).kb
        spec = {"caption": self.options.get("caption", "")}
        if "entry" in self.options:
            id = self.options["entry"].strip()
            if id not in kb or not PAGE_NAME.match(id):
                _warn(f"socioaffective-graph: no entry `{id}`", "unknown-id", self.get_location())
                return []
            spec.update(mode="entry", entry=id, max_nodes=self.options.get("max-nodes", self.config.socioaffective_graph_max_nodes))
            spec["height"] = self.options.get("height", 460)
        else:
            kinds = tuple(self.options.get("kinds", "").split())
            for k in kinds:
                if k not in kb.schema.kinds:
                    raise self.error(f"socioaffective-graph: no kind `{k}` (kinds: {', '.join(kb.schema.kinds)})")
            spec.update(mode="explorer", kinds=kinds, height=self.options.get("height", 640))
        spec["wide"] = "wide" in self.options
        frozen = tuple(sorted(spec.items()))
        note_spec(self, ("graph", frozen))
        return [placeholder(spec=("graph", frozen))]


class MatrixDirective(SphinxDirective):
    """``socioaffective-matrix <row-kind> <col-kind> <relation>``: a heat-map table."""

    required_arguments = 3
    option_spec = {"caption": directives.unchanged}

    def run(self):
        kb = state(self.env.app).kb
        args = tuple(self.arguments)
        try:
            kb.matrix(*args)
        except SocioaffectiveError as exc:
            raise self.error(f"socioaffective-matrix: {exc}") from None
        spec = ("matrix", *args, self.options.get("caption", ""))
        note_spec(self, spec)
        return [placeholder(spec=spec)]


def _glossary_entries(kb, kind: str):
    out = [e for e in kb.entries(kind) if e.fields.get("glossary", True) is not False]
    return sorted(out, key=lambda e: e.title.lower())


class GlossaryDirective(SphinxDirective):
    """``socioaffective-glossary``: a Sphinx glossary (``{term}`` targets) from a kind's entries."""

    option_spec = {"kind": directives.unchanged}

    def run(self):
        from sphinx import addnodes
        from sphinx.domains.std import make_glossary_term

        st = state(self.env.app)
        kind = self.options.get("kind", "concept").strip()
        try:
            entries = _glossary_entries(st.kb, kind)
        except SocioaffectiveError as exc:
            raise self.error(str(exc)) from None
        note_spec(self, ("glossary", kind))
        dl = nodes.definition_list(classes=["glossary", "sa-glossary"])
        source, line = self.get_source_info()
        seen: set[str] = set()
        for e in entries:
            item = nodes.definition_list_item()
            for term_text in [e.title] + [str(a) for a in (e.fields.get("aliases") or [])]:
                key = term_text.lower()
                if key in seen:
                    continue
                seen.add(key)
                item += make_glossary_term(self.env, [nodes.Text(term_text)], None, source, line, None, self.state.document)
            definition = nodes.definition()
            para = nodes.paragraph(text=e.summary + " ")
            doc = entry_docname(st, e)
            if doc is not None:
                ref = addnodes.pending_xref("", nodes.inline(text="Read more"), refdomain="std", reftype="ref", reftarget=pages.entry_label(e.id).lower(), refexplicit=True, refwarn=True)
                para += ref
            definition += para
            item += definition
            dl += item
        node = addnodes.glossary("", dl)
        node["sorted"] = False  # already sorted by title
        return [node]


# ---------------------------------------------------------------------------
# roles


def _count(kb, what: str) -> int:
    if what == "all":
        return len(kb.entries())
    if what in ("reference", "references"):
        return len(kb.references)
    if what == "links":
        return len([r for r in kb.relations() if r.target not in kb.references])
    return len(kb.entries(what))


class KindRole(SphinxRole):
    def run(self):
        kb = state(self.env.app).kb
        k = kb.schema.kinds.get(self.text)
        if k is None:
            _warn(f"no kind `{self.text}`", "unknown-kind", self.get_location())
            return [nodes.inline(text=self.text)], []
        return [nodes.inline(text=k.label, classes=["sa-badge", "sa-kind", f"sa-kind-{css_name(k.name)}"])], []


class GradeRole(SphinxRole):
    short = False

    def run(self):
        kb = state(self.env.app).kb
        g = kb.schema.grades.get(self.text)
        if g is None:
            _warn(f"no grade `{self.text}`", "unknown-grade", self.get_location())
            return [nodes.inline(text=self.text)], []
        claim = "sa-claim" if g.paper_claim else "sa-noclaim"
        classes = ["sa-badge", "sa-grade", f"sa-grade-{css_name(g.name)}", claim]
        if self.short:
            return [nodes.abbreviation(text=g.badge, explanation=g.label, classes=classes)], []
        return [nodes.abbreviation(text=f"{g.badge} · {g.label}", explanation=g.description or g.label, classes=[*classes, "sa-grade-full"])], []


class BadgeRole(GradeRole):
    short = True


class CountRole(SphinxRole):
    def run(self):
        kb = state(self.env.app).kb
        try:
            n = _count(kb, self.text.strip())
        except SocioaffectiveError as exc:
            _warn(str(exc), "unknown-kind", self.get_location())
            return [nodes.inline(text="?")], []
        self.env.socioaffective_specs.setdefault(self.env.docname, {})[("count", self.text.strip())] = signature(self.env.app, ("count", self.text.strip()))
        return [nodes.inline(text=str(n))], []


# ---------------------------------------------------------------------------
# doctree-resolved: placeholders -> HTML, unsafe links -> text


def _url_for(app, from_uri: str):
    """A function giving an entry page's URL relative to ``from_uri`` (or None)."""
    st = state(app)
    docs = app.env.all_docs
    builder = app.builder

    def url_for(id: str):
        try:
            e = st.kb.get(id)
        except SocioaffectiveError:
            return None
        doc = entry_docname(st, e)
        if doc is None or doc not in docs:
            return None
        return relative_uri(from_uri, builder.get_target_uri(doc))

    return url_for


def graph_name(spec: dict) -> str:
    if spec["mode"] == "entry":
        return f"entry-{spec['entry']}"
    return "explorer" + ("-" + "-".join(spec["kinds"]) if spec["kinds"] else "")


def _cached_layout(app, ids, center=None, unit=60, aspect=1.8):
    st = state(app)
    key = layout_key(st.kb, ids) + (f"-{center}" if center else "") + f"-{unit}-{aspect}"
    if key in st.layouts:
        return st.layouts[key]
    cache = Path(app.doctreedir) / "socioaffective" / f"layout-{key}.json"
    try:
        pos = {k: tuple(v) for k, v in json.loads(cache.read_text()).items()}
    except (OSError, ValueError):
        pos = layout(st.kb, ids, center=center, unit=unit, aspect=aspect)
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(pos, sort_keys=True))
    st.layouts[key] = pos
    return pos


def graph_spec_data(app, spec: dict, url_for):
    """The vis-network data of a graph spec (positions cached)."""
    kb = state(app).kb
    if spec["mode"] == "entry":
        ids, _depth = neighbourhood_ids(kb, spec["entry"], spec["max_nodes"])
        pos = _cached_layout(app, ids, center=spec["entry"], unit=80, aspect=2.1)
        members = set(ids)
        labels = sum(1 for r in kb.relations() if r.source in members and r.target in members) <= 12  # more: tooltips only
        return graph_data(kb, ids, pos, url_for, center=spec["entry"], edge_labels=labels)
    ids = [e.id for e in kb.entries() if not spec["kinds"] or e.kind in spec["kinds"]]
    if spec["kinds"]:  # a part of the framework: a smaller picture with a legend, no filters
        pos = _cached_layout(app, ids, unit=80, aspect=2.2)
    else:
        pos = _cached_layout(app, ids, unit=105, aspect=1.9)
    return graph_data(kb, ids, pos, url_for)


def _graph_title(kb, spec: dict) -> str:
    if spec["mode"] == "entry":
        return f"Graph: the neighbourhood of {kb.get(spec['entry']).title}"
    return "Graph: the whole framework" if not spec["kinds"] else "Graph: " + ", ".join(kb.schema.kinds[k].plural for k in spec["kinds"])


def render_placeholder(app, docname: str, spec: tuple) -> str:
    import html

    st = state(app)
    kb = st.kb
    page_uri = app.builder.get_target_uri(docname)
    url_for = _url_for(app, page_uri)
    if spec[0] == "matrix":
        _, row, col, rel, caption = spec
        return matrix_table(kb, kb.matrix(row, col, rel), url_for, caption)
    g = dict(spec[1])
    name = graph_name(g)
    src = relative_uri(page_uri, f"_static/{STATIC_DIR}/{GRAPH_DIR}/{name}.html")
    data = graph_spec_data(app, g, url_for)
    title = _graph_title(kb, g)
    esc = lambda s: html.escape(str(s), quote=True)  # noqa: E731
    caption = f"<figcaption>{esc(g['caption'])}</figcaption>" if g.get("caption") else ""
    open_attr = " open" if g["mode"] == "entry" else ""
    n = len(data["nodes"])
    wide = " sa-wide" if g.get("wide") else ""
    return (
        f'<div class="sa-graph-wrap{wide}"><figure class="sa-graph-figure sa-graph-{g["mode"]}">'
        f'<iframe class="sa-graph-frame" src="{esc(src)}" title="{esc(title)}" style="height:{int(g["height"])}px"></iframe>{caption}'
        f'<details class="sa-graph-alt"{open_attr}><summary>The same graph as a table ({n} entr{"y" if n == 1 else "ies"})</summary>'
        f"{graph_table(data, url_for)}</details></figure></div>"
    )


def _safe_uri(uri: str) -> bool:
    cleaned = "".join(ch for ch in uri if ord(ch) > 0x20 and ch not in "\x7f")
    return urlsplit(cleaned).scheme.lower() in SAFE_SCHEMES


def doctree_resolved(app, doctree, docname) -> None:
    html_builder = app.builder.format == "html"
    for node in list(doctree.findall(placeholder)):
        if html_builder:
            node.replace_self(nodes.raw("", render_placeholder(app, docname, node["spec"]), format="html"))
        else:
            node.replace_self(nodes.paragraph(text="(An interactive table or graph: see the HTML book.)"))
    for ref in list(doctree.findall(nodes.reference)):
        uri = ref.get("refuri")
        if uri and not _safe_uri(uri):
            _warn(f"link to `{uri[:60]}` removed: only http, https and mailto links are kept", "unsafe-link", ref)
            ref.replace_self(nodes.inline(text=ref.astext()))


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


# ---------------------------------------------------------------------------
# build-finished: static files and graph pages


def _write_if_changed(path: Path, text: str) -> None:
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _copy_if_changed(src: Path, dst: Path) -> None:
    if dst.exists() and dst.stat().st_size == src.stat().st_size and dst.read_bytes() == src.read_bytes():
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)


def vis_files() -> list[Path]:
    """vis-network's JS and CSS, as shipped inside the pyvis package."""
    from importlib import resources

    lib = Path(str(resources.files("pyvis"))) / "templates" / "lib" / "vis-9.1.2"
    return [lib / "vis-network.min.js", lib / "vis-network.css"]


def build_finished(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    from importlib import resources

    st = state(app)
    out = Path(app.outdir) / "_static" / STATIC_DIR
    for f in vis_files():
        _copy_if_changed(f, out / VIS_DIR / f.name)
    static = Path(str(resources.files("socioaffective"))) / "static"
    for f in sorted(static.iterdir()):
        if f.is_file() and f.suffix in (".js", ".css"):
            _copy_if_changed(f, out / f.name)
    _write_if_changed(out / "schema.css", pages.schema_css(st.kb.schema))
    graphs = {}
    for specs in getattr(app.env, "socioaffective_specs", {}).values():
        for spec in specs:
            if spec[0] == "graph":
                g = dict(spec[1])
                graphs[graph_name(g)] = g
    for name, g in sorted(graphs.items()):
        page_uri = f"_static/{STATIC_DIR}/{GRAPH_DIR}/{name}.html"
        try:
            data = graph_spec_data(app, g, _url_for(app, page_uri))
            title = _graph_title(st.kb, g)
        except SocioaffectiveError:
            continue
        _write_if_changed(out / GRAPH_DIR / f"{name}.html", graph_page(data, title=title, static="../", explorer=g["mode"] == "explorer" and not g["kinds"]))


# ---------------------------------------------------------------------------


def _memoize_pybtex_entry_points() -> None:
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

    entry_points.socioaffective_memo = True
    plugin.entry_points = entry_points


def setup(app):
    _memoize_pybtex_entry_points()
    app.add_config_value("socioaffective_root", None, "env", [str])
    app.add_config_value("socioaffective_entries_dir", "chapters/entries", "env", [str])
    app.add_config_value("socioaffective_graph_max_nodes", 24, "env", [int])
    app.add_config_value("socioaffective_add_bibfile", True, "env", [bool])

    app.connect("config-inited", config_inited, priority=400)  # before sphinx-external-toc (900)
    app.connect("builder-inited", builder_inited)
    app.connect("env-get-outdated", env_get_outdated)
    app.connect("env-purge-doc", env_purge_doc)
    app.connect("env-merge-info", env_merge_info)
    app.connect("env-updated", env_updated)
    app.connect("doctree-resolved", doctree_resolved)
    app.connect("html-page-context", html_page_context, priority=900)
    app.connect("build-finished", build_finished)

    app.add_node(placeholder, html=(_visit_skip, None), latex=(_visit_skip, None), text=(_visit_skip, None), man=(_visit_skip, None), texinfo=(_visit_skip, None))
    app.add_directive("socioaffective-entry", EntryDirective)
    app.add_directive("socioaffective-list", ListDirective)
    app.add_directive("socioaffective-graph", GraphDirective)
    app.add_directive("socioaffective-matrix", MatrixDirective)
    app.add_directive("socioaffective-glossary", GlossaryDirective)
    app.add_directive("socioaffective-schema", SchemaDirective)
    app.add_directive("socioaffective-grades", GradesDirective)
    app.add_role("socioaffective-kind", KindRole())
    app.add_role("socioaffective-grade", GradeRole())
    app.add_role("socioaffective-badge", BadgeRole())
    app.add_role("socioaffective-count", CountRole())
    app.add_css_file(f"{STATIC_DIR}/socioaffective.css")
    app.add_css_file(f"{STATIC_DIR}/schema.css")

    # Downloads (issue 5): every export written into _static/socioaffective/exports/
    # at build-finished, and the `socioaffective-downloads` directive. Owned by export/book.py.
    from .export.book import setup as setup_downloads

    setup_downloads(app)
    return {"version": __version__, "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
