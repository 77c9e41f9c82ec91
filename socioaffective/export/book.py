"""The exports as downloads of the web book (part of ``socioaffective.sphinxext``).

Every format of :data:`~socioaffective.export.FORMATS` is written into the
output's ``_static/socioaffective/exports/`` (HTML builders only), from the
very framework the book was built from, and only when the bytes changed, so
incremental builds stay quiet. They are rendered in a forked process started
at ``builder-inited`` (:class:`ExportJob`) and written at ``build-finished``;
where a fork is not safe, with ``socioaffective_background_exports = False``,
or when the child fails, they are rendered in-process at ``build-finished``.
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


def render_all(kb) -> dict[str, bytes]:
    """Every format of :data:`FORMATS` by file name, as the bytes the book serves."""
    shared: dict = {}  # the RDF graph, built once for the Turtle and JSON-LD files
    out = {}
    for name, spec in FORMATS.items():
        options = {}
        if spec.module == "rdf":
            if "graph" not in shared:
                from .rdf import build_graph
                from .rdftext import Triples

                shared["graph"] = build_graph(kb, graph=Triples())  # the direct writers' input: no rdflib store
            options["graph"] = shared["graph"]
        data = export(kb, name, **options)
        out[spec.filename] = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    return out


class ExportJob:
    """:func:`render_all` in a forked child process, while the parent goes on.

    The exports take a tenth of a full build and half of a rebuild, and need
    only the framework, which the book has loaded at ``config-inited``; Sphinx
    reads and writes on one core. The child writes each file into ``staging``
    and then a ``done`` file holding ``stamp``; :meth:`result` waits for it
    and gives the files, or ``None`` when there is no complete result (the
    child failed, was killed, or cannot be made here), and the caller renders
    them in-process instead: the same function, so the same bytes, and an
    error raised where the build reports it.
    """

    def __init__(self, kb, staging: Path, stamp: str, before=None):
        self.kb, self.staging, self.stamp, self.before = kb, Path(staging), stamp, before
        self.pid: int | None = None
        self.error = ""

    @staticmethod
    def can_fork() -> bool:
        """Only on Linux (fork is unsafe on macOS and missing on Windows), and only
        with one thread: a fork copies just the calling thread, and a lock another
        thread holds would stay held in the child."""
        import os
        import sys
        import threading

        return sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1

    def start(self) -> bool:
        import os
        import shutil

        if not self.can_fork():
            return False
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staging.mkdir(parents=True)
        pid = os.fork()
        if pid:
            self.pid = pid
            return True
        code = 1  # the child: never returns into Sphinx, never runs the parent's exit handlers
        try:
            from ..book.gctuning import freeze_inherited

            freeze_inherited()
            if self.before is not None:
                self.before()
            for filename, data in render_all(self.kb).items():
                (self.staging / filename).write_bytes(data)
            (self.staging / "done").write_text(self.stamp, encoding="utf-8")
            code = 0
        except BaseException:  # reported by the parent, which renders in-process and raises there
            import traceback

            try:
                (self.staging / "error.txt").write_text(traceback.format_exc(), encoding="utf-8")
            except BaseException:
                pass
        finally:
            os._exit(code)
        return False  # pragma: no cover - not reached

    def result(self) -> dict[str, bytes] | None:
        import os
        import shutil

        if self.pid is None:
            return None
        status = None
        try:
            _, status = os.waitpid(self.pid, 0)
        except ChildProcessError:  # reaped by someone else: the done file tells whether it finished
            pass
        self.pid = None
        try:
            if status not in (None, 0) or (self.staging / "done").read_text(encoding="utf-8") != self.stamp:
                raise OSError
            files = {spec.filename: (self.staging / spec.filename).read_bytes() for spec in FORMATS.values()}
        except OSError:
            try:
                self.error = (self.staging / "error.txt").read_text(encoding="utf-8")
            except OSError:
                self.error = f"the export process ended with status {status}"
            return None
        finally:
            shutil.rmtree(self.staging, ignore_errors=True)  # 8 MB at 300 entries, used once
        return files


def _plan(app):
    """(output folder, stamp file, stamp) for this build's exports, or ``None``
    when the files in place are those of this framework and this export code."""
    kb = _kb(app)
    folder = Path(app.outdir) / EXPORT_DIR
    # Unchanged framework, unchanged export code, files in place: nothing to do
    # (rendering every format costs seconds, on every incremental build).
    stamp_file = Path(app.doctreedir) / "socioaffective" / "exports.stamp"
    stamp = _stamp(kb)
    if stamp and all((folder / spec.filename).is_file() for spec in FORMATS.values()):
        try:
            if stamp_file.read_text(encoding="utf-8") == stamp:
                return None
        except OSError:
            pass
    return folder, stamp_file, stamp


def start_exports(app) -> None:
    """``builder-inited``: start rendering the exports in the background (:class:`ExportJob`)."""
    app._socioaffective_exports = None
    if app.builder.format != "html" or not app.config.socioaffective_background_exports:
        return
    plan = _plan(app)
    if plan is None:
        return
    from ..book.graphs import cached_layout

    kb = _kb(app)
    job = ExportJob(
        kb,
        Path(app.doctreedir) / "socioaffective" / "exports-staging",
        plan[2] or "unstamped",
        # the explorer's layout from the build's cache, or laid out and cached (GraphML and GEXF draw it)
        before=lambda: cached_layout(app, [e.id for e in kb.entries()], unit=105, aspect=1.9),
    )
    if job.start():
        app._socioaffective_exports = job


def write_exports(app, exception) -> None:
    """Write every export into the HTML output (only the files whose bytes changed)."""
    job = getattr(app, "_socioaffective_exports", None)
    app._socioaffective_exports = None
    files = job.result() if job is not None else None  # always reaps the child, even when the build failed
    if exception is not None or app.builder.format != "html":
        return
    plan = _plan(app)
    if plan is None:
        return
    folder, stamp_file, stamp = plan
    if job is not None and files is None:
        from sphinx.util import logging

        logging.getLogger("socioaffective.sphinxext").info("the background export failed; rendering the exports in-process:\n%s", job.error.strip()[-2000:])
    if files is None:
        files = render_all(_kb(app))
    for filename, data in files.items():
        write_if_changed(folder / filename, data)
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
    # after the layouts and the explorer's cache (book/output.py) are set up
    app.add_config_value("socioaffective_background_exports", True, "", [bool])
    app.connect("builder-inited", start_exports, priority=800)
    app.connect("build-finished", write_exports)
