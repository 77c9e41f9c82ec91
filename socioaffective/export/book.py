"""The exports as downloads of the web book (part of ``socioaffective.sphinxext``).

At ``build-finished`` (HTML builders only) every format of
:data:`~socioaffective.export.FORMATS` is written into the output's
``_static/socioaffective/exports/``, from the very framework the book was
built from (only when the bytes changed, so incremental builds stay quiet).
The directive ``socioaffective-downloads`` lists them with links, a line on
what each is, the tools that read it and the Python that reads it back (all
from the format's declaration in ``FORMATS``).
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from ..fsutil import write_if_changed
from . import FORMATS, export

EXPORT_DIR = "_static/socioaffective/exports"


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
        for spec in FORMATS.values():
            uri = relative_uri(here, f"{EXPORT_DIR}/{spec.filename}")
            link = nodes.reference("", spec.filename, refuri=uri, internal=False, classes=["socioaffective-download"])
            reader = nodes.literal(spec.reader, spec.reader, classes=["socioaffective-reader"])
            read = nodes.paragraph("", spec.read_with + "; in Python: ")
            read += reader
            body += self._row([nodes.paragraph("", "", link), nodes.paragraph("", spec.description), read])
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
    # Unchanged framework, unchanged export code, files in place: nothing to do
    # (rendering every format costs about a second, on every incremental build).
    stamp_file = Path(app.doctreedir) / "socioaffective" / "exports.stamp"
    stamp = _stamp(kb)
    if stamp and all((folder / spec.filename).is_file() for spec in FORMATS.values()):
        try:
            if stamp_file.read_text(encoding="utf-8") == stamp:
                return
        except OSError:
            pass
    shared: dict = {}  # the RDF graph, built once for the Turtle and JSON-LD files
    for name, spec in FORMATS.items():
        options = {}
        if spec.module == "rdf":
            if "graph" not in shared:
                from .rdf import build_graph

                shared["graph"] = build_graph(kb)
            options["graph"] = shared["graph"]
        write_if_changed(folder / spec.filename, export(kb, name, **options))
    if stamp:
        write_if_changed(stamp_file, stamp)


def _stamp(kb) -> str:
    """The content hash of the framework (see socioaffective.cache) and of the
    export code, or "" when the framework's hash is unknown."""
    import hashlib

    from .. import cache

    if not getattr(kb, "content_key", None):
        return ""
    h = hashlib.sha256(kb.content_key.encode() + cache._engine_fingerprint())
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def setup(app) -> None:
    """Called from ``socioaffective.sphinxext.setup``."""
    # the directive `socioaffective-downloads` is registered by book/registry.py (its declaration)
    app.connect("build-finished", write_exports)
