"""The end of a build: static files, graph pages, theme fixes, a faster pybtex."""

from __future__ import annotations

import shutil
from pathlib import Path

from ..errors import SocioaffectiveError
from ..render import pages
from ..render.network import graph_page
from .graphs import _graph_title, _url_for, graph_name, graph_spec_data
from .state import GRAPH_DIR, STATIC_DIR, VIS_DIR, state


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
