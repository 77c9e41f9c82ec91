"""The Sphinx extension behind the web book: the framework rendered, never restated.

Add ``socioaffective.sphinxext`` to the extensions (with myst-parser or
MyST-NB and sphinxcontrib-bibtex). At ``config-inited`` it loads the framework
once, reports its problems as warnings (``type="socioaffective"``, subtype =
problem code, located at file:line, so ``-W`` fails on a broken framework) and
writes one page stub per entry into ``chapters/entries/<kind>/<id>.md``.

Directives (thin adapters over the pure renderers in
:mod:`socioaffective.render`):

- ``socioaffective-entry <id>``: an entry's page (badges, text, fields, links,
  backlinks, neighbourhood graph, sources, provenance, the Python line);
- ``socioaffective-list <kind>``: the entries of a kind;
- ``socioaffective-graph``: the whole framework with filters and search, or
  ``:entry: <id>`` for one entry's neighbourhood, or ``:kinds: a b`` for part
  of it (options ``:height:``, ``:caption:``, ``:max-nodes:``, and ``:wide:``
  to use the right margin on pages without an in-page contents sidebar);
- ``socioaffective-matrix <row-kind> <col-kind> <relation>``: a heat-map table;
- ``socioaffective-glossary``: a Sphinx glossary from the concepts;
- ``socioaffective-schema grades|kinds|relations|fields`` (and
  ``socioaffective-grades``): tables of the schema.

Roles: ``socioaffective-kind``, ``socioaffective-grade``,
``socioaffective-badge`` (badges) and ``socioaffective-count`` (how many
entries of a kind, or ``all``).

Config values: ``socioaffective_root`` (the folder holding ``framework/``;
default: the book's source folder), ``socioaffective_entries_dir`` (where the
stubs go, default ``chapters/entries``), ``socioaffective_graph_max_nodes``
(24: a neighbourhood shows 2 hops if that fits, else 1) and
``socioaffective_add_bibfile`` (add the framework's references.bib to
``bibtex_bibfiles``; default True) and ``socioaffective_lite_dir`` (a built
JupyterLite console to copy into ``lite/``, also ``$SOCIOAFFECTIVE_LITE_DIR``;
adds the tag ``lite``).

Graph pages are written into ``_static/socioaffective/graphs/`` and embedded
with iframes; vis-network's files are copied once from the pyvis package.
A page is rebuilt in an incremental build exactly when what it shows changed
(a signature per directive, compared at ``env-get-outdated``; each directive's
is declared once in :mod:`socioaffective.book.registry`, with the directive).
The extension is parallel-safe (``sphinx-build -j auto``).

Executed notebooks (MyST-NB with ``execute_notebooks: cache``) are cached by
the content hash of their inputs (the framework, references.bib and this
package, or the files a notebook's front matter lists under
``socioaffective_inputs``): a notebook runs again, and its page is read again,
exactly when one of them changed (:mod:`socioaffective.book.incremental`).
The notebooks among the pages to read run in a forked process while Sphinx
reads the others, into the same cache (:mod:`socioaffective.book.prerun`),
and so do the exports (:mod:`socioaffective.export.book`); both fall back to
running in the build process (``socioaffective_background_notebooks``,
``socioaffective_background_exports``).
With a pydata-based theme, Sphinx's own search index (which no page of the
book loads: its search page has its own) is fed page titles only, and each
bibliography entry is formatted once per content (kept in the doctree folder),
each citation reference resolved once per build, and the pages of one folder
share the sidebar's resolved table of contents (``socioaffective_share_toctree``,
default True; :mod:`socioaffective.book.navcache`).
During a build the garbage collector's young generation is collected every
20,000 allocations instead of Python's 700 (``socioaffective_gc_threshold``; 0
leaves Python's; :mod:`socioaffective.book.gctuning`), and put back after; at
the process's exit the heap is frozen, so finalization's collections skip it.
The theme's Jinja templates are compiled once and kept in the doctree folder
(``socioaffective_template_cache``; :mod:`socioaffective.book.templatecache`).

This module is the registry (like sphinx-needs' ``needs.py``): every event
handler, directive and role is connected in :func:`setup`; their code lives in
:mod:`socioaffective.book`.
"""

from __future__ import annotations

from . import __version__
from .book.gctuning import DEFAULT_THRESHOLD as GC_THRESHOLD
from .book.gctuning import exit_quickly
from .book.gctuning import raise_threshold as raise_gc_threshold
from .book.gctuning import restore_threshold as restore_gc_threshold
from .book.graphs import cached_layout, doctree_resolved, placeholder, visit_skip
from .book.incremental import (
    env_before_read_docs,
    env_get_outdated,
    env_merge_info,
    env_purge_doc,
    install_exact_stream_merge,
    notebook_source_read,
    restore_toc_parents,
    skip_unchanged_toc_parents,
    toc_neighbours_to_write,
)
from .book.navcache import report as report_toctree_sharing
from .book.navcache import share_sidebar_markup, share_toctree, skip_needless_empty_checks
from .book.output import (
    add_templates,
    build_finished,
    html_page_context,
    index_cited_pages,
    load_pybtex_memo,
    memoize_citation_references,
    memoize_myst_default_settings,
    memoize_pybtex_entry_points,
    memoize_pybtex_formatting,
    note_first_paragraph,
    save_pybtex_memo,
    skip_sphinx_search_index,
    vis_files,
    write_page_assets,
)
from .book.prerun import reap as reap_notebooks
from .book.prerun import start as start_notebooks
from .book.prerun import start_early as start_notebooks_early
from .book.prerun import wait as wait_for_notebook
from .book.state import (
    PAGE_NAME,
    STATIC_DIR,
    State,
    builder_inited,
    config_inited,
    declare_parallel_safe,
    entry_docname,
    env_updated,
    report_pybtex_errors,
    write_stubs,
)
from .book.templatecache import use_bytecode_cache

__all__ = ["PAGE_NAME", "State", "cached_layout", "entry_docname", "setup", "vis_files", "write_stubs"]


def _one_blas_thread() -> None:
    """OpenBLAS on one thread in the build (unless set otherwise in the environment).

    The book's layouts are small dense problems (numpy and scipy): OpenBLAS's
    extra threads spin-wait through them and cost CPU without saving time
    (the explorer's layout: 0.95 s CPU on 2 threads, 0.57 s on one, in the
    same 0.6 s). Only takes effect before numpy is imported, which no extension
    of the book does before this one's setup; child processes (notebook
    kernels, ``-j`` workers) inherit it."""
    import os

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def keep_configured_numfig(app, config) -> None:
    """Keep ``numfig`` as the book configures it.

    Jupyter Book adds ``sphinx_jupyterbook_latex`` to every build, and its
    ``config-inited`` handler sets ``numfig = True`` whatever the book's
    ``_config.yml`` says; with numfig on, Sphinx loads every page's doctree on
    every build that changes a page, to number figures (a second of a rebuild
    at 300 entries). A value the configuration sets (Jupyter Book passes its
    ``sphinx: config:`` as overrides) is put back; without one, nothing changes."""
    configured = config.overrides.get("numfig")
    if isinstance(configured, bool) and config.numfig != configured:
        config.numfig = configured


def setup(app):
    _one_blas_thread()
    install_exact_stream_merge()  # a cell's printed lines as printed, in every build
    memoize_pybtex_entry_points()
    memoize_myst_default_settings()
    memoize_pybtex_formatting()
    memoize_citation_references()
    index_cited_pages()
    skip_needless_empty_checks()
    app.add_config_value("socioaffective_root", None, "env", [str])
    app.add_config_value("socioaffective_entries_dir", "chapters/entries", "env", [str])
    app.add_config_value("socioaffective_graph_max_nodes", 24, "env", [int])
    app.add_config_value("socioaffective_add_bibfile", True, "env", [bool])
    # the repository for "Suggest a correction" / "View source" (default: the theme's repository_url)
    app.add_config_value("socioaffective_repository_url", "", "env", [str])
    # pages of one folder share the sidebar's resolved table of contents (book/navcache.py)
    app.add_config_value("socioaffective_share_toctree", True, "html", [bool])
    # notebooks executed in a forked process while the other pages are read (book/prerun.py)
    app.add_config_value("socioaffective_background_notebooks", True, "", [bool])
    # the garbage collector's first threshold during a build; 0: Python's own (book/gctuning.py)
    app.add_config_value("socioaffective_gc_threshold", GC_THRESHOLD, "", [int])
    # the theme's templates compiled once, kept in the doctree folder (book/templatecache.py)
    app.add_config_value("socioaffective_template_cache", True, "", [bool])
    # toctree parents of a page read again written only when what they show of it changed (book/incremental.py)
    app.add_config_value("socioaffective_skip_toc_parents", True, "", [bool])

    app.connect("config-inited", raise_gc_threshold, priority=100)  # before the framework and the last environment load

    app.connect("config-inited", config_inited, priority=400)  # before sphinx-external-toc (900)
    app.connect("config-inited", keep_configured_numfig, priority=600)  # after sphinx_jupyterbook_latex's (500)
    app.connect("config-inited", add_templates)  # layout.html without the icon script, the offline search page
    app.connect("builder-inited", builder_inited)
    app.connect("builder-inited", share_sidebar_markup)  # the theme's sidebar markup, once per tree
    app.connect("builder-inited", use_bytecode_cache)  # before any page is written
    app.connect("builder-inited", start_notebooks_early, priority=900)  # after MyST-NB's configuration (500)
    app.connect("builder-inited", write_page_assets)  # before any page links them (their checksums)
    app.connect("builder-inited", declare_parallel_safe)  # before reading, where Sphinx decides on -j
    app.connect("builder-inited", report_pybtex_errors, priority=900)  # after sphinxcontrib-bibtex read the bib
    app.connect("builder-inited", load_pybtex_memo)  # the entries formatted by the last build
    app.connect("builder-inited", skip_sphinx_search_index)  # the book's search page has its own index
    app.connect("source-read", notebook_source_read)  # executed notebooks: cached by their inputs' hash
    app.connect("source-read", wait_for_notebook, priority=900)  # its background run (book/prerun.py), if any
    app.connect("env-get-outdated", env_get_outdated)
    app.connect("env-before-read-docs", env_before_read_docs)
    app.connect("env-before-read-docs", start_notebooks, priority=900)  # once the pages to read are settled
    app.connect("env-get-updated", toc_neighbours_to_write)  # the previous and next pages of a renamed page
    app.connect("write-started", skip_unchanged_toc_parents)
    app.connect("build-finished", restore_toc_parents, priority=100)  # before anything that might read the tree
    app.connect("build-finished", reap_notebooks)
    app.connect("env-purge-doc", env_purge_doc)
    app.connect("env-merge-info", env_merge_info)
    app.connect("env-updated", env_updated)
    app.connect("doctree-read", note_first_paragraph)  # the search index's chapter snippets
    app.connect("doctree-resolved", doctree_resolved)
    app.connect("html-page-context", share_toctree, priority=450)  # before the theme renders its sidebar (500)
    app.connect("html-page-context", html_page_context, priority=900)
    app.connect("build-finished", build_finished)
    app.connect("build-finished", save_pybtex_memo)
    app.connect("build-finished", report_toctree_sharing)
    app.connect("build-finished", restore_gc_threshold, priority=1000)  # after every other handler
    app.connect("build-finished", exit_quickly, priority=1000)  # the heap frozen at the process's exit

    app.add_node(placeholder, html=(visit_skip, None), latex=(visit_skip, None), text=(visit_skip, None), man=(visit_skip, None), texinfo=(visit_skip, None))
    # every directive and role, with its incremental-build signature: book/registry.py
    from .book.registry import setup as setup_directives

    setup_directives(app)
    app.add_css_file(f"{STATIC_DIR}/socioaffective.css")
    app.add_css_file(f"{STATIC_DIR}/schema.css")
    app.add_js_file(f"{STATIC_DIR}/evidence-filter.js", loading_method="defer")  # the Evidence table's filters
    app.add_js_file(f"{STATIC_DIR}/cite.js", loading_method="defer")
    app.add_js_file(f"{STATIC_DIR}/graph-frames.js", loading_method="defer")  # phone-height graph frames

    # Downloads (issue 5): every export written into _static/socioaffective/exports/
    # at build-finished, and the `socioaffective-downloads` directive. Owned by export/book.py.
    from .export.book import setup as setup_downloads

    setup_downloads(app)

    # The in-browser console (JupyterLite), included when built: book/lite.py.
    from .book.lite import setup as setup_lite

    setup_lite(app)
    from .book.review import setup as setup_review  # the Design review page (issue 13)

    setup_review(app)
    # env_version: raised when what a build keeps between builds changes shape, so that an incremental
    # build after an upgrade starts afresh (3: graph pages carry link tooltips as a table of lines,
    # which the new graph.js reads; a page written before would stay as it was until its entry changed)
    return {"version": __version__, "env_version": 3, "parallel_read_safe": True, "parallel_write_safe": True}
