"""The book's notebooks executed in a forked process while Sphinx reads the other pages.

MyST-NB executes a notebook when Sphinx reads its page, and the build waits
for the kernel: the Python and Performance chapters cost about 3 s of a full
build of the real book (kernel start-up included), on one core. At
``env-before-read-docs`` the pages to read are known; the notebooks among them
(pages with a ``kernelspec``, in ``execute_notebooks: cache`` mode) are run,
in the order Sphinx will read them, by one forked child that does exactly
what MyST-NB's parser does up to the execution: the same ``source-read``
handlers (so the same cache folder, :func:`~socioaffective.book.incremental.notebook_source_read`),
the same reader, the same configuration from the notebook's metadata, and
MyST-NB's own execution client, which stores the executed notebook in
jupyter-cache. When Sphinx reaches a notebook's page, ``source-read`` waits
for the child to be done with it (:func:`wait`) and MyST-NB then finds the
execution in its cache: the same outputs, no second kernel. The kernel's clean
shutdown (its ``atexit`` hooks run) comes after the child has said the page is
ready (:func:`later_shutdown`), not before MyST-NB's cache record as in
nbclient's own order: it polls for the kernel's exit, about 0.3 s that the
parent's read would wait for.

Nothing the child does decides what a page shows: if it failed, was killed or
never ran (not Linux, a second thread, ``socioaffective_background_notebooks =
False``), MyST-NB finds no cached execution and runs the notebook itself, with
its own warnings and tracebacks, as before. The child's output goes nowhere
(the parent's read reports what matters).
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from .state import logger, state

MARKERS = "prerun"  # under <doctrees>/socioaffective/: one file per notebook the child is done with


class _Silent:
    """MyST-NB's logger interface, saying nothing (the parent's read says it)."""

    def __getattr__(self, _name):
        return lambda *args, **kwargs: None


def _usable(app) -> bool:
    import sys
    import threading

    from .incremental import cached_mode

    return (
        bool(app.config.socioaffective_background_notebooks)
        and cached_mode(app)
        and sys.platform.startswith("linux")
        and hasattr(os, "fork")
        and threading.active_count() == 1  # a fork copies one thread: a lock another holds would stay held
    )


def _marker(app, docname: str) -> Path:
    return Path(app.doctreedir) / "socioaffective" / MARKERS / (re.sub(r"[^A-Za-z0-9_-]+", "--", docname) + ".done")


def start_early(app) -> None:
    """``builder-inited`` (after MyST-NB's configuration): in a rebuild, the notebooks whose
    inputs changed are known from the last build's keys before Sphinx even looks for changed
    pages; their run starts here, a few tenths of a second before :func:`start` could."""
    from .incremental import NB_KEYS, notebooks_outdated

    st = state(app)
    st.prerun = {}
    if not getattr(app.env, NB_KEYS, None) or not _usable(app):
        return
    _fork(app, app.env, notebooks_outdated(app, app.env, set()), "builder-inited")


def start(app, env, docnames) -> None:
    """``env-before-read-docs``: fork the child that runs the notebooks among ``docnames``
    (unless :func:`start_early` did; a notebook it did not take runs in MyST-NB as usual)."""
    from .incremental import notebook_key

    st = state(app)
    if st.prerun_pid is not None or st.prerun or not _usable(app):
        return
    todo = []
    for doc in sorted(docnames):  # Sphinx's own order of reading
        try:
            text = Path(env.doc2path(doc)).read_text(encoding="utf-8")
        except OSError:
            continue
        if notebook_key(app, doc, text) is not None:
            todo.append(doc)
    _fork(app, env, todo, "env-before-read-docs")


def _fork(app, env, todo: list[str], when: str) -> None:
    import shutil

    st = state(app)
    if not todo:
        return
    logger.verbose("socioaffective: %d notebook(s) run in the background from %s: %s", len(todo), when, ", ".join(todo))
    folder = Path(app.doctreedir) / "socioaffective" / MARKERS
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    parent = os.getpid()
    pid = os.fork()
    if pid:
        st.prerun = {doc: _marker(app, doc) for doc in todo}
        st.prerun_pid, st.prerun_parent = pid, parent
        return
    try:  # the child: never returns into Sphinx, never runs the parent's exit handlers
        from .gctuning import freeze_inherited

        freeze_inherited()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        with later_shutdown():
            for doc in todo:
                try:
                    execute(app, env, doc)
                except BaseException:  # the parent's read runs it again and reports the error
                    pass
                finally:
                    _marker(app, doc).write_text("done", encoding="utf-8")
                    stop_kernels()  # the kernel's clean shutdown, while the parent reads on
    finally:
        os._exit(0)


_STOPPING: list = []  # kernel managers whose clean shutdown waits for the notebook's marker


def _later_shutdown_class():
    from jupyter_client.manager import AsyncKernelManager

    class LaterShutdown(AsyncKernelManager):
        """nbclient's kernel manager, whose shutdown at the end of the run is put off
        until :func:`stop_kernels`: the same clean shutdown (the kernel's ``atexit``
        hooks run), but after the notebook's marker, not on the parent's critical path.
        nbclient shuts the kernel down before it returns, and MyST-NB writes its cache
        record only then; the clean shutdown polls for the kernel's exit, about 0.3 s."""

        _later_now = False

        async def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:  # type: ignore[override]  # async, as AsyncKernelManager's own
            if restart:
                await super().shutdown_kernel(now=now, restart=restart)
                return
            self._later_now = now
            _STOPPING.append(self)

        async def cleanup_resources(self, restart: bool = False) -> None:  # type: ignore[override]
            if not restart and any(km is self for km in _STOPPING):
                return  # the put-off shutdown cleans up after itself
            await super().cleanup_resources(restart=restart)

        async def finish_later(self) -> None:
            await super().shutdown_kernel(now=self._later_now)  # cleans up the resources too

    return LaterShutdown


class later_shutdown:
    """In the child: MyST-NB's executions use :func:`_later_shutdown_class`'s kernel manager
    (``kernel_manager_class``, passed through jupyter-cache to nbclient)."""

    def __enter__(self):
        import functools

        import myst_nb.core.execute.cache as nb_cache

        self.module, self.run = nb_cache, nb_cache.single_nb_execution
        nb_cache.single_nb_execution = functools.partial(self.run, kernel_manager_class=_later_shutdown_class())
        return self

    def __exit__(self, *_exc):
        self.module.single_nb_execution = self.run
        stop_kernels()


def stop_kernels() -> None:
    """The clean shutdown of every kernel :func:`later_shutdown` put off."""
    from jupyter_core.utils import run_sync

    while _STOPPING:
        km = _STOPPING.pop()
        try:
            run_sync(km.finish_later)()
        except Exception:  # noqa: BLE001 - the outputs are in the cache already; the parent reads them
            pass


def execute(app, env, docname: str) -> None:
    """Run notebook ``docname`` into MyST-NB's cache, as MyST-NB's parser would run it."""
    from myst_nb.core.execute import create_client
    from myst_nb.core.nb_to_tokens import nb_node_to_dict
    from myst_nb.core.read import create_nb_reader

    path = env.doc2path(docname)
    env.prepare_settings(docname)  # env.docname, for the source-read handlers
    source = [Path(path).read_text(encoding="utf-8")]
    app.events.emit("source-read", docname, source)  # this page's cache folder, and any other handler's edits
    text = source[0]
    nb_config = env.mystnb_config
    reader = create_nb_reader(path, env.myst_config, nb_config, text)
    if reader is None:
        return
    notebook = reader.read(text)
    kernel = notebook.metadata.get("kernelspec", {}).get("name", None)
    if kernel is not None and nb_config.kernel_rgx_aliases:
        for rgx, alias in nb_config.kernel_rgx_aliases.items():
            if re.fullmatch(rgx, kernel):
                notebook.metadata["kernelspec"]["name"] = alias
                break
    if nb_config.metadata_key in notebook.metadata:
        overrides = nb_node_to_dict(notebook.metadata[nb_config.metadata_key])
        overrides.pop("output_folder", None)
        nb_config = nb_config.copy(**overrides)
    with create_client(notebook, path, nb_config, _Silent(), reader.read_fmt):
        pass


def _running(st) -> bool:
    pid = st.prerun_pid
    if pid is None:
        return False
    if os.getpid() == st.prerun_parent:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done == pid:
            st.prerun_pid = None
            return False
        return True
    try:  # a `-j` reading process: not the child's parent, so it asks the kernel (a zombie has ended)
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")


def wait(app, docname: str, _source=None) -> None:
    """``source-read`` (after :func:`~socioaffective.book.incremental.notebook_source_read`
    pointed MyST-NB at the page's cache folder): wait until the child is done with the
    notebook (or has ended)."""
    st = state(app)
    marker = st.prerun.pop(docname, None)
    if marker is None:
        return
    while not marker.exists() and _running(st):
        time.sleep(0.02)


def reap(app, *_args) -> None:
    """``build-finished``: wait for the child, so that none outlives the build (its last
    kernel may still be shutting down while the pages are written)."""
    st = state(app)
    pid = st.prerun_pid
    st.prerun, st.prerun_pid = {}, None
    if pid is not None and os.getpid() == st.prerun_parent:
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
