"""Build state: the framework loaded once per build, page stubs, warnings."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util import logging

from ..errors import SocioaffectiveError
from ..fsutil import write_if_changed
from ..render import pages

if TYPE_CHECKING:
    from ..kb import KnowledgeBase

logger = logging.getLogger("socioaffective.sphinxext")

WARNING_TYPE = "socioaffective"
STATIC_DIR = "socioaffective"  # inside the output's _static/
GRAPH_DIR = "graphs"
VIS_DIR = "vis"
PAGE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")  # a whole file name: fullmatch
SAFE_SCHEMES = {"", "http", "https", "mailto"}


@dataclass
class State:
    """What the extension knows during one build (kept on the Sphinx app)."""

    kb: KnowledgeBase
    root: Path
    entries_dir: str  # docname prefix, e.g. "chapters/entries"
    layouts: dict = field(default_factory=dict)
    schema_hash: str = ""  # every page shows labels and badges from schema.yaml
    neighbourhoods: dict = field(default_factory=dict)  # (id, max_nodes) -> neighbourhood_ids(...)
    fingerprints: dict | None = None  # entry id -> content hash (book/registry.py)
    neighbour_fingerprints: dict | None = None  # entry id -> hash of what other pages show of it (book/registry.py)
    outdated: set = field(default_factory=set)  # the pages env-get-outdated found stale
    read_docs: set = field(default_factory=set)  # the pages this build reads (env-before-read-docs)
    toc_faces: dict = field(default_factory=dict)  # page read -> what toctrees showed of it before (book/incremental.py)
    toc_same: set = field(default_factory=set)  # pages read that show the same in the tables of contents (env-get-updated)
    toc_parents_kept: dict = field(default_factory=dict)  # files_to_rebuild entries set aside while writing
    package_hash: bytes | None = None  # the socioaffective package's files (notebook cache keys)
    nb_cache_base: Path | None = None  # MyST-NB's jupyter-cache folder, before a notebook's own
    toctrees: dict = field(default_factory=dict)  # the sidebar's resolved trees, shared by folder (book/navcache.py)
    toctree_counts: dict = field(default_factory=lambda: {"resolved": 0, "shared": 0, "markup": 0, "unchecked": 0})
    sidebars: dict = field(default_factory=dict)  # the theme's sidebar markup by tree HTML (book/navcache.py)
    toctree_parents: tuple | None = None  # docname -> the documents including it, and -> Sphinx's single parent
    prerun: dict = field(default_factory=dict)  # notebook docname -> the file the background run leaves (book/prerun.py)
    prerun_pid: int | None = None
    prerun_parent: int | None = None  # the process that forked it (the only one that may wait for it)


def state(app) -> State:
    return app._socioaffective  # set at config-inited


def entry_docname(st: State, entry) -> str | None:
    """The page of an entry, or ``None`` when its id or kind cannot be a file name."""
    if entry.is_reference or not PAGE_NAME.fullmatch(entry.id) or not PAGE_NAME.fullmatch(entry.kind):
        return None
    return f"{st.entries_dir}/{entry.kind}/{entry.id}"


def warn(message: str, subtype: str, location: str | None = None) -> None:
    logger.warning(message, type=WARNING_TYPE, subtype=subtype, location=location)


def config_inited(app, config) -> None:
    from ..loader import load

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
    _lenient_pybtex()
    bib = root / "references.bib"
    if config.socioaffective_add_bibfile and "bibtex_bibfiles" in config and bib.exists():
        current = [(Path(app.confdir) / f).resolve() for f in (config.bibtex_bibfiles or [])]
        if bib.resolve() not in current:
            config.bibtex_bibfiles = list(config.bibtex_bibfiles or []) + [str(bib.resolve())]


def _lenient_pybtex() -> None:
    """Make pybtex (sphinxcontrib-bibtex's reader) collect its errors instead of raising.

    In its default strict mode one bad entry (a brace escape) ends the build
    with a traceback, and a repeated key drops that work and every later one;
    its lenient mode fails while printing the error. ``validate`` reports each
    of these with its file and line, and the report becomes this build's
    warnings (see :func:`builder_inited`), so a strict build still fails: with
    those lines, not a traceback. What pybtex refuses that ``validate`` let
    pass is warned about too (:func:`report_pybtex_errors`).
    """
    try:
        import pybtex.errors
    except ImportError:  # pragma: no cover - comes with sphinxcontrib-bibtex
        return
    if pybtex.errors.captured_errors is None:
        pybtex.errors.captured_errors = []


def report_pybtex_errors(app) -> None:
    """Warn about what pybtex refused in a bib that ``validate`` found no fault with."""
    try:
        import pybtex.errors
    except ImportError:  # pragma: no cover
        return
    errors = pybtex.errors.captured_errors or []
    st = state(app)
    _drop_refused_works(app, st)
    if errors and not any(p.code.startswith("bib-") and p.severity == "error" for p in st.kb.report.problems):
        for exc in errors:
            warn(f"the book's BibTeX reader (pybtex) refused part of references.bib: {exc}", "bib-reader", str(st.root / "references.bib"))
    del errors[:]


#: Problems after which pybtex keeps a broken entry that would crash the build later.
_REFUSED_BY_PYBTEX = ("bib-syntax", "bib-bad-name")


def _drop_refused_works(app, st: State) -> None:
    """Take the works ``validate`` found pybtex cannot read out of sphinxcontrib-bibtex's data.

    pybtex keeps what it read of such an entry (``Sets \\`` of ``{Sets \\} and
    braces}``), and formatting it later ends the build with a traceback. The
    problem itself is a warning of this build already.
    """
    refused = {p.entry.lower() for p in st.kb.report.problems if p.code in _REFUSED_BY_PYBTEX and p.entry}
    if not refused:
        return
    try:
        bibdata = app.env.get_domain("cite").bibdata
        entries = bibdata.data.entries
        for key in [k for k in entries.keys() if k.lower() in refused]:
            del entries[key]
        for info in bibdata.bibfiles.values():
            for key in [k for k in info.keys if k.lower() in refused]:
                del info.keys[key]
    except Exception:  # pragma: no cover - another sphinxcontrib-bibtex layout: nothing to drop
        return


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
        write_if_changed(path, text)
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


def builder_inited(app) -> None:
    st = state(app)
    for p in st.kb.report.problems:
        where = f"{st.root / p.file}:{p.line}" if p.line else str(st.root / p.file) if p.file else None
        who = f" [{p.entry}]" if p.entry else ""
        hint = f" (hint: {p.hint})" if p.hint else ""
        warn(f"{p.severity} {p.code}{who}: {p.message}{hint}", p.code, where)
    for e in st.kb.entries():
        if entry_docname(st, e) is None:
            warn(f"entry `{e.id}` (kind `{e.kind}`) gets no page: its id or kind cannot be a file name", "unsafe-id", f"{st.root / e.file}:{e.line}")
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
        warn(
            f"{n} entr{'y' if n == 1 else 'ies'} of kind `{kind}` have no page in the book: "
            f"add `- glob: {st.entries_dir}/{kind}/*` under a chapter's `sections:` in _toc.yml",
            "missing-page",
        )
    return []


#: Extensions of the Jupyter Book stack that do not say whether they are
#: parallel-safe (Sphinx then reads serially, with a warning that fails a -W
#: build), and why they are:
#:
#: - sphinx-multitoc-numbering (loaded by sphinx-external-toc): it replaces the
#:   toctree collector's section numbering, which Sphinx runs in the main
#:   process after reading, on the merged environment;
#: - sphinx-jupyterbook-latex (added by Jupyter Book unless ``latex:
#:   use_jupyterbook_latex: false``): its read-time transforms touch only the
#:   page being read and keep nothing in the environment; the rest is for the
#:   LaTeX builder, which writes serially.
PARALLEL_SAFE_UNDECLARED = {
    "sphinx_multitoc_numbering": "section numbers are assigned in the main process, after reading",
    "sphinx_jupyterbook_latex": "transforms of the page being read only; the rest is for the LaTeX builder",
}


def declare_parallel_safe(app) -> None:
    """Let ``-j`` run: mark the extensions of :data:`PARALLEL_SAFE_UNDECLARED` safe
    (only those that declared nothing; a declared "not safe" stays)."""
    for name in PARALLEL_SAFE_UNDECLARED:
        ext = app.extensions.get(name)
        if ext is None:
            continue
        for attr in ("parallel_read_safe", "parallel_write_safe"):
            if getattr(ext, attr, None) is None:
                setattr(ext, attr, True)


#: How the book's modules find a directive's declaration: filled by :mod:`.registry`,
#: which imports the directive, graph and incremental modules (they never import it back).
DECLARATIONS: dict = {}


def declaration(name: str, by: str = "key"):
    """The declaration of a directive or role, by its placeholder/spec ``key`` or its ``name``."""
    try:
        lookup = DECLARATIONS[by]
    except KeyError:
        raise RuntimeError("socioaffective.book.registry is not imported: no directive declarations") from None
    return lookup(name)
