"""Graphs and matrices: placeholders become HTML once page URLs are known."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from docutils import nodes
from sphinx.util.osutil import relative_uri

from .. import links
from ..errors import SocioaffectiveError
from ..render.matrix import matrix_table
from ..render.network import LOD_NODES, graph_data, graph_table, layout, layout_key, neighbourhood_ids
from .state import GRAPH_DIR, SAFE_SCHEMES, STATIC_DIR, declaration, entry_docname, state, warn


class placeholder(nodes.General, nodes.Element):
    """Replaced by raw HTML at doctree-resolved, when page URLs are known."""


def visit_skip(self, node):
    raise nodes.SkipNode


def page_url_for(app, from_uri: str):
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
        return links.quote(relative_uri(from_uri, builder.get_target_uri(doc)))

    return url_for


def graph_name(spec: dict) -> str:
    if spec["mode"] == "entry":
        return f"entry-{spec['entry']}"
    return "explorer" + ("-" + "-".join(spec["kinds"]) if spec["kinds"] else "")


def _read_layout(path: Path, ids) -> dict:
    """A layout cache file, checked: ``{id: (x, y)}`` with finite numbers for exactly ``ids``."""
    import math

    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or set(data) != set(ids):
        raise ValueError("not a layout of these entries")
    pos = {}
    for k, v in data.items():
        if not (isinstance(v, list) and len(v) == 2 and all(isinstance(c, (int, float)) and not isinstance(c, bool) and math.isfinite(c) for c in v)):
            raise ValueError(f"bad position for {k!r}")
        pos[k] = (v[0], v[1])
    return pos


def cached_layout(app, ids, center=None, unit=60, aspect=1.8):
    st = state(app)
    key = layout_key(st.kb, ids) + (f"-{center}" if center else "") + f"-{unit}-{aspect}"
    if key in st.layouts:
        return st.layouts[key]
    cache = Path(app.doctreedir) / "socioaffective" / f"layout-{key}.json"
    try:
        pos = _read_layout(cache, ids)
    except (OSError, ValueError, TypeError):  # missing, or not a layout of these ids: recompute
        pos = None
    if pos is not None:
        layout.remember(st.kb, ids, pos, center=center, unit=unit, aspect=aspect)  # for the GraphML/GEXF exports
    else:
        import os

        pos = layout(st.kb, ids, center=center, unit=unit, aspect=aspect)
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")  # parallel readers: never a half-written file
        tmp.write_text(json.dumps(pos, sort_keys=True))
        os.replace(tmp, cache)
    st.layouts[key] = pos
    return pos


def neighbourhood(app, id: str, max_nodes: int) -> list[str]:
    """:func:`~socioaffective.render.network.neighbourhood_ids` of ``id``, once per build."""
    st = state(app)
    key = (id, max_nodes)
    if key not in st.neighbourhoods:
        st.neighbourhoods[key] = neighbourhood_ids(st.kb, id, max_nodes)[0]
    return st.neighbourhoods[key]


def graph_spec_data(app, spec: dict, url_for):
    """The vis-network data of a graph spec (positions cached).

    Entry neighbourhoods and parts of the framework carry every node's label;
    the whole framework (the explorer) too up to ``LOD_NODES`` entries. A
    bigger one carries none, and graph.js labels the nodes in view once the
    reader zooms in (level of detail)."""
    kb = state(app).kb
    if spec["mode"] == "entry":
        ids = neighbourhood(app, spec["entry"], spec["max_nodes"])
        pos = cached_layout(app, ids, center=spec["entry"], unit=80, aspect=2.1)
        members = set(ids)
        labels = sum(1 for r in kb.relations() if r.source in members and r.target in members) <= 12  # more: tooltips only
        return graph_data(kb, ids, pos, url_for, center=spec["entry"], edge_labels=labels)
    ids = [e.id for e in kb.entries() if not spec["kinds"] or e.kind in spec["kinds"]]
    if spec["kinds"]:  # a part of the framework: a smaller picture with a legend, no filters
        pos = cached_layout(app, ids, unit=80, aspect=2.2)
        return graph_data(kb, ids, pos, url_for)
    pos = cached_layout(app, ids, unit=105, aspect=1.9)
    # the whole framework: a big one by level of detail (labels as the reader zooms in)
    return graph_data(kb, ids, pos, url_for, labels=len(ids) <= LOD_NODES)


def graph_title(kb, spec: dict) -> str:
    if spec["mode"] == "entry":
        return f"Graph: the neighbourhood of {kb.get(spec['entry']).title}"
    return "Graph: the whole framework" if not spec["kinds"] else "Graph: " + ", ".join(kb.schema.kinds[k].plural for k in spec["kinds"])


def render_matrix(app, docname: str, args: tuple) -> str:
    kb = state(app).kb
    row, col, rel, caption = args
    return matrix_table(kb, kb.matrix(row, col, rel), page_url_for(app, app.builder.get_target_uri(docname)), caption)


def render_graph(app, docname: str, g: dict) -> str:
    import html

    kb = state(app).kb
    page_uri = app.builder.get_target_uri(docname)
    url_for = page_url_for(app, page_uri)
    name = graph_name(g)
    src = links.quote(relative_uri(page_uri, f"_static/{STATIC_DIR}/{GRAPH_DIR}/{name}.html"))
    data = graph_spec_data(app, g, url_for)
    title = graph_title(kb, g)
    esc = lambda s: html.escape(str(s), quote=True)  # noqa: E731
    caption = f"<figcaption>{esc(g['caption'])}</figcaption>" if g.get("caption") else ""
    open_attr = " open" if g["mode"] == "entry" else ""
    n = len(data["nodes"])
    wide = " sa-wide" if g.get("wide") else ""
    return (
        f'<div class="sa-graph-wrap{wide}"><figure class="sa-graph-figure sa-graph-{g["mode"]}">'
        f'<iframe class="sa-graph-frame" src="{esc(src)}" title="{esc(title)}" style="height:{int(g["height"])}px" loading="lazy" allowfullscreen></iframe>{caption}'
        f'<details class="sa-graph-alt"{open_attr}><summary>The same graph as a table ({n} entr{"y" if n == 1 else "ies"})</summary>'
        f'<div class="sa-table-scroll">{graph_table(data, url_for)}</div></details></figure></div>'
    )


def render_placeholder(app, docname: str, spec: tuple) -> str:
    """The HTML of a placeholder, by its directive's declaration (:mod:`.registry`)."""
    decl = declaration(spec[0])
    if decl.resolve is None:
        raise SocioaffectiveError(f"`{decl.name}` leaves no placeholder (its declaration has no `resolve`)")
    return decl.resolve(app, docname, tuple(spec[1:]))


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
            warn(f"link to `{uri[:60]}` removed: only http, https and mailto links are kept", "unsafe-link", ref)
            ref.replace_self(nodes.inline(text=ref.astext()))
