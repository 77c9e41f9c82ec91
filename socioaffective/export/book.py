"""The exports as downloads of the web book (part of ``socioaffective.sphinxext``).

At ``build-finished`` (HTML builders only) every format of
:data:`~socioaffective.export.FORMATS` is written into the output's
``_static/socioaffective/exports/``, from the very framework the book was
built from (only when the bytes changed, so incremental builds stay quiet).
The directive ``socioaffective-downloads`` lists them with links, a line on
what each is and how to read it.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from . import FORMATS, export

EXPORT_DIR = "_static/socioaffective/exports"

READ_WITH = {
    "json": "networkx (node_link_graph); any JSON reader",
    "csv": "any spreadsheet; Python's csv module",
    "graphml": "Gephi, yEd, Cytoscape; networkx.read_graphml",
    "jsonld": "rdflib; any JSON-LD processor",
    "turtle": "rdflib; any triple store (SPARQL)",
}


def _kb(app):
    return app._socioaffective.kb  # loaded by socioaffective.sphinxext at config-inited


class DownloadsDirective(SphinxDirective):
    """``socioaffective-downloads``: a table of the export files, linked."""

    def run(self):
        here = self.env.app.builder.get_target_uri(self.env.docname)
        table = nodes.table(classes=["socioaffective-downloads"])
        group = nodes.tgroup(cols=3)
        table += group
        for width in (2, 5, 4):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        group += head
        head += self._row([nodes.paragraph("", text) for text in ("File", "What it is", "Read it with")])
        body = nodes.tbody()
        group += body
        for name, spec in FORMATS.items():
            uri = relative_uri(here, f"{EXPORT_DIR}/{spec.filename}")
            link = nodes.reference("", spec.filename, refuri=uri, internal=False, classes=["socioaffective-download"])
            body += self._row([nodes.paragraph("", "", link), nodes.paragraph("", spec.description), nodes.paragraph("", READ_WITH.get(name, ""))])
        return [table]

    @staticmethod
    def _row(cells) -> nodes.row:
        row = nodes.row()
        for c in cells:
            entry = nodes.entry()
            entry += c
            row += entry
        return row


def write_exports(app, exception) -> None:
    """Write every export into the HTML output (only the files whose bytes changed)."""
    if exception is not None or app.builder.format != "html":
        return
    kb = _kb(app)
    folder = Path(app.outdir) / EXPORT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for name, spec in FORMATS.items():
        data = export(kb, name)
        raw = data if isinstance(data, bytes) else data.encode("utf-8")
        path = folder / spec.filename
        try:
            if path.read_bytes() == raw:
                continue
        except OSError:
            pass
        path.write_bytes(raw)


def setup(app) -> None:
    """Called from ``socioaffective.sphinxext.setup``."""
    app.add_directive("socioaffective-downloads", DownloadsDirective)
    app.connect("build-finished", write_exports)
