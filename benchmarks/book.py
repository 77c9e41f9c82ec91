"""Book benchmarks: graph layout, page weight and transfer, full and incremental
builds, each against its floor.

- *layout*: :func:`socioaffective.render.network.layout` of every entry of a
  5,000-entry framework (the explorer's graph), then the same graph again
  through the build's content-hash cache (:func:`socioaffective.sphinxext.cached_layout`).
- *page weight*: an entry page's HTML plus every file it pulls in (iframes,
  scripts, styles, recursively) that no other page uses; shared assets (the
  theme, vis-network, the book's CSS/JS) are left out.
- *transfer*: what a reader's browser downloads for the landing page, an
  entry page and the explorer (the page and everything it loads, graph frame
  included) over a local ``http.server`` on 127.0.0.1, first visit, in
  Debian's Chromium: bytes and requests (target: an entry page <= 1 MB).
  The explorer's first draw and Lighthouse's scores are measured by
  :mod:`benchmarks.browser` (which uses this module's :class:`serve` and
  :data:`PROBE`).
- *full build*: ``jupyter-book build --all`` of a fresh copy of the book, on
  the real framework and on a 300-entry synthetic one. Floor: Jupyter Book
  building the same table of contents with plain Markdown pages (same titles,
  the entry's text as a paragraph) and the same theme settings, without the
  socioaffective extension.
- *rebuild*: change one entry's description in the YAML, run an incremental
  ``jupyter-book build``, count the HTML pages rewritten.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .engine import stat

REPO = Path(__file__).resolve().parent.parent
BOOK_FILES = ("_config.yml", "_toc.yml")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _jupyter_book() -> list[str]:
    exe = Path(sys.executable).with_name("jupyter-book")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "jupyter_book"]


# ---------------------------------------------------------------------------
# books


def copy_book(dest: Path, framework_root: Path | None = None) -> Path:
    """A fresh copy of the book's sources in ``dest`` (no build output, no
    generated entry pages) with the framework of ``framework_root`` (default:
    the project's own)."""
    src_fw = Path(framework_root) if framework_root else REPO
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in BOOK_FILES:
        shutil.copy2(REPO / name, dest / name)
    shutil.copytree(REPO / "chapters", dest / "chapters", ignore=shutil.ignore_patterns("entries", "_build", ".ipynb_checkpoints"))
    shutil.copytree(src_fw / "framework", dest / "framework")
    results = REPO / "benchmarks" / "results.json"  # read by the Performance page
    if results.exists():
        (dest / "benchmarks").mkdir()
        shutil.copy2(results, dest / "benchmarks" / "results.json")
    if (src_fw / "references.bib").exists():
        shutil.copy2(src_fw / "references.bib", dest / "references.bib")
    # the book's own bib (chapters may cite the paper) when the framework is synthetic
    if framework_root and (REPO / "references.bib").exists():
        extra = (REPO / "references.bib").read_text(encoding="utf-8")
        with open(dest / "references.bib", "a", encoding="utf-8") as f:
            f.write("\n" + extra)
    return dest


def build(book: Path, *, full: bool = True, all_docs: bool = False, timeout: float = 1200) -> dict:
    """Build ``book`` with Jupyter Book; ``full`` removes ``_build`` (and the load cache)
    first and passes ``--all``; ``all_docs`` passes ``--all`` and keeps them (every page
    read and written again, the build's caches of layouts, notebooks and exports kept)."""
    # The book's own caches (the load cache; layouts live in _build) start empty
    # for a full build, as on a fresh machine; a rebuild finds them as left.
    cache_dir = book.parent / f"{book.name}-cache"
    if full:
        shutil.rmtree(book / "_build", ignore_errors=True)
        shutil.rmtree(cache_dir, ignore_errors=True)
    cmd = _jupyter_book() + ["build", str(book)] + (["--all"] if full or all_docs else [])
    env = {**os.environ, "SOCIOAFFECTIVE_CACHE": "1", "SOCIOAFFECTIVE_CACHE_DIR": str(cache_dir)}
    load0 = _loadavg()
    cpu0 = _children_cpu()
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=book, env=env)
    seconds = time.perf_counter() - t
    cpu = _children_cpu() - cpu0
    out = proc.stdout + proc.stderr
    warnings = len(re.findall(r"WARNING", out))
    missing_keys = len(re.findall(r"bibtex\.key_not_found", out))  # a citation the book's bibliographies miss
    errors = len(re.findall(r"\b(?:ERROR|CRITICAL|SEVERE):", out))  # docutils' own: a page that cannot be read as it is
    if proc.returncode != 0 or not (book / "_build" / "html" / "index.html").exists():
        raise RuntimeError(f"jupyter-book build failed in {book} (exit {proc.returncode}):\n{out[-3000:]}")
    return {
        "seconds": seconds,
        "cpu": cpu,
        "warnings": warnings,
        "missing_bib_keys": missing_keys,
        "errors": errors,
        "read": pages_read(out),
        "load": [load0, _loadavg()],
    }


_UPDATING = re.compile(r"updating environment: (?:\x1b\[[0-9;]*m)*(?:\[[^\]]*\] )?(\d+) added, (\d+) changed")


def pages_read(log: str) -> int | None:
    """How many pages a Sphinx build read (added + changed, from its log), or None."""
    m = _UPDATING.search(log)
    return int(m.group(1)) + int(m.group(2)) if m else None


def _loadavg() -> float | None:
    """The 1-minute load average (machine load, recorded with every build)."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:  # pragma: no cover - not POSIX
        return None


def _load_note(run: dict) -> str:
    a, b = run.get("load") or (None, None)
    return f"{a}-{b}" if a is not None else "?"


def build_jobs(book: Path, jobs: int | str = "auto", *, timeout: float = 1200) -> dict:
    """A full build with ``jobs`` parallel processes (``sphinx-build -j``).

    Jupyter Book 1's command line has no ``-j``; this is its own build
    function (``jupyter_book.sphinx.build_sphinx``, what ``jupyter-book
    build`` calls) with ``jobs``, in a child process, after the same clean-up
    as :func:`build`."""
    n = (os.cpu_count() or 1) if jobs == "auto" else int(jobs)
    return {**_timed_child(book, _JB_BUILD.format(jobs=n), full=True, timeout=timeout), "jobs": n}


#: ``jupyter-book build --all BOOK`` with ``jobs`` passed to its Sphinx build.
_JB_BUILD = """
import sys
import jupyter_book.sphinx as jbs
from jupyter_book.cli.main import main
plain = jbs.build_sphinx
def with_jobs(*args, **kwargs):
    kwargs["jobs"] = {jobs}
    return plain(*args, **kwargs)
jbs.build_sphinx = with_jobs
sys.argv = ["jupyter-book", "build", "--all", sys.argv[1]]
main()
"""


def _timed_child(book: Path, code: str, *, full: bool, timeout: float) -> dict:
    cache_dir = book.parent / f"{book.name}-cache"
    if full:
        shutil.rmtree(book / "_build", ignore_errors=True)
        shutil.rmtree(cache_dir, ignore_errors=True)
    env = {**os.environ, "SOCIOAFFECTIVE_CACHE": "1", "SOCIOAFFECTIVE_CACHE_DIR": str(cache_dir)}
    load0 = _loadavg()
    cpu0 = _children_cpu()
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, str(book)], capture_output=True, text=True, timeout=timeout, cwd=book, env=env)
    seconds = time.perf_counter() - t
    cpu = _children_cpu() - cpu0
    out = proc.stdout + proc.stderr
    if proc.returncode != 0 or not (book / "_build" / "html" / "index.html").exists():
        raise RuntimeError(f"build failed in {book} (exit {proc.returncode}):\n{out[-3000:]}")
    return {"seconds": seconds, "cpu": cpu, "warnings": len(re.findall(r"WARNING", out)), "output": out, "load": [load0, _loadavg()]}


def _children_cpu() -> float:
    """User + system CPU seconds of every finished child process (kernels included)."""
    try:
        import resource

        r = resource.getrusage(resource.RUSAGE_CHILDREN)
        return r.ru_utime + r.ru_stime
    except Exception:  # pragma: no cover - not POSIX
        return 0.0


def html_pages(book: Path) -> list[Path]:
    html = book / "_build" / "html"
    skip = {"genindex.html", "search.html", "py-modindex.html"}
    return sorted(p for p in html.rglob("*.html") if p.name not in skip and "_static" not in p.parts and "_sources" not in p.parts)


_HEADING = re.compile(r"^#\s+(.+?)\s*$", re.M)


def plain_floor_book(book: Path, dest: Path) -> Path:
    """The floor of ``book`` (built once, so its entry pages exist): the same
    table of contents and page files as plain Markdown, no extension."""
    import yaml

    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copy2(book / "_toc.yml", dest / "_toc.yml")
    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8"))
    config["execute"] = {"execute_notebooks": "off"}
    config.pop("bibtex_bibfiles", None)
    exts = config.get("sphinx", {}).get("config", {}).get("extensions")
    if exts:
        config["sphinx"]["config"]["extensions"] = [e for e in exts if e not in ("socioaffective.sphinxext", "sphinxcontrib.bibtex", "sphinx_click")]
    config.get("sphinx", {}).get("config", {}).pop("nitpicky", None)
    (dest / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    texts = _entry_texts(book)
    for src in sorted((book / "chapters").rglob("*.md")):
        rel = src.relative_to(book)
        text = src.read_text(encoding="utf-8")
        m = _HEADING.search(text)
        title = m.group(1) if m else src.stem
        title = re.sub(r"[`{}]", "", title)
        body = texts.get(src.stem) or "A chapter of the book. " * 20
        out = dest / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(f"# {title}\n\n{body}\n", encoding="utf-8")
    return dest


def _entry_texts(book: Path) -> dict[str, str]:
    import socioaffective

    kb = socioaffective.load(book, strict=False, cache=False)
    return {e.id: f"{e.summary}\n\n{e.description}" for e in kb}


# ---------------------------------------------------------------------------
# page weight

_REF = re.compile(r"""\b(src|href)\s*=\s*["']([^"'#?]+)""", re.I)


def _local_refs(page: Path, html_root: Path) -> set[Path]:
    """Files ``page`` loads: every ``src=`` (scripts, images, iframes) and every
    ``href=`` that is not a link to another page (style sheets, icons)."""
    out = set()
    try:
        text = page.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return out
    for attr, ref in _REF.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", ref, re.I) or ref.startswith("//"):
            continue
        if attr.lower() == "href" and ref.endswith((".html", "/")):
            continue  # a link to another page, not part of this one
        target = Path(os.path.normpath(page.parent / ref))
        if target.is_relative_to(html_root) and target.is_file():
            out.add(target)
    return out


def page_weights(book: Path, subdir: str = "chapters/entries") -> dict:
    """Bytes each entry page needs beyond assets shared with other pages."""
    html_root = Path(os.path.abspath(book / "_build" / "html"))
    pages = [Path(os.path.abspath(p)) for p in html_pages(book)]
    # everything each page pulls in, following iframes and page-level HTML
    closure: dict[Path, set[Path]] = {}
    for page in pages:
        seen: set[Path] = set()
        todo = [page]
        while todo:
            p = todo.pop()
            for ref in _local_refs(p, html_root):
                if ref in seen or ref == page:
                    continue
                seen.add(ref)
                if ref.suffix == ".html":
                    todo.append(ref)
        closure[page] = seen
    users: dict[Path, int] = {}
    for refs in closure.values():
        for r in refs:
            users[r] = users.get(r, 0) + 1
    weights = {}
    entry_root = html_root / subdir
    for page in pages:
        if not page.is_relative_to(entry_root):
            continue
        own = [r for r in closure[page] if users[r] == 1 and r.suffix not in (".png", ".svg", ".ico", ".woff", ".woff2")]
        rel_html = [r for r in own if r.suffix == ".html"]
        weights[page.relative_to(html_root).as_posix()] = {
            "bytes": page.stat().st_size + sum(r.stat().st_size for r in own),
            "html": page.stat().st_size,
            "own_files": len(own),
            "frames": len(rel_html),
        }
    if not weights:
        raise RuntimeError(f"no entry pages under {subdir} in {html_root}")
    sizes = [w["bytes"] / 1024 for w in weights.values()]
    worst = max(weights, key=lambda k: weights[k]["bytes"])
    return {"kib": stat(sizes), "worst": worst, "worst_detail": weights[worst], "pages": len(weights)}


# ---------------------------------------------------------------------------
# what a browser downloads

TEXT_SUFFIXES = (".html", ".css", ".js", ".json", ".svg", ".txt", ".map")
TRANSFER_PAGES = {"landing": "chapters/index.html", "entry": "chapters/entries/risk/sycophancy.html", "explorer": "chapters/explorer.html"}


class serve:
    """``python -m http.server`` for ``folder`` on 127.0.0.1, in a thread.

    ``compress``: text files (HTML, CSS, JS, JSON, SVG) go out gzip-encoded to a
    browser that accepts it, as static hosts (GitHub Pages, Read the Docs,
    Netlify) serve them; ``http.server`` alone never compresses."""

    def __init__(self, folder: Path, compress: bool = False):
        import functools
        import gzip
        import http.server
        import threading

        packed: dict[str, bytes] = {}

        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                path = Path(self.translate_path(self.path))
                if not (compress and "gzip" in self.headers.get("Accept-Encoding", "") and path.suffix in TEXT_SUFFIXES and path.is_file()):
                    return super().do_GET()
                body = packed.get(str(path))
                if body is None:
                    body = packed[str(path)] = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
                self.send_response(200)
                self.send_header("Content-Type", self.guess_type(str(path)))
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}/"

    def __enter__(self):
        return self.base

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def transfer(html_root: Path, pages: dict[str, str] = TRANSFER_PAGES) -> dict:
    """Bytes and requests each page costs a first-time reader over HTTP."""
    from playwright.sync_api import sync_playwright

    out = {}
    with serve(html_root) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for name, path in pages.items():
                ctx = browser.new_context(viewport={"width": 1280, "height": 900})
                page = ctx.new_page()
                sizes: dict[str, int] = {}
                page.on("response", lambda r, sizes=sizes: sizes.__setitem__(r.url, len(r.body())))
                page.goto(base + path, wait_until="networkidle")
                page.wait_for_timeout(300)
                biggest = sorted(sizes.items(), key=lambda kv: -kv[1])[:3]
                out[name] = {
                    "path": path,
                    "bytes": sum(sizes.values()),
                    "requests": len(sizes),
                    "largest": [(u[len(base) :].split("?")[0], n) for u, n in biggest],
                }
                ctx.close()
        finally:
            browser.close()
    return out


def transfer_figures(html_root: Path, log=print) -> tuple[list[dict], dict]:
    from . import report

    F, NM = report.figure, report.not_measured
    figs, raw = [], {}
    try:
        log("weighing pages over HTTP in Chromium ...")
        t = transfer(html_root)
        raw["transfer"] = t
        for name, w in t.items():
            limit = 1_000_000 if name == "entry" else None
            figs.append(
                F(
                    f"transfer-{name}",
                    f"{name} page, everything it loads over HTTP (first visit)",
                    w["bytes"] / 1e6,
                    "MB",
                    target="<= 1 MB" if limit else "",
                    limit=1.0 if limit else None,
                    against="value",
                    note=f"{w['requests']} requests; {w['path']}; largest: " + ", ".join(f"{u} {n / 1024:.0f} KiB" for u, n in w["largest"]),
                )
            )
    except Exception as exc:  # noqa: BLE001
        figs.append(NM("transfer-entry", "entry page, everything it loads over HTTP", _reason(exc), target="<= 1 MB"))
    return figs, raw


# ---------------------------------------------------------------------------
# edit one entry and rebuild


def edit_one_description(book: Path, entry_id: str | None = None) -> str:
    """Change one entry's description in the book's framework YAML; return its id."""
    import socioaffective

    kb = socioaffective.load(book, strict=False, cache=False)
    entries = [e for e in kb if e.description]
    if entry_id:
        e = kb.get(entry_id)
    else:
        # an ordinary entry: fewest pages show it (fewest links in and out)
        e = min(entries, key=lambda x: (len(kb.relations(x.id, direction="both")), x.id))
    path = book / e.file
    lines = path.read_text(encoding="utf-8").split("\n")
    line = e.line_of("description") - 1
    m = re.match(r"^(\s*)description:\s*(.*)$", lines[line])
    if not m:
        raise RuntimeError(f"cannot find the description of {e.id} at {e.file}:{line + 1}")
    indent = m.group(1)
    # replace the whole value (block scalar lines below included) with one plain line
    end = line + 1
    while end < len(lines) and (lines[end].startswith(indent + "  ") or not lines[end].strip()):
        end += 1
    new = f"{indent}description: An edited description for the rebuild benchmark, {time.time_ns()}."
    lines[line:end] = [new]
    path.write_text("\n".join(lines), encoding="utf-8")
    return e.id


def rebuild_after_edit(book: Path) -> dict:
    pages = {p: p.stat().st_mtime_ns for p in html_pages(book)}
    edited = edit_one_description(book)
    time.sleep(0.01)
    b = build(book, full=False)
    rewritten = [p for p in html_pages(book) if pages.get(p) != p.stat().st_mtime_ns]
    return {
        "seconds": b["seconds"],
        "cpu": b["cpu"],
        "edited": edited,
        "read": b["read"],
        "rewritten": len(rewritten),
        "pages": len(pages),
        "rewritten_pages": sorted(p.relative_to(book / "_build" / "html").as_posix() for p in rewritten)[:20],
    }


# ---------------------------------------------------------------------------
# layout


def _layout_child(root: Path, tmp: Path) -> dict:
    """Runs in a child process (see :func:`layout_bench`)."""
    import types

    import socioaffective
    from socioaffective import sphinxext
    from socioaffective.render import network

    kb = socioaffective.load(root, strict=False, cache=False)
    ids = [e.id for e in kb.entries()]
    t = time.perf_counter()
    network.layout(kb, ids, unit=105, aspect=1.9)
    first = time.perf_counter() - t

    # the build's cache: a fresh build state (a new Sphinx run) reading the doctree cache
    def app():
        st = sphinxext.State(kb=kb, root=root, entries_dir="chapters/entries")
        return types.SimpleNamespace(doctreedir=str(tmp / "doctrees"), _socioaffective=st)

    t = time.perf_counter()
    sphinxext.cached_layout(app(), ids, unit=105, aspect=1.9)
    fill = time.perf_counter() - t
    # count the layouts the build's cache still computes (there must be none)
    where = sphinxext.cached_layout.__globals__  # the module that lays graphs out for the build
    real_layout, calls = where["layout"], []

    def counting(*args, **kwargs):
        calls.append(1)
        return real_layout(*args, **kwargs)

    counting.remember = real_layout.remember  # type: ignore[attr-defined]  # the memo hook the cache calls on a hit
    where["layout"] = counting
    cached = []
    try:
        for _ in range(3):
            t = time.perf_counter()
            sphinxext.cached_layout(app(), ids, unit=105, aspect=1.9)
            cached.append(time.perf_counter() - t)
    finally:
        where["layout"] = real_layout
    idset = set(ids)
    return {
        "nodes": len(ids),
        "edges": sum(1 for r in kb.relations() if r.source in idset and r.target in idset),
        "first": first,
        "fill": fill,
        "cached": stat(cached),
        "relaid": len(calls),
    }


def layout_bench(root: Path, tmp: Path, timeout: float = 240) -> dict:
    """:func:`_layout_child` in a fresh process, stopped after ``timeout`` seconds."""
    tmp.mkdir(parents=True, exist_ok=True)
    code = (
        "import json, sys; from pathlib import Path; from benchmarks.book import _layout_child; "
        f"print(json.dumps(_layout_child(Path({str(root)!r}), Path({str(tmp)!r}))))"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    t = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, cwd=REPO, env=env)
    except subprocess.TimeoutExpired:
        return {"timeout": timeout, "elapsed": time.perf_counter() - t}
    if proc.returncode != 0:
        raise RuntimeError(f"layout benchmark failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


#: The first-draw probe benchmarks/browser.py puts right after the vis-network script.
PROBE = """<script>
(function () {
  window.__visAt = performance.now();  // HTML read and vis-network loaded
  var P = vis.Network.prototype, emit = P.emit;
  P.emit = function (name) {
    if (name === "afterDrawing" && window.__firstDraw === undefined) { window.__firstDraw = performance.now(); }
    return emit.apply(this, arguments);
  };
})();
</script>"""
VIS_TAG = re.compile(r"<script[^>]*vis-network[^>]*></script>", re.I)


# ---------------------------------------------------------------------------
# everything


def run_all(
    tmp: Path, repeat: int = 3, quick: bool = False, log=print, *, graph_entries: int = 5000, synthetic_entries: int = 300, real: bool = True
) -> tuple[list[dict], dict]:
    """Every book figure; a part that cannot run is reported as not measured.

    ``graph_entries`` sizes the layout's graph, ``synthetic_entries``
    the synthetic book (none with ``quick``); ``real`` builds the project's own
    book too (tests use small sizes and skip it).
    """
    from . import report
    from .generate import generate

    F, NM = report.figure, report.not_measured
    figs: list[dict] = []
    raw: dict = {}
    tmp = Path(tmp)

    # the explorer's layout on a 5,000-entry framework (its drawing: benchmarks/browser.py)
    root5k = tmp / f"framework-{graph_entries}"
    try:
        if not (root5k / "framework").exists():
            generate(root5k, graph_entries)
        log(f"laying out {graph_entries:,} nodes ...")
        lay = layout_bench(root5k, tmp / "layout")
        raw["layout"] = lay
        if "timeout" in lay:
            figs.append(
                F(
                    "layout",
                    f"graph layout at build, {graph_entries:,} nodes",
                    lay["timeout"],
                    "s",
                    target="< 10 s",
                    met=False,
                    note=f"stopped after {lay['timeout']:.0f} s without a result",
                )
            )
        else:
            figs.append(
                F(
                    "layout",
                    f"graph layout at build, {lay['nodes']:,} nodes, {lay['edges']:,} links",
                    lay["first"],
                    "s",
                    target="< 10 s",
                    limit=10,
                    against="value",
                )
            )
            figs.append(
                F(
                    "layout-cached",
                    "the same layout again (content-hash cache, new build)",
                    lay["cached"],
                    "s",
                    floor=lay["first"],
                    floor_label="laying it out",
                    target="never laid out twice",
                    met=lay["relaid"] == 0,
                    note=f"layouts computed again: {lay['relaid']} (the time is hashing the graph and reading the cached positions)",
                )
            )
    except Exception as exc:  # noqa: BLE001 - reported, not hidden
        figs.append(NM("layout", f"graph layout at build, {graph_entries:,} nodes", _reason(exc), target="< 10 s"))
    shutil.rmtree(root5k, ignore_errors=True)

    # books: the real framework, and a 300-entry synthetic one
    books = [("real", None)] if real else []
    if not quick and synthetic_entries:
        books.append((f"synthetic-{synthetic_entries}", synthetic_entries))
    for label, n in books:
        try:
            fw = None
            if n:
                fw = tmp / f"framework-{n}"
                generate(fw, n)
            book = copy_book(tmp / f"book-{label}", fw)
            log(f"building the book ({label}) ...")
            runs = [build(book) for _ in range(max(1, min(repeat, 2)))]
            noop = build(book, full=False)  # nothing changed: our start-up and checks
            warm = build(book, full=False, all_docs=True)  # every page again, the build's caches kept
            par = build_jobs(book, "auto")  # the same full build with -j (os.cpu_count() processes)
            par["parallel_warnings"] = re.findall(r"WARNING.*parallel.*", par.pop("output", ""))
            floor_dir = plain_floor_book(book, tmp / f"floor-{label}")
            floor_runs = [build(floor_dir) for _ in range(max(1, min(repeat, 2)))]
            idle_run = build(floor_dir, full=False)  # Jupyter Book's own start-up and checks
            idle = idle_run["seconds"]
            pages = len(html_pages(book))
            floor_pages = len(html_pages(floor_dir))
            weight = page_weights(book)
            if n is None:
                tfigs, traw = transfer_figures(book / "_build" / "html", log=log)
                figs.extend(tfigs)
                raw["transfer"] = traw
            log(f"rebuilding after one edit ({label}) ...")
            rb = rebuild_after_edit(book)
            full = stat([r["seconds"] for r in runs])
            full_cpu = stat([r["cpu"] for r in runs])
            floor_cpu = stat([r["cpu"] for r in floor_runs])
            raw[f"book-{label}"] = {
                "full": full,
                "missing_bib_keys": max(r["missing_bib_keys"] for r in runs),
                "errors": max(r["errors"] for r in runs),
                "floor": stat([r["seconds"] for r in floor_runs]),
                "pages": pages,
                "full_cpu": full_cpu,
                "floor_cpu": floor_cpu,
                "floor_pages": floor_pages,
                "warnings": runs[-1]["warnings"],
                "weight": weight,
                "rebuild": rb,
                "floor_rebuild_nothing_changed": idle,
                "noop": noop,
                "warm_all": warm,
                "jobs": par,
                "floor_noop": idle_run,
                "load": {"full": [r["load"] for r in runs], "floor": [r["load"] for r in floor_runs]},
            }
            what = "real framework" if n is None else f"{n}-entry synthetic framework"
            figs.append(
                F(
                    f"build-{label}",
                    f"full book build, {what} ({pages} pages)",
                    full,
                    "s",
                    floor=raw[f"book-{label}"]["floor"],
                    floor_label=f"Jupyter Book, {floor_pages} plain Markdown pages",
                    target="<= 2x floor",
                    limit=2.0,
                    note=f"load {', '.join(_load_note(r) for r in runs)} (floor {', '.join(_load_note(r) for r in floor_runs)}); "
                    f"CPU time of the build's processes {report.fmt(full_cpu, 's')} vs {report.fmt(floor_cpu, 's')} "
                    f"({full_cpu['median'] / floor_cpu['median']:.2f}x); {runs[-1]['warnings']} warning(s) in the build log",
                )
            )
            figs.append(
                F(
                    f"build-warm-{label}",
                    f"book build --all with the build's caches kept, {what}",
                    warm["seconds"],
                    "s",
                    floor=raw[f"book-{label}"]["floor"],
                    floor_label=f"Jupyter Book, {floor_pages} plain Markdown pages (cold)",
                    target="<= 2x floor",
                    limit=2.0,
                    note=f"every page read and written again; layouts, executed notebooks and exports from their content-hash caches; "
                    f"CPU {report.fmt(warm['cpu'], 's')} vs {report.fmt(floor_cpu, 's')} ({warm['cpu'] / floor_cpu['median']:.2f}x); load {_load_note(warm)}",
                )
            )
            figs.append(
                F(
                    f"noop-{label}",
                    f"rebuild with nothing changed, {what}",
                    noop["seconds"],
                    "s",
                    floor=idle,
                    floor_label="Jupyter Book's own no-op rebuild of the plain book",
                    target="close to Jupyter Book's own",
                    note=f"{noop['seconds'] / idle:.2f}x Jupyter Book's no-op on the plain pages; load {_load_note(noop)}",
                )
            )
            figs.append(
                F(
                    f"build-j-{label}",
                    f"full book build with -j {par['jobs']}, {what}",
                    par["seconds"],
                    "s",
                    floor=full,
                    floor_label="the serial full build",
                    target="<= 1x serial",
                    limit=1.0,
                    note=f"CPU {report.fmt(par['cpu'], 's')}; {par['warnings']} warning(s); load {_load_note(par)} "
                    f"(serial runs: {', '.join(_load_note(r) for r in runs)})",
                )
            )
            figs.append(
                F(
                    f"rebuild-{label}",
                    f"rebuild after editing one description, {what}",
                    rb["seconds"],
                    "s",
                    floor=full,
                    floor_label="the full build",
                    target="<= 0.2x",
                    limit=0.2,
                    note=f"edited `{rb['edited']}`; {rb['read']} pages read again, {rb['rewritten']} of {rb['pages']} rewritten; "
                    f"CPU {report.fmt(rb['cpu'], 's')} vs {report.fmt(full_cpu, 's')} ({rb['cpu'] / full_cpu['median']:.2f}x); "
                    f"Jupyter Book rebuilding the plain book with nothing changed: {report.fmt(idle, 's')}; load {_load_note(rb)}",
                )
            )
            figs.append(
                F(
                    f"weight-{label}",
                    f"entry page weight beyond shared assets, {what} (largest)",
                    weight["kib"]["max"],
                    "KiB",
                    target="< 60 KiB",
                    limit=60,
                    against="value",
                    note=f"median {weight['kib']['median']:.1f} KiB over {weight['pages']} entry pages; largest: {weight['worst']}",
                )
            )
            if fw:
                shutil.rmtree(fw, ignore_errors=True)
        except Exception as exc:  # noqa: BLE001
            what = "real framework" if n is None else f"{n}-entry synthetic framework"
            figs.append(NM(f"build-{label}", f"full book build, {what}", _reason(exc), target="<= 2x floor"))
            figs.append(NM(f"rebuild-{label}", f"rebuild after editing one description, {what}", _reason(exc), target="<= 0.25x"))
            figs.append(NM(f"weight-{label}", f"entry page weight beyond shared assets, {what}", _reason(exc), target="< 60 KiB"))
    return figs, raw


def _reason(exc: Exception) -> str:
    text = f"{type(exc).__name__}: {exc}".strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]
