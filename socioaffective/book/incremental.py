"""Signatures: a page is outdated exactly when what one of its directives shows changed.

Every directive and role that shows framework data records, per page, one
signature per use: ``(scope key, output hash)``, both defined by its
declaration in :mod:`.registry`. At ``env-get-outdated`` the scope key is
recomputed first (content hashes of the entries it may show: microseconds);
only where it changed is the output rendered again and compared, so an
unchanged page costs no rendering, and a page whose data changed but whose
output did not (a neighbour's description, which no graph shows) is not
re-read.

Executed notebooks (MyST-NB, ``execute_notebooks: cache``) are cached by the
content hash of what their output depends on (:func:`notebook_key`): each
notebook gets its own jupyter-cache folder named by that hash, so it runs
again exactly when one of its inputs changed, and a page whose inputs changed
is read again at ``env-get-outdated`` (the book proves the API against the
framework it shows, not against the one of the last run).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from .state import declaration, logger, state

SPECS = "socioaffective_specs"  # env attribute: {docname: {spec: (scope key, output hash)}}
NB_KEYS = "socioaffective_notebook_keys"  # env attribute: {docname: inputs key of the notebook's last run}
NB_CACHE = "socioaffective"  # folder of the per-notebook caches, inside MyST-NB's jupyter-cache folder
#: the front-matter key a notebook lists its inputs under (globs relative to its folder)
NB_INPUTS = "socioaffective_inputs"


def _specs(env) -> dict:
    if not hasattr(env, SPECS):
        setattr(env, SPECS, {})
    return getattr(env, SPECS)


def record(env, name: str, args: tuple, text: str | None = None) -> tuple:
    """Record that the page being read uses directive ``name`` with ``args``;
    ``text`` is what it shows when the directive rendered it already (else the
    declaration's ``shows`` renders it). Returns the spec ``(key, *args)``."""
    decl = declaration(name, by="name")
    args = tuple(args)
    _specs(env).setdefault(env.docname, {})[(decl.key, *args)] = (decl.scope_key(env.app, args), decl.output_sig(env.app, args, text))
    return (decl.key, *args)


def note_spec(directive, args: tuple, text: str | None = None) -> tuple:
    """:func:`record` for a directive or role (by the name the page used)."""
    directive._sa_recorded = True
    return record(directive.env, directive.name, args, text)


def is_outdated(app, spec: tuple, recorded) -> tuple[bool, tuple | None]:
    """Whether what ``spec`` shows changed; and the record to keep when it did not."""
    try:
        decl = declaration(spec[0])
    except Exception:  # noqa: BLE001 - a spec of an older extension: read the page again
        return True, None
    if not (isinstance(recorded, tuple) and len(recorded) == 2):
        return True, None
    args = tuple(spec[1:])
    scope, out = recorded
    now = decl.scope_key(app, args)
    if now == scope:
        return False, None
    if decl.output_sig(app, args) == out:
        return False, (now, out)  # its data changed, not what it shows: remember the new scope
    return True, None


def env_get_outdated(app, env, added, changed, removed):
    specs = _specs(env)
    out = notebooks_outdated(app, env, changed | removed)
    for doc, recorded in specs.items():
        if doc in removed or doc in changed:
            continue
        for spec, rec in list(recorded.items()):
            stale, keep = is_outdated(app, spec, rec)
            if stale:
                out.append(doc)
                break
            if keep is not None:
                recorded[spec] = keep
    out = list(dict.fromkeys(out))
    state(app).outdated = set(out)
    return out


def env_before_read_docs(app, env, docnames):
    """Remember which pages this build reads (their graph pages are written again), and
    what their toctree ancestors showed of them (:func:`toc_face`)."""
    st = state(app)
    st.read_docs = set(docnames)
    st.toc_faces = {doc: toc_face(env, doc) for doc in docnames if doc in env.all_docs}


# ---------------------------------------------------------------------------
# toctree ancestors written again only when what they show of a page changed


#: metadata of a page that only the page itself shows (MyST's word count changes with any edit)
PAGE_ONLY_METADATA = frozenset({"wordcount"})


def toc_face(env, docname: str) -> str:
    """What the other pages' tables of contents, sidebars and previous/next links show
    of ``docname``, from the environment: its titles, its sections (as the toctree
    collector lists them), their numbers, its own toctrees and its metadata (``tocdepth``,
    ``orphan``; not :data:`PAGE_ONLY_METADATA`). Nodes are compared by their ``pformat`` (classes, ids, targets and
    text, not the source lines they came from)."""

    def form(value):
        if value is None:
            return "-"
        if hasattr(value, "pformat"):
            return value.pformat()
        return repr(sorted(value.items()) if isinstance(value, dict) else value)

    return "\0".join(
        form(x)
        for x in (
            env.titles.get(docname),
            env.longtitles.get(docname),
            env.tocs.get(docname),
            env.toc_num_entries.get(docname),
            env.toctree_includes.get(docname),
            {k: v for k, v in env.metadata.get(docname, {}).items() if k not in PAGE_ONLY_METADATA},
            env.toc_secnumbers.get(docname),
            env.toc_fignumbers.get(docname),
            docname in env.glob_toctrees,
            docname in env.numbered_toctrees,
        )
    )


def toc_neighbours_to_write(app, env) -> list[str]:
    """``env-get-updated``: compare each page read with what the tables of contents showed
    of it before (:func:`toc_face`; the pages that show the same are kept for
    :func:`skip_unchanged_toc_parents`), and return the pages to write again because of
    the others, beyond Sphinx's own toctree parents: the previous and next pages of each
    page whose face changed or that is new (their links carry its title), and its children
    with their previous and next pages (their parent link shows it; a changed toctree moves
    them). Sphinx itself writes none of them, so a renamed page's neighbours kept its old title."""
    st = state(app)
    st.toc_same = set()
    if not app.config.socioaffective_skip_toc_parents:
        return []
    changed = []
    for doc in st.read_docs:
        if doc in env.all_docs:
            if st.toc_faces.get(doc) == toc_face(env, doc):
                st.toc_same.add(doc)
            else:
                changed.append(doc)
    if not changed:
        return []
    relations = env.collect_relations()
    out: set[str] = set()
    for doc in changed:
        _parent, prev, nxt = relations.get(doc, (None, None, None))
        out.update(d for d in (prev, nxt) if d)
        for child in env.toctree_includes.get(doc, ()):
            out.add(child)
            out.update(d for d in relations.get(child, (None, None, None))[1:] if d)
    return sorted(d for d in out if d in env.all_docs and d not in st.read_docs)


def skip_unchanged_toc_parents(app, builder=None) -> None:
    """``write-started``: Sphinx writes again every page whose toctree includes a page
    it read (``env.files_to_rebuild``), whether or not what that toctree shows of it
    changed. For each page read that shows the same in the tables of contents
    (:func:`toc_neighbours_to_write` compared them), its entry is set aside until
    ``build-finished`` (:func:`restore_toc_parents`): its ancestors are written only if
    something else made them outdated. The root document is written in every build
    anyway (Sphinx adds it). The environment was pickled before writing starts, so
    nothing set aside is lost for the next build."""
    if not app.config.socioaffective_skip_toc_parents or getattr(app.builder, "format", "") != "html":
        return
    st, env = state(app), app.env
    st.toc_parents_kept = {doc: env.files_to_rebuild.pop(doc) for doc in sorted(st.toc_same) if doc in env.files_to_rebuild}
    if st.toc_parents_kept:
        logger.verbose(
            "socioaffective: %d pages read again show the same in the tables of contents; their toctree parents are written only if outdated",
            len(st.toc_parents_kept),
        )


def restore_toc_parents(app, _exc=None) -> None:
    """``build-finished``: put back what :func:`skip_unchanged_toc_parents` set aside."""
    st = state(app)
    for doc, parents in st.toc_parents_kept.items():
        app.env.files_to_rebuild.setdefault(doc, set()).update(parents)
    st.toc_parents_kept = {}


#: the env attributes of the extension kept per page: {docname: ...} (purged and merged alike)
PER_PAGE = (SPECS, NB_KEYS, "socioaffective_intros")


def env_purge_doc(app, env, docname):
    for attr in PER_PAGE:
        getattr(env, attr, {}).pop(docname, None)


def env_merge_info(app, env, docnames, other):
    for attr in PER_PAGE:
        if not hasattr(env, attr):
            setattr(env, attr, {})
        mine, theirs = getattr(env, attr), getattr(other, attr, {})
        for doc in docnames:
            if doc in theirs:
                mine[doc] = theirs[doc]


def graph_specs(env) -> dict:
    """Every graph spec in the book, by the docname that uses it."""
    out: dict = {}
    for doc, specs in _specs(env).items():
        for spec in specs:
            if spec[0] == "graph":
                out.setdefault(doc, []).append(spec)
    return out


# ---------------------------------------------------------------------------
# executed notebooks, cached by the content hash of their inputs

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(\r?\n|\Z)", re.S)


def _front_matter(text: str) -> dict | None:
    import yaml

    m = _FRONT_MATTER.match(text)
    if not m:
        return None
    try:
        meta = yaml.safe_load(m.group(1))
    except yaml.YAMLError:
        return None
    return meta if isinstance(meta, dict) else None


def _hash_files(h, files) -> None:
    for path in files:
        h.update(str(path).encode() + b"\0")
        try:
            h.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError:
            h.update(b"missing")


def _package_hash() -> bytes:
    """The content hash of the socioaffective package's files (its code, templates and data)."""
    package = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    _hash_files(h, sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"))
    return h.digest()


def _framework_roots(app) -> list[Path]:
    """The frameworks a notebook may load: the book's, and the one ``socioaffective.load()``
    finds from a notebook's folder when that holds none (``$SOCIOAFFECTIVE_ROOT``, else the
    package's own)."""
    import os

    from ..loader import ENV_ROOT, default_root

    roots = [state(app).root]
    other = Path(os.environ[ENV_ROOT]) if os.environ.get(ENV_ROOT) else default_root()
    if other.resolve() != roots[0].resolve():
        roots.append(other)
    return roots


def notebook_key(app, docname: str, text: str | None = None) -> str | None:
    """The content hash of what notebook ``docname``'s output depends on, or
    ``None`` when the page is not a notebook.

    The notebook's own code is in jupyter-cache's key (its code cells and
    their metadata); this key adds its inputs: the files its front matter
    lists under ``socioaffective_inputs`` (globs relative to its folder), or by
    default the framework (``framework/*.yaml`` and ``references.bib`` of the
    book's framework and of the one ``socioaffective.load()`` resolves) and
    the socioaffective package's source.
    """
    import glob

    path = Path(app.env.doc2path(docname))
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            return None
    meta = _front_matter(text)
    if meta is None or "kernelspec" not in meta:
        return None
    h = hashlib.sha256(b"socioaffective-notebook-inputs-1\0")
    declared = meta.get(NB_INPUTS)
    if isinstance(declared, str):
        declared = [declared]
    if isinstance(declared, list):
        files: set[Path] = set()
        for pattern in declared:
            hits = glob.glob(str(path.parent / str(pattern)), recursive=True)
            if hits:
                files.update(Path(f) for f in hits)
            else:
                files.add(path.parent / str(pattern))  # a missing input counts too (its absence is shown)
        _hash_files(h, sorted(files))
        return h.hexdigest()
    st = state(app)
    if st.package_hash is None:
        st.package_hash = _package_hash()
    h.update(st.package_hash)
    for root in _framework_roots(app):
        _hash_files(h, sorted((root / "framework").glob("*.yaml")) + [root / "references.bib"])
    return h.hexdigest()


def cached_mode(app) -> bool:
    cfg = getattr(app.env, "mystnb_config", None)
    return cfg is not None and getattr(cfg, "execution_mode", None) == "cache"


def notebook_source_read(app, docname, source) -> None:
    """Point MyST-NB's cache at this notebook's folder for its inputs' hash (``source-read``).

    The folder is ``<jupyter-cache>/socioaffective/<page>-<hash>``; the
    page's folders for other hashes are removed."""
    import shutil

    if not cached_mode(app):
        return
    key = notebook_key(app, docname, source[0])
    if key is None:
        return
    st = state(app)
    cfg = app.env.mystnb_config
    if st.nb_cache_base is None:
        base = Path(cfg.execution_cache_path or Path(app.outdir).parent / ".jupyter_cache")
        if base.parent.name == NB_CACHE:  # a notebook's own folder already (set by this function): its base
            base = base.parent.parent
        st.nb_cache_base = base
    folder = st.nb_cache_base / NB_CACHE
    slug = re.sub(r"[^A-Za-z0-9_-]+", "--", docname)
    mine = folder / f"{slug}-{key[:20]}"
    if folder.is_dir():
        for old in folder.iterdir():
            if old.is_dir() and old != mine and re.fullmatch(re.escape(slug) + r"-[0-9a-f]{20}", old.name):
                shutil.rmtree(old, ignore_errors=True)
    mine.mkdir(parents=True, exist_ok=True)
    app.env.mystnb_config = cfg.copy(execution_cache_path=str(mine))
    if not hasattr(app.env, NB_KEYS):
        setattr(app.env, NB_KEYS, {})
    getattr(app.env, NB_KEYS)[docname] = key


def notebooks_outdated(app, env, skip) -> list[str]:
    """The notebooks whose inputs changed since they last ran (read and run again)."""
    if not cached_mode(app):
        return []
    return [doc for doc, key in sorted(getattr(env, NB_KEYS, {}).items()) if doc not in skip and doc in env.found_docs and notebook_key(app, doc) != key]


def _join(text) -> str:
    return "".join(text) if isinstance(text, list) else str(text)


def exact_stream_merge(coalesce):
    """MyST-NB's ``coalesce_streams`` (``nb_merge_streams``) with each stream's pieces joined as printed.

    MyST-NB strips every piece of a stream and ends it with a line break before
    joining them, and drops the empty ones. The kernel sends a stream in pieces
    cut wherever its flush timer fires, so ``print(n, "entries")`` can come in
    as ``"23"`` and ``" entries\\n"``: merged, that read ``23`` and ``entries``
    on two lines in some builds and on one in others, and a ``print()`` blank
    line showed or not. Here each stream's pieces are joined first, byte for
    byte, in the order they came, at the place of the first; MyST-NB's own
    function then does the rest (``\\r`` and ``\\b``, the final line break).

    >>> from nbformat import from_dict
    >>> pieces = [from_dict({"output_type": "stream", "name": "stdout", "text": t}) for t in ("23", " entries\\n", "\\n", "done\\n")]
    >>> exact_stream_merge(lambda outputs: outputs)(pieces)[0]["text"]
    '23 entries\\n\\ndone\\n'
    """
    import functools

    if getattr(coalesce, "socioaffective_exact", False):
        return coalesce

    @functools.wraps(coalesce)
    def merge(outputs):
        merged: list = []
        first: dict = {}
        for output in outputs or []:
            if output.get("output_type") == "stream":
                name = output.get("name")
                if name in first:
                    first[name]["text"] += _join(output.get("text", ""))
                    continue
                output = output.copy()  # the notebook's own outputs stay as executed
                output["text"] = _join(output.get("text", ""))
                first[name] = output
            merged.append(output)
        return coalesce(merged)

    merge.socioaffective_exact = True  # type: ignore[attr-defined]
    return merge


def install_exact_stream_merge() -> None:
    """Put :func:`exact_stream_merge` in place of the function MyST-NB's renderer calls."""
    try:
        from myst_nb.core import render
    except ImportError:  # pragma: no cover - MyST-NB comes with Jupyter Book
        return
    if hasattr(render, "coalesce_streams"):
        render.coalesce_streams = exact_stream_merge(render.coalesce_streams)
