"""The book's directives and roles, each declared once.

One :class:`BookDirective` per directive (or role) says everything the
extension needs about it:

- ``name``: what a page writes (``socioaffective-entry``), and ``cls``, the
  directive or role that renders it (``setup`` registers every one in Sphinx);
- ``depends``: what of the framework it depends on, as a :class:`Scope`
  (the whole framework, an entry and its neighbourhood, some kinds, the
  references, the schema only). An incremental build compares this scope's
  content hash first (cheap), and only when it changed renders ``shows``
  again and compares that (exact): a page is re-read exactly when what it
  shows changed, and rendering is paid only for pages whose data changed;
- ``shows(app, args)``: what it shows, as text (for the signature);
- ``resolve(app, docname, args)``: for directives that leave a placeholder
  (graphs, matrices), the HTML that replaces it once page URLs are known.

A declaration without a scope or a ``shows`` cannot be made (a forgotten
signature would leave incremental builds silently stale), and a placeholder
whose directive is not declared here is an error, not a guess.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import pickle
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import SocioaffectiveError
from ..query import count_entries, glossary_entries, glossary_kinds
from .directives import entry_shown
from .state import DECLARATIONS, state

# ---------------------------------------------------------------------------
# scopes: what a directive's output may depend on


def _digest(parts) -> str:
    h = hashlib.blake2b(digest_size=16)
    for p in parts:
        h.update(p.encode("utf-8") if isinstance(p, str) else p)
        h.update(b"\0")
    return h.hexdigest()


def fingerprints(st) -> dict[str, str]:
    """A content hash per entry and bib reference of this build's framework (computed once)."""
    fp = getattr(st, "fingerprints", None)
    if fp is None:
        kb = st.kb
        fp = {}
        for e in [*kb.entries(), *kb.references.values()]:
            fp[e.id] = hashlib.blake2b(pickle.dumps(e, protocol=4), digest_size=12).hexdigest()
        st.fingerprints = fp
    return fp


#: What no page shows of an entry other than its own: its long text and where it and its
#: links sit in its file (``tests/test_book_registry.py`` renders every entry page and
#: neighbourhood graph of the framework with these changed on half the entries, and compares).
NOT_SHOWN_ELSEWHERE = {"description": "", "line": 0, "field_lines": {}}


def _as_seen_elsewhere(e):
    relations = [dataclasses.replace(r, line=0) for r in e.relations]
    return dataclasses.replace(e, relations=relations, **NOT_SHOWN_ELSEWHERE)


def neighbour_fingerprints(st) -> dict[str, str]:
    """A content hash per entry of what the pages of other entries may show of it: everything
    but :data:`NOT_SHOWN_ELSEWHERE` (computed once). A description edit, or the lines it moves
    below it, leaves the neighbours' scope keys as they were, so their pages are not rendered
    again to be compared."""
    fp = getattr(st, "neighbour_fingerprints", None)
    if fp is None:
        fp = {}
        for e in st.kb.entries():
            fp[e.id] = hashlib.blake2b(pickle.dumps(_as_seen_elsewhere(e), protocol=4), digest_size=12).hexdigest()
        st.neighbour_fingerprints = fp
    return fp


def _ids_key(st, ids) -> str:
    fp = fingerprints(st)
    return _digest(f"{i}={fp.get(i, '-')}" for i in sorted(set(ids)))


def _neighbourhood_key(st, id: str, ids) -> str:
    """The entry whole, the others (and its references) as :func:`neighbour_fingerprints` sees them."""
    own, near = fingerprints(st), neighbour_fingerprints(st)
    return _digest([f"{id}={own.get(id, '-')}", *(f"{i}~{near.get(i) or own.get(i, '-')}" for i in sorted(set(ids) - {id}))])


@dataclass(frozen=True)
class Scope:
    """What a directive's output may depend on: ``key(st, args)`` hashes exactly that data."""

    label: str
    key: Callable

    def __post_init__(self):
        if not callable(self.key):
            raise TypeError(f"scope `{self.label}`: key must be a function of (state, args)")


def _whole_kb(st, args) -> str:
    return _ids_key(st, fingerprints(st))


def _sources_of(prov) -> list[str]:
    if prov is None:
        return []
    return [prov.source, *(getattr(prov, "sources", ()) or ())]


def entry_scope_ids(kb, id: str) -> set[str]:
    """The entry, everything within two links of it (both directions, not
    through bib references, which join nearly everything), and the references
    its own and its links' provenance name: a superset of what its page shows
    (text, links and backlinks, the neighbourhood graph, sources)."""
    if id not in kb:
        return {id}
    refs = kb.references
    out = {id}
    frontier = [id]
    for _hop in range(2):
        nxt = []
        for n in frontier:
            if n in refs:
                continue
            for r in kb.relations(n, direction="both"):
                for other in (r.source, r.target):
                    if other not in out:
                        out.add(other)
                        nxt.append(other)
                if n == id:
                    out.update(s for s in _sources_of(r.provenance) if s in refs)
        frontier = nxt
    e = kb.get(id)
    out.update(s for s in _sources_of(e.provenance) if s in refs)
    return out


def _entry(st, args) -> str:
    return _neighbourhood_key(st, args[0], entry_scope_ids(st.kb, args[0]))


def _kinds_key(st, kinds) -> str:
    kinds = list(kinds)
    ids = [e.id for k in kinds if k in st.kb.schema.kinds for e in st.kb.entries(k)]
    return ",".join(kinds) + ":" + _ids_key(st, ids)


def kinds_scope(label: str, pick: Callable) -> Scope:
    """The entries of the kinds ``pick(args)`` names (and so every link they make)."""
    return Scope(label, lambda st, args: _kinds_key(st, pick(args)))


WHOLE_KB = Scope("the whole framework", _whole_kb)
ENTRY_NEIGHBOURHOOD = Scope("the entry and its neighbourhood (2 links), with the references it cites", _entry)
REFERENCES = Scope("the bib references", lambda st, args: _ids_key(st, st.kb.references))
SCHEMA = Scope("schema.yaml only", lambda st, args: "")
STATIC = Scope("nothing of the framework (fixed markup)", lambda st, args: "")


# ---------------------------------------------------------------------------
# declarations


@dataclass(frozen=True)
class BookDirective:
    """One directive (or role) of the book, declared once."""

    name: str
    cls: type
    depends: Scope
    shows: Callable
    resolve: Callable | None = None
    role: bool = False
    #: MyST that uses it, for the registry's own test book
    example: str = ""

    def __post_init__(self):
        if not self.name.startswith("socioaffective-"):
            raise TypeError(f"book directive `{self.name}`: names start with `socioaffective-`")
        if not isinstance(self.depends, Scope):
            raise TypeError(f"book directive `{self.name}`: `depends` must be a Scope (what an incremental build compares), not {self.depends!r}")
        if not callable(self.shows):
            raise TypeError(f"book directive `{self.name}`: `shows(app, args)` (its signature for incremental builds) is required")
        if self.resolve is not None and not callable(self.resolve):
            raise TypeError(f"book directive `{self.name}`: `resolve` must be a function of (app, docname, args)")
        if not isinstance(self.cls, type):
            raise TypeError(f"book directive `{self.name}`: `cls` must be a directive or role class")

    @property
    def key(self) -> str:
        """The tag of this directive's specs and placeholders."""
        return self.name.removeprefix("socioaffective-")

    @property
    def options(self) -> dict:
        return dict(getattr(self.cls, "option_spec", None) or {})

    def scope_key(self, app, args: tuple) -> str:
        st = state(app)
        try:
            key = self.depends.key(st, args)
        except Exception:  # noqa: BLE001 - arguments the directive refused (an error use): any change may fix them
            key = "error:" + _whole_kb(st, args)
        return _digest([st.schema_hash, self.key, key])

    def output_sig(self, app, args: tuple, text: str | None = None) -> str:
        """The hash of what it shows (``text`` when the caller rendered it already)."""
        st = state(app)
        if text is None:
            try:
                text = self.shows(app, args)
            except Exception as exc:  # noqa: BLE001 - an error use shows its error
                text = f"error: {type(exc).__name__}: {exc}"
        return _digest([st.schema_hash, text])


# the functions behind `shows` and `resolve` (imported late: they import the renderers)


def _entry_shows(app, args):
    from ..render import pages

    kb = state(app).kb
    e = kb.get(args[0])
    return entry_shown(kb, e, pages.entry_page(kb, e, graph=args[1]))


def _list_shows(app, args):
    from ..render import pages

    return pages.kind_list(state(app).kb, args[0], summary=args[1])


def _schema_shows(app, args):
    from ..render import pages

    return pages.schema_table(state(app).kb, args[0])


def _view_shows(app, args):
    from ..render import views

    return views.render(state(app).kb, args[0])


def _graph_shows(app, args):
    from .graphs import graph_spec_data

    return json.dumps(graph_spec_data(app, dict(args[0]), None), sort_keys=True)


def _graph_resolve(app, docname, args):
    from .graphs import render_graph

    return render_graph(app, docname, dict(args[0]))


def _matrix_shows(app, args):
    from ..render.matrix import matrix_table

    kb = state(app).kb
    return matrix_table(kb, kb.matrix(*args[:3]), caption=args[3])


def _matrix_resolve(app, docname, args):
    from .graphs import render_matrix

    return render_matrix(app, docname, args)


def _glossary_shows(app, args):
    return json.dumps([(e.id, e.title, e.summary, e.kind, state(app).kb.schema.other_names(e)) for e in glossary_entries(state(app).kb, args[0])])


def _count_shows(app, args):
    return str(count_entries(state(app).kb, args[0]))


def _downloads_shows(app, args):
    from ..export import FORMATS

    return json.dumps([(name, spec.filename, spec.description) for name, spec in FORMATS.items()])


def _static_shows(app, args):
    return ""


def _graph_scope_key(st, args) -> str:
    g = dict(args[0])
    if g["mode"] == "entry":
        return _entry(st, (g["entry"],))
    if g["kinds"]:
        return _kinds_key(st, g["kinds"])
    return _whole_kb(st, args)


def _glossary_scope_key(st, args) -> str:
    return _kinds_key(st, args[0].split() if args[0].strip() else glossary_kinds(st.kb))


GRAPH_SCOPE = Scope("an entry's neighbourhood (`:entry:`), the kinds shown (`:kinds:`) or the whole framework", _graph_scope_key)
GLOSSARY_SCOPE = Scope("the kinds of the glossary", _glossary_scope_key)


def _declarations() -> tuple[BookDirective, ...]:
    from ..export.book import DownloadsDirective
    from . import directives as d
    from .review import ReviewDirective

    return (
        BookDirective("socioaffective-entry", d.EntryDirective, ENTRY_NEIGHBOURHOOD, _entry_shows, example="```{socioaffective-entry} ID\n:no-graph:\n```"),
        BookDirective(
            "socioaffective-list",
            d.ListDirective,
            kinds_scope("the kind listed", lambda args: args[:1]),
            _list_shows,
            example="```{socioaffective-list} KIND\n```",
        ),
        BookDirective(
            "socioaffective-graph", d.GraphDirective, GRAPH_SCOPE, _graph_shows, resolve=_graph_resolve, example="```{socioaffective-graph}\n:entry: ID\n```"
        ),
        BookDirective(
            "socioaffective-matrix",
            d.MatrixDirective,
            kinds_scope("the kinds of its rows and columns", lambda args: args[:2]),
            _matrix_shows,
            resolve=_matrix_resolve,
            example="```{socioaffective-matrix} need principle supports\n```",
        ),
        BookDirective(
            "socioaffective-glossary", d.GlossaryDirective, GLOSSARY_SCOPE, _glossary_shows, example="```{socioaffective-glossary}\n:kind: KIND\n```"
        ),
        BookDirective(
            "socioaffective-schema",
            d.SchemaDirective,
            WHOLE_KB,
            _schema_shows,  # the kinds table counts entries
            example="```{socioaffective-schema} relations\n```",
        ),
        BookDirective("socioaffective-grades", d.GradesDirective, SCHEMA, _schema_shows, example="```{socioaffective-grades}\n```"),
        BookDirective("socioaffective-view", d.ViewDirective, WHOLE_KB, _view_shows, example="```{socioaffective-view} version\n```"),
        BookDirective("socioaffective-downloads", DownloadsDirective, STATIC, _downloads_shows, example="```{socioaffective-downloads}\n```"),
        BookDirective("socioaffective-review", ReviewDirective, STATIC, _static_shows, example="```{socioaffective-review}\n```"),
        BookDirective("socioaffective-count", d.CountRole, WHOLE_KB, _count_shows, role=True, example="{socioaffective-count}`all`"),
        BookDirective("socioaffective-kind", d.KindRole, SCHEMA, _static_shows, role=True, example="{socioaffective-kind}`KIND`"),
        BookDirective("socioaffective-grade", d.GradeRole, SCHEMA, _static_shows, role=True, example="{socioaffective-grade}`GRADE`"),
        BookDirective("socioaffective-badge", d.BadgeRole, SCHEMA, _static_shows, role=True, example="{socioaffective-badge}`GRADE`"),
    )


_REGISTRY: dict[str, BookDirective] | None = None


def registry() -> dict[str, BookDirective]:
    """Every declaration, by name."""
    global _REGISTRY
    if _REGISTRY is None:
        decls = _declarations()
        names = [x.name for x in decls]
        if len(set(names)) != len(names):
            raise TypeError(f"book directives declared twice: {sorted({n for n in names if names.count(n) > 1})}")
        _REGISTRY = {x.name: x for x in decls}
    return _REGISTRY


def by_key(key: str) -> BookDirective:
    """The declaration of a spec's or placeholder's tag; a clear error for an undeclared one."""
    decl = registry().get("socioaffective-" + str(key))
    if decl is None:
        raise SocioaffectiveError(
            f"no book directive `socioaffective-{key}` is declared (declared: {', '.join(sorted(registry()))}); declare it in socioaffective/book/registry.py"
        )
    return decl


def recording(decl: BookDirective) -> type:
    """``decl.cls`` made to record its signature for every use: a directive
    that does not record one itself (or returns early on an error, so that
    the page is read again once the entry or kind exists) gets the declared
    ``shows`` of its arguments and options."""
    base = decl.cls

    def run(self):
        result = base.run(self)  # type: ignore[attr-defined]  # every declared class is a directive or role
        if not getattr(self, "_sa_recorded", False):
            from .incremental import record

            args = (self.text,) if decl.role else (*self.arguments, *sorted(self.options.items()))
            record(self.env, decl.name, args)
        return result

    return type(base.__name__, (base,), {"run": run, "__doc__": base.__doc__, "__module__": base.__module__})


def setup(app) -> None:
    """Register every declared directive and role in Sphinx."""
    for decl in registry().values():
        cls = recording(decl)
        if decl.role:
            app.add_role(decl.name, cls())
        else:
            app.add_directive(decl.name, cls)


DECLARATIONS.update(name=lambda name: registry()[name], key=by_key)
