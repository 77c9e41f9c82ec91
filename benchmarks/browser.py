"""Browser benchmarks: the explorer's first draw against bare vis-network, and
Lighthouse's mobile performance score of the built book.

- *explorer first draw / floor*: the explorer page the book writes for a
  5,000-entry framework and a bare vis-network page with the same node
  positions, nodes and edges and no other data (physics off, straight edges),
  opened over ``file://`` in Debian's Chromium through Playwright, one after
  the other in each round (interleaved, so machine load hits both alike). The
  time is from navigation start to vis-network's first ``afterDrawing`` event
  (a probe right after the vis-network script patches
  ``Network.prototype.emit``). Reported: the median of the per-round ratios
  book / floor (goal <= 1.2x).
- *Lighthouse*: the npm package ``lighthouse`` (installed with npm under a
  cache folder, never committed) run against Debian's Chromium
  (``CHROME_PATH=/usr/bin/chromium``), mobile preset with simulated
  throttling, for the landing page, an entry page and the explorer, served
  from 127.0.0.1 twice: gzip-encoded, as static hosts (GitHub Pages, Read the
  Docs, Netlify) serve the book, which the goal (>= 90) is about, and
  uncompressed, as ``python -m http.server`` serves it; median of the runs.
  Skipped, with the reason, when npm or the package is missing or Lighthouse
  cannot run.

``make test`` runs :func:`explorer_ratio` on a tiny framework and checks the
result's shape (tests/test_benchmarks.py), never its timing.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LIGHTHOUSE_VERSION = "12"
PAGES = {"landing": "chapters/index.html", "entry": "chapters/entries/risk/sycophancy.html", "explorer": "chapters/explorer.html"}

from .book import PROBE, VIS_TAG, serve  # noqa: E402  (one copy of the draw probe and the local server)


def _insert_probe(page: str) -> str:
    m = VIS_TAG.search(page)
    if not m:
        raise RuntimeError("the explorer page does not load vis-network with a <script src=...vis-network...>")
    return page[: m.end()] + PROBE + page[m.end() :]


def explorer_pages(root: Path, dest: Path) -> tuple[Path, Path, int, int]:
    """Write the book's explorer page for the framework at ``root`` and its floor page.

    Positions: a seeded random layout (cheap and deterministic; drawing time
    does not depend on where the nodes are). Returns (book page, floor page,
    nodes, edges)."""
    import socioaffective
    from socioaffective.book.output import vis_files
    from socioaffective.render import network

    kb = socioaffective.load(root, strict=False, cache=False)
    ids = [e.id for e in kb.entries()]
    rng = random.Random(3)
    side = 105 * len(ids) ** 0.5
    pos = {i: (round(rng.uniform(-1.9, 1.9) * side / 2), round(rng.uniform(-1, 1) * side / 2)) for i in ids}
    data = network.graph_data(kb, ids, pos, lambda i: f"../entries/{i}.html", labels=len(ids) <= network.LOD_NODES)
    if dest.exists():
        shutil.rmtree(dest)
    static = dest / "static"
    (static / "vis").mkdir(parents=True)
    for f in vis_files():
        shutil.copy2(f, static / "vis" / f.name)
    for f in (REPO / "socioaffective" / "static").iterdir():
        if f.is_file():
            shutil.copy2(f, static / f.name)
    page = network.graph_page(data, title="Explorer", static="../static/", explorer=True)
    (dest / "graphs").mkdir()
    book_page = dest / "graphs" / "explorer.html"
    book_page.write_text(_insert_probe(page), encoding="utf-8")
    nodes = [{"id": n["id"], "x": n["x"], "y": n["y"]} for n in data["nodes"]]
    edges = [{"from": e["from"], "to": e["to"]} for e in data["edges"]]
    floor = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        "<link rel='stylesheet' href='../static/vis/vis-network.css'>"
        "<script src='../static/vis/vis-network.min.js'></script>"
        + PROBE
        + "</head><body style='margin:0'><div id='g' style='width:100%;height:100vh'></div><script>"
        f"var nodes = new vis.DataSet({json.dumps(nodes)}); var edges = new vis.DataSet({json.dumps(edges)});"
        "new vis.Network(document.getElementById('g'), {nodes: nodes, edges: edges},"
        " {physics: {enabled: false}, edges: {smooth: false}, layout: {improvedLayout: false}});"
        "</script></body></html>"
    )
    floor_page = dest / "graphs" / "floor.html"
    floor_page.write_text(floor, encoding="utf-8")
    return book_page, floor_page, len(nodes), len(edges)


def first_draws(pages: list[Path], repeat: int = 5, timeout_ms: int = 90000) -> dict:
    """Seconds from navigation start to the first draw of each page, interleaved
    (every round opens each page once, in a new browser context), and the
    per-round ratios of the first page to the second."""
    from playwright.sync_api import sync_playwright

    times: list[list[float]] = [[] for _ in pages]
    errors: list[str] = []
    drawn: list[int] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for _ in range(repeat):
                for i, path in enumerate(pages):
                    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
                    page = ctx.new_page()
                    page.on("pageerror", lambda e: errors.append(str(e)))
                    page.goto(path.resolve().as_uri(), wait_until="commit", timeout=timeout_ms)
                    page.wait_for_function("window.__firstDraw !== undefined", timeout=timeout_ms)
                    times[i].append(page.evaluate("window.__firstDraw") / 1000)
                    if i == 0:
                        drawn.append(page.evaluate("Object.keys(window.saNetwork ? saNetwork.body.nodes : {}).length"))
                    ctx.close()
        finally:
            browser.close()
    ratios = [a / b for a, b in zip(times[0], times[1], strict=True)] if len(pages) > 1 else []
    return {"seconds": times, "ratios": ratios, "ratio": statistics.median(ratios) if ratios else None, "nodes_drawn": drawn, "errors": errors[:5]}


def explorer_ratio(root: Path, dest: Path, repeat: int = 5) -> dict:
    """The book's explorer against bare vis-network, same positions, interleaved."""
    book_page, floor_page, n, m = explorer_pages(root, dest)
    out = first_draws([book_page, floor_page], repeat=repeat)
    out.update(nodes=n, edges=m, page_bytes=book_page.stat().st_size, floor_bytes=floor_page.stat().st_size)
    return out


def lighthouse_exe(cache: Path, timeout: float = 600) -> Path:
    """The lighthouse command, installed with npm under ``cache`` if needed (raises with the reason)."""
    exe = cache / "node_modules" / ".bin" / "lighthouse"
    if exe.exists():
        return exe
    if not shutil.which("npm"):
        raise RuntimeError("npm is missing: Lighthouse comes from the npm registry")
    cache.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        ["npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(cache), f"lighthouse@{LIGHTHOUSE_VERSION}"],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if proc.returncode != 0 or not exe.exists():
        raise RuntimeError("npm could not install lighthouse: " + (proc.stderr.strip().splitlines() or ["?"])[-1][:160])
    return exe


def lighthouse(html_root: Path, cache: Path, pages: dict[str, str] = PAGES, runs: int = 1, timeout: float = 300, *, compress: bool = True) -> dict:
    """Lighthouse's mobile performance score per page, with its metrics (median of ``runs``).

    ``compress``: served gzip-encoded, as static hosts serve the book (the default);
    False: as ``python -m http.server`` serves it, uncompressed."""
    exe = lighthouse_exe(cache)
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing")
    out = {}
    with serve(html_root, compress=compress) as base:
        for name, path in pages.items():
            scores, metrics = [], []
            for k in range(runs):
                report = cache / f"lighthouse-{name}-{'gz' if compress else 'raw'}-{k}.json"
                proc = subprocess.run(
                    [
                        str(exe),
                        base + path,
                        "--only-categories=performance",
                        "--output=json",
                        f"--output-path={report}",
                        "--quiet",
                        "--chrome-flags=--headless=new " + " ".join(CHROMIUM_ARGS),
                    ],
                    capture_output=True,
                    text=True,
                    timeout=timeout,
                    env={**os.environ, "CHROME_PATH": CHROMIUM},
                )
                if proc.returncode != 0 or not report.exists():
                    raise RuntimeError("lighthouse failed: " + (proc.stderr.strip().splitlines() or ["?"])[-1][:160])
                data = json.loads(report.read_text())
                scores.append(round(100 * (data["categories"]["performance"]["score"] or 0)))
                a = data["audits"]
                metrics.append(
                    {
                        k2: a[k2].get("numericValue")
                        for k2 in ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift", "speed-index")
                    }
                )
            i = sorted(range(runs), key=lambda j: scores[j])[runs // 2]
            out[name] = {"path": path, "score": scores[i], "scores": scores, "metrics": metrics[i]}
    return out


def run_all(tmp: Path, repeat: int = 3, log=print, *, html_root: Path | None = None, graph_entries: int = 5000) -> tuple[list[dict], dict]:
    """The browser figures; a part that cannot run is reported as not measured with its reason."""
    from . import report
    from .generate import generate

    F, NM = report.figure, report.not_measured
    figs: list[dict] = []
    raw: dict = {}
    tmp = Path(tmp)
    try:
        if not Path(CHROMIUM).exists():
            raise RuntimeError(f"{CHROMIUM} is missing")
        root = tmp / f"browser-framework-{graph_entries}"
        if not (root / "framework").exists():
            generate(root, graph_entries)
        log(f"explorer first draw, {graph_entries:,} nodes, against bare vis-network (interleaved) ...")
        r = explorer_ratio(root, tmp / "browser-explorer", repeat=max(3, repeat))
        raw["explorer"] = r
        med = [statistics.median(s) for s in r["seconds"]]
        figs.append(
            F(
                "explorer-ratio",
                f"explorer first draw / bare vis-network, {r['nodes']:,} nodes, headless Chromium",
                r["ratio"],
                "x",
                target="<= 1.2x",
                limit=1.2,
                against="value",
                note=f"per-round ratios {', '.join(f'{x:.2f}' for x in r['ratios'])}; medians {med[0]:.2f} s vs {med[1]:.2f} s; "
                f"{r['edges']:,} links; page errors: {len(r['errors'])}",
            )
        )
        shutil.rmtree(root, ignore_errors=True)
    except Exception as exc:  # noqa: BLE001 - reported, not hidden
        figs.append(NM("explorer-ratio", f"explorer first draw / bare vis-network, {graph_entries:,} nodes", _reason(exc), target="<= 1.2x"))
    try:
        if html_root is None or not (Path(html_root) / "index.html").exists():
            raise RuntimeError("no built book to measure (run without --skip-book)")
        for compress, how in ((True, "gzip, as static hosts serve it"), (False, "uncompressed, as python -m http.server serves it")):
            log(f"Lighthouse, mobile preset (landing, entry, explorer), {how} ...")
            lh = lighthouse(Path(html_root), tmp / "lighthouse-npm", runs=max(1, repeat), compress=compress)
            raw["lighthouse" if compress else "lighthouse-uncompressed"] = lh
            for name, v in lh.items():
                m = v["metrics"]
                figs.append(
                    F(
                        f"lighthouse-mobile-{name}" + ("" if compress else "-uncompressed"),
                        f"Lighthouse mobile performance, {name} page" + ("" if compress else ", served uncompressed"),
                        v["score"],
                        "points",
                        target=">= 90",
                        met=v["score"] >= 90,
                        note=f"{v['path']}, {how}; median of {len(v['scores'])} runs ({', '.join(map(str, v['scores']))}); "
                        f"FCP {m['first-contentful-paint'] / 1000:.1f} s, LCP {m['largest-contentful-paint'] / 1000:.1f} s, "
                        f"TBT {m['total-blocking-time']:.0f} ms, CLS {m['cumulative-layout-shift']:.3f}; Lighthouse {LIGHTHOUSE_VERSION}.x, Debian's Chromium",
                    )
                )
    except Exception as exc:  # noqa: BLE001 - optional: skipped with its reason
        figs.append(NM("lighthouse-mobile", "Lighthouse mobile performance (landing, entry, explorer)", _reason(exc), target=">= 90"))
    return figs, raw


def _reason(exc: Exception) -> str:
    text = f"{type(exc).__name__}: {exc}".strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]
