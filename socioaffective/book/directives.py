"""Directives and roles: thin adapters over the pure renderers."""

from __future__ import annotations

import json

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective, SphinxRole

from ..errors import SocioaffectiveError
from ..query import count_entries, glossary_entries
from ..render import pages
from ..render.matrix import css_name
from .graphs import placeholder
from .incremental import note_spec
from .state import PAGE_NAME, entry_docname, state, warn


def entry_shown(kb, e, text: str) -> str:
    """An entry page's signature text: its body and its neighbours' titles."""
    titles = sorted((x.id, x.title, x.kind) for x in kb.related(e.id, direction="both"))
    return text + json.dumps(titles)


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
            warn(str(exc), "unknown-id", self.get_location())
            return []
        graph = "no-graph" not in self.options
        text = pages.entry_page(kb, entry, graph=graph)
        note_spec(self, (entry.id, graph), entry_shown(kb, entry, text))
        out = self.render_myst(text)
        if self.env.app.builder.format == "html":
            out.append(nodes.raw("", self.cite(entry), format="html"))
        return out

    def cite(self, entry) -> str:
        """ "Cite this entry" (and, with a repository in the config, "Suggest a correction")."""
        from .. import __version__

        config = self.config
        options = getattr(config, "html_theme_options", None) or {}
        repository = config.socioaffective_repository_url or options.get("repository_url", "") or ""
        base = (getattr(config, "html_baseurl", "") or "").rstrip("/")
        url = f"{base}/{self.env.app.builder.get_target_uri(self.env.docname)}" if base.startswith(("https://", "http://")) else ""
        return pages.cite_html(
            self.kb(),
            entry,
            url=url,
            version=__version__,
            author=str(getattr(config, "author", "") or ""),
            book_title=str(getattr(config, "project", "") or ""),
            repository=str(repository),
            branch=str(options.get("repository_branch", "") or "main"),
            book_path=str(options.get("path_to_docs", "") or ""),
        )


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
            warn(str(exc), "unknown-kind", self.get_location())
            return []
        note_spec(self, (kind, summary), text)
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
        note_spec(self, (what,), text)
        return self.render_myst(text)


class ViewDirective(MystDirective):
    """``socioaffective-view sources|evidence|review-queue|version``: a view of the whole framework."""

    required_arguments = 1

    def run(self):
        from ..render import views

        name = self.arguments[0]
        try:
            text = views.render(self.kb(), name)
        except ValueError as exc:
            raise self.error(str(exc)) from None
        note_spec(self, (name,), text)
        return self.render_myst(text)


class GradesDirective(SchemaDirective):
    """``socioaffective-grades``: the provenance grades with their badges."""

    required_arguments = 0

    def run(self):
        self.arguments = ["grades"]
        return super().run()


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
            if id not in kb or not PAGE_NAME.fullmatch(id):
                warn(f"socioaffective-graph: no entry `{id}`", "unknown-id", self.get_location())
                return []
            max_nodes = self.options.get("max-nodes", self.config.socioaffective_graph_max_nodes)
            spec.update(mode="entry", entry=id, max_nodes=max_nodes)
            spec["height"] = self.options.get("height") or _entry_graph_height(self.env.app, id, max_nodes)
        else:
            kinds = tuple(self.options.get("kinds", "").split())
            for k in kinds:
                if k not in kb.schema.kinds:
                    raise self.error(f"socioaffective-graph: no kind `{k}` (kinds: {', '.join(kb.schema.kinds)})")
            spec.update(mode="explorer", kinds=kinds, height=self.options.get("height", 640))
        spec["wide"] = "wide" in self.options
        return [placeholder(spec=note_spec(self, (tuple(sorted(spec.items())),)))]


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
        return [placeholder(spec=note_spec(self, (*args, self.options.get("caption", ""))))]


class GlossaryDirective(SphinxDirective):
    """``socioaffective-glossary``: a Sphinx glossary (``{term}`` targets) from a kind's entries."""

    option_spec = {"kind": directives.unchanged}

    def run(self):
        from sphinx import addnodes
        from sphinx.domains.std import make_glossary_term

        st = state(self.env.app)
        kind = self.options.get("kind", "").strip()  # default: every kind schema.yaml marks `glossary: true`
        try:
            entries = glossary_entries(st.kb, kind)
        except SocioaffectiveError as exc:
            raise self.error(str(exc)) from None
        note_spec(self, (kind,))
        dl = nodes.definition_list(classes=["glossary", "sa-glossary"])
        source, line = self.get_source_info()
        seen: set[str] = set()
        for e in entries:
            item = nodes.definition_list_item()
            for term_text in [e.title] + st.kb.schema.other_names(e):
                key = term_text.lower()
                if key in seen:
                    continue
                seen.add(key)
                item += make_glossary_term(self.env, [nodes.Text(term_text)], None, source, line, None, self.state.document)
            definition = nodes.definition()
            para = nodes.paragraph()
            k = st.kb.schema.kinds.get(e.kind)
            if k is not None:
                para += nodes.inline(text=k.label, classes=["sa-badge", "sa-kind", f"sa-kind-{css_name(k.name)}"])
                para += nodes.Text(" ")
            para += nodes.Text(e.summary + " ")
            doc = entry_docname(st, e)
            if doc is not None:
                ref = addnodes.pending_xref(
                    "",
                    nodes.inline(text="Read more"),
                    refdomain="std",
                    reftype="ref",
                    reftarget=pages.entry_label(e.id).lower(),
                    refexplicit=True,
                    refwarn=True,
                )
                para += ref
            definition += para
            item += definition
            dl += item
        node = addnodes.glossary("", dl)
        node["sorted"] = False  # already sorted by title
        return [node]


class KindRole(SphinxRole):
    def run(self):
        kb = state(self.env.app).kb
        k = kb.schema.kinds.get(self.text)
        if k is None:
            warn(f"no kind `{self.text}`", "unknown-kind", self.get_location())
            return [nodes.inline(text=self.text)], []
        return [nodes.inline(text=k.label, classes=["sa-badge", "sa-kind", f"sa-kind-{css_name(k.name)}"])], []


class GradeRole(SphinxRole):
    short = False

    def run(self):
        kb = state(self.env.app).kb
        g = kb.schema.grades.get(self.text)
        if g is None:
            warn(f"no grade `{self.text}`", "unknown-grade", self.get_location())
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
            n = count_entries(kb, self.text.strip())
        except SocioaffectiveError as exc:
            warn(str(exc), "unknown-kind", self.get_location())
            return [nodes.inline(text="?")], []
        note_spec(self, (self.text.strip(),), str(n))
        return [nodes.inline(text=str(n))], []


def _entry_graph_height(app, id: str, max_nodes: int) -> int:
    """A neighbourhood graph's default frame height: 460 px, taller for a crowded
    neighbourhood, so that every label stays readable (12 px or more) and whole
    inside the frame."""
    from .graphs import neighbourhood

    n = len(neighbourhood(app, id, max_nodes))
    return min(760, 460 + 28 * max(0, n - 16))
