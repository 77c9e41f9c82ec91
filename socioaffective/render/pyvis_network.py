"""The framework as a ``pyvis.network.Network``, for notebooks and standalone HTML files.

:func:`to_pyvis` picks the entries (an entry's neighbourhood, some kinds, or
everything), lays them out as the book does (:func:`~socioaffective.render.network.layout`)
and fills a pyvis ``Network``: node labels and tooltips, the kind's colour
and shape, links dashed where no paper claims them, the relation in each
link's tooltip, the book's positions with physics off.

The ``Network`` renders offline. pyvis' own page template loads Bootstrap
from a CDN whatever its ``cdn_resources`` says (and vis-network too unless
``"in_line"``), so the ``Network`` comes with this package's lean template
(``templates/pyvis.html``) instead: vis-network's JS and CSS (the copy
inside pyvis, the one the book ships) are inlined into the page, or with
``vis_url=`` loaded from a folder you serve (the book's chapter uses its own
``_static`` copy so that the page stays small). ``net.write_html(path)``,
``net.generate_html()`` and ``net.show(path, notebook=True)`` all use it.

pyvis is in the ``book`` extra and is imported only when a ``Network`` is
made.
"""

from __future__ import annotations

import html
from functools import lru_cache
from importlib import resources
from pathlib import Path

__all__ = ["from_data", "iframe", "select", "to_pyvis"]


@lru_cache(maxsize=1)
def _vis_files() -> tuple[str, str]:
    lib = Path(str(resources.files("pyvis"))) / "templates" / "lib" / "vis-9.1.2"
    js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    css = (lib / "vis-network.css").read_text(encoding="utf-8")
    return js.replace("</script", "<\\/script"), css.replace("</style", "<\\/style")


def _environment(vis_url: str | None):
    from jinja2 import Environment, FileSystemLoader

    env = Environment(loader=FileSystemLoader(str(resources.files("socioaffective") / "templates")), autoescape=False)
    if vis_url:
        env.globals["sa_vis_url"] = vis_url.rstrip("/") + "/"
    else:
        env.globals["sa_vis_js"], env.globals["sa_vis_css"] = _vis_files()
    return env


def from_data(data: dict, *, vis_url: str | None = None, height: str = "600px", width: str = "100%", heading: str = "", **kwargs):
    """A ``pyvis.network.Network`` drawing :func:`~socioaffective.render.network.graph_data`'s ``data``."""
    from pyvis.network import Network

    from .network import FALLBACK_COLOR

    kwargs.setdefault("cdn_resources", "in_line")  # never "remote"; the template below decides anyway
    net = Network(height=height, width=width, directed=True, heading=heading, **kwargs)
    net.templateEnv = _environment(vis_url)
    net.path = "pyvis.html"
    net.template = net.templateEnv.get_template(net.path)  # what notebook=True renders
    looks = {k["name"]: (k["shape"], k["color"]) for k in data["kinds"]}
    for n in data["nodes"]:
        shape, color = looks.get(n["group"], ("dot", FALLBACK_COLOR))
        extra = {k: n[k] for k in ("size", "borderWidth", "font") if k in n}
        net.add_node(
            n["id"], label=n.get("label", n["name"]), title=n["title"], shape=shape, color=color, x=n["x"], y=n["y"], kind=n["group"], **extra
        )  # not group=: pyvis then drops color
    for e in data["edges"]:
        net.add_edge(e["from"], e["to"], title=e["title"], label=e.get("label", ""), dashes=e["dashes"], relation=e["relation"], arrows=e["arrows"])
    net.toggle_physics(False)
    net.options.edges.smooth.enabled = False
    return net


def select(kb, id: str | None = None, *, depth: int = 1, kinds=None) -> list[str]:
    """The entry ids :func:`to_pyvis` draws: ``id`` and its entries within ``depth``
    links (either direction), or every entry, keeping only ``kinds`` if given.
    ``id`` comes first. Bib references are never drawn, nor, around an ``id``
    with no ``kinds`` given, the kinds the schema keeps out of neighbourhoods
    (as the book's entry graphs do).

    >>> import socioaffective
    >>> kb = socioaffective.load()
    >>> select(kb, "autonomy", kinds=["need", "principle"])[:1], len(select(kb, kinds="need"))
    (['autonomy'], 3)
    """
    from ..errors import UnknownKindError
    from ..graph import neighbourhood

    if isinstance(kinds, str):
        kinds = [kinds]
    for k in kinds or ():
        if k not in kb.schema.kinds:
            raise UnknownKindError(k)
    keep = {e.id for e in kb.entries() if not kinds or e.kind in kinds}
    if id is None:
        return sorted(keep)
    if not kinds:  # as the book's entry graphs: not the kinds that apply the framework (crosswalk items, scenarios)
        shown = kb.schema.kinds
        keep = {i for i in keep if getattr(shown.get(kb.get(i).kind), "neighbourhood", True)}
    kb.get(id)  # an unknown id raises UnknownIdError with suggestions
    keep.add(id)
    g = kb.graph.subgraph(n for n in kb.graph if n in keep)
    return [id] + sorted(n for n in neighbourhood(g, [id], depth) if n != id)


def to_pyvis(kb, id: str | None = None, *, depth: int = 1, kinds=None, vis_url: str | None = None, edge_labels: bool = False, **kwargs):
    """A configured ``pyvis.network.Network`` of some of ``kb``'s entries (see :func:`select`).

    Positions are the book's: radial around ``id``, else the layout of the
    whole. ``edge_labels=True`` writes each relation on its link too (it is
    always in the link's tooltip). ``vis_url``: see the module docstring.
    Other keywords go to ``pyvis.network.Network`` (``height``, ``width``,
    ``heading``, ``bgcolor`` ...).
    """
    from .network import graph_data, layout

    ids = select(kb, id, depth=depth, kinds=kinds)
    if id is not None:
        pos = layout(kb, ids, center=id, unit=80, aspect=2.1)
    else:
        pos = layout(kb, ids, unit=80 if kinds else 105, aspect=2.2 if kinds else 1.9)
    data = graph_data(kb, ids, pos, center=id, edge_labels=edge_labels)
    return from_data(data, vis_url=vis_url, **kwargs)


def iframe(net, height: int = 600, title: str = "Graph") -> str:
    """``net``'s page as an ``<iframe srcdoc=...>`` for a notebook's HTML output."""
    page = net.generate_html()
    esc = lambda s: html.escape(str(s), quote=True)  # noqa: E731
    return f'<iframe srcdoc="{esc(page)}" title="{esc(title)}" style="width:100%;height:{int(height) + 20}px;border:0" sandbox="allow-scripts"></iframe>'
