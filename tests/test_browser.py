"""The books in real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Every test serves a built book from 127.0.0.1, blocks and records every other
request (the book must work offline and never ask for one), fails on console
errors, page errors and any dialog (a payload that ran), and looks at the
graphs through the live vis-network objects, not just at a canvas element.
Screenshots of the landing page, an entry page, the explorer and an entry
page at phone width go to ``_build/screenshots/``.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

import socioaffective
from bookbuild import FIXTURES, ROOT, Html
from socioaffective.render.network import edge_titles, neighbourhood_ids

pytestmark = [pytest.mark.browser, pytest.mark.book]

CHROMIUM = Path(os.environ.get("SOCIOAFFECTIVE_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = ROOT / "_build" / "screenshots"
GRAPH_READY = "() => window.saNetwork !== undefined && window.saNetwork.body.data.nodes.length > 0"


def launch_browser():
    """Debian's Chromium under Playwright, once per session (the `browser` fixture of conftest.py)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"the browser tests need Debian's Chromium at {CHROMIUM}, which is missing. "
            "Install it with `apt-get install -y chromium` (as root; `make test` and .ci/run do this), "
            "then run the tests again.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # the browser closing a connection early is not our business


@contextmanager
def serve(folder: Path):
    server = _Server(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class Session:
    """A browser context that blocks and records non-local requests, errors and dialogs."""

    def __init__(self, browser, base: str):
        self.base = base
        self.remote: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(viewport={"width": 1360, "height": 960})
        self.context.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.base):
            route.continue_()
        else:
            self.remote.append(url)
            route.abort()

    def page(self):
        page = self.context.new_page()
        page.on("console", lambda m: m.type == "error" and self.errors.append(f"console: {m.text} ({page.url})"))
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e} ({page.url})"))
        page.on("requestfailed", lambda r: r.url.startswith(self.base) and self.errors.append(f"failed: {r.url}"))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        return page

    def open(self, path: str):
        page = self.page()
        page.goto(self.base + path, wait_until="load")
        wait_for_graphs(page)
        return page

    def open_many(self, paths: list[str], batch: int = 6):
        """Open pages a few at a time (they load in parallel); yields (path, page), then closes it."""
        for i in range(0, len(paths), batch):
            opened = []
            for path in paths[i : i + batch]:
                page = self.page()
                page.goto(self.base + path, wait_until="commit")
                opened.append((path, page))
            for path, page in opened:
                page.wait_for_load_state("load")
                wait_for_graphs(page)
                yield path, page
                page.close()

    def check(self):
        assert self.remote == [], f"non-local requests were attempted: {self.remote}"
        assert self.errors == [], self.errors
        assert self.dialogs == [], f"a dialog opened, so a payload ran: {self.dialogs}"

    def close(self):
        self.context.close()


def graph_frames(page):
    return [f for f in page.frames if "/_static/socioaffective/graphs/" in f.url]


def wait_for_graphs(page):
    """Every graph frame of the page loaded and drawn. Frames load lazily, and a small graph
    loads vis-network once its frame is in view: each frame is brought into view in turn,
    then the page is scrolled back to where it was."""
    from playwright.sync_api import Error as PlaywrightError

    for _attempt in range(5):
        try:  # a redirecting page (the book's root) may navigate meanwhile: then look at the new one
            count = page.evaluate("""() => { const f = document.querySelectorAll('iframe.sa-graph-frame');
                f.forEach(e => { e.loading = 'eager'; }); return f.length; }""")
            break
        except PlaywrightError:
            page.wait_for_timeout(500)
            page.wait_for_load_state("load")
    else:
        count = 0
    if not count:
        return
    y = page.evaluate("window.scrollY")
    for i in range(count):
        page.locator("iframe.sa-graph-frame").nth(i).scroll_into_view_if_needed()
        for _ in range(120):
            frames = graph_frames(page)
            if len(frames) > i:
                break
            page.wait_for_timeout(250)
        for frame in graph_frames(page):
            frame.wait_for_function(GRAPH_READY, timeout=30000)
    page.evaluate("(y) => window.scrollTo(0, y)", y)


@pytest.fixture
def real(browser, real_book):
    assert real_book.returncode == 0, real_book.output[-3000:]
    with serve(real_book.html) as base:
        s = Session(browser, base)
        yield s
        s.check()
        s.close()


def shoot(page, name: str, full_page: bool = False):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=full_page)


# ---------------------------------------------------------------------------
# the real book


def test_landing_page(real, real_kb):
    page = real.open("index.html")  # the root redirects to the landing chapter
    page.wait_for_url(re.compile(r"chapters/index\.html$"))
    assert page.locator("article h1").first.inner_text().startswith("Socioaffective alignment")
    text = page.locator("article").inner_text()
    assert f"network of {len(real_kb.entries())} entries" in " ".join(text.split())
    assert page.locator("article .sa-grade-full").count() == len(real_kb.schema.grades)
    for name in ("For designers", "For researchers", "For policy readers"):
        assert page.get_by_text(name).count() == 1
    shoot(page, "landing.png")


def node_pixel(frame, id: str) -> list[int]:
    """The colour vis-network painted on its canvas where node ``id`` stands."""
    return frame.evaluate(
        """(id) => {
            const p = saNetwork.canvasToDOM(saNetwork.getPositions([id])[id]);
            const c = document.querySelector('#sa-graph canvas');
            const r = c.width / c.clientWidth;
            return Array.from(c.getContext('2d').getImageData(Math.round(p.x * r), Math.round(p.y * r), 1, 1).data);
        }""",
        id,
    )


def test_entry_page_graph_draws(real, real_kb):
    id = "present-vs-future-self"
    page = real.open(f"chapters/entries/dilemma/{id}.html")
    assert page.locator("article h1").first.inner_text().startswith(real_kb.get(id).title)
    (frame,) = graph_frames(page)
    expected, _ = neighbourhood_ids(real_kb, id)
    assert frame.evaluate("saNetwork.body.data.nodes.length") == len(expected)
    assert sorted(frame.evaluate("saNetwork.body.data.nodes.getIds()")) == sorted(expected)
    assert frame.evaluate("saNetwork.body.data.edges.length") > 0
    assert node_pixel(frame, id)[:3] != [255, 255, 255]  # the node is painted, not just placed
    # the same information as a table under the graph, for keyboards and screen readers
    table = page.locator("details.sa-graph-alt table")
    assert table.locator("tbody tr").count() == len(expected)
    page.locator("iframe.sa-graph-frame").scroll_into_view_if_needed()
    shoot(page, "entry.png")
    shoot(page, "entry-full.png", full_page=True)


def node_point(page, frame, id: str) -> tuple[float, float]:
    """Where node ``id`` stands on the page (the graph's iframe offset added)."""
    p = frame.evaluate(
        """(id) => {
            const p = saNetwork.canvasToDOM(saNetwork.getPositions([id])[id]);
            const c = document.querySelector('#sa-graph canvas').getBoundingClientRect();
            return {x: c.left + p.x, y: c.top + p.y};
        }""",
        id,
    )
    box = frame.frame_element().bounding_box()
    return box["x"] + p["x"], box["y"] + p["y"]


def test_clicking_a_node_focuses_it_and_its_card_opens_its_page(real, real_kb):
    id, target = "present-vs-future-self", "competence"
    page = real.open(f"chapters/entries/dilemma/{id}.html")
    page.locator("iframe.sa-graph-frame").scroll_into_view_if_needed()
    (frame,) = graph_frames(page)
    card = frame.locator("#sa-focus")
    assert card.is_hidden()
    page.mouse.click(*node_point(page, frame, target))
    card.wait_for(state="visible")
    assert real_kb.get(target).title in card.inner_text()
    assert frame.evaluate("saNetwork.getSelectedNodes()") == [target]
    near = set(frame.evaluate("(id) => saNetwork.getConnectedNodes(id)", target)) | {target}
    opacity = frame.evaluate("() => Object.fromEntries(saNodes.getIds().map(i => [i, saNetwork.body.nodes[i].options.opacity]))")
    assert {i for i, o in opacity.items() if o == 1} == near  # the neighbourhood stays
    assert all(o < 0.5 for i, o in opacity.items() if i not in near) and len(near) < len(opacity)  # the rest is dimmed
    # Escape (or a click on the background) clears the focus
    frame.locator("body").press("Escape")
    card.wait_for(state="hidden")
    assert set(frame.evaluate("() => saNodes.getIds().map(i => saNetwork.body.nodes[i].options.opacity)")) == {1}
    page.wait_for_timeout(700)  # not a double click (that opens the page at once)
    page.mouse.click(*node_point(page, frame, target))
    frame.get_by_role("link", name="Open its page").click()
    page.wait_for_url(re.compile(rf"chapters/entries/need/{target}\.html"), timeout=10000)
    assert page.locator("article h1").first.inner_text().startswith(real_kb.get(target).title)


def test_explorer_filters_and_search(real, real_kb):
    page = real.open("chapters/explorer.html")
    (frame,) = graph_frames(page)
    total = len(real_kb.entries())
    assert frame.evaluate("saNetwork.body.data.nodes.length") == total
    visible = "saNodes.get({filter: n => !n.hidden}).map(n => n.id)"
    n_concepts = len(real_kb.entries("concept"))
    frame.locator("#sa-kind-concept").uncheck()
    shown = frame.evaluate(visible)
    assert len(shown) == total - n_concepts and not {real_kb.get(i).kind for i in shown} & {"concept"}
    assert frame.locator(".sa-status").inner_text() == f"{total - n_concepts} of {total} entries shown"
    frame.locator("#sa-kind-concept").check()
    assert len(frame.evaluate(visible)) == total
    data = json.loads(frame.evaluate("document.getElementById('sa-graph-text').textContent"))
    text = {i: (n["search"] + " " + n["title"]).lower() for i, n in data["nodes"].items()}  # as graph.js builds it
    expected = sorted(i for i, t in text.items() if "reward" in t and "hacking" in t)
    assert 0 < len(expected) < total
    frame.locator("#sa-search").fill("Reward  hacking")
    assert sorted(frame.evaluate(visible)) == expected
    frame.locator("#sa-search").press("Enter")
    assert frame.evaluate("saNetwork.getSelectedNodes()") == [frame.evaluate(visible)[0]]
    frame.get_by_role("button", name="Show all").click()
    assert len(frame.evaluate(visible)) == total
    # the keyboard alternative under the graph lists every entry
    page.locator("details.sa-graph-alt summary").click()
    assert page.locator("details.sa-graph-alt tbody tr").count() == total
    page.locator("details.sa-graph-alt summary").click()
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "explorer.png")


READABLE = """() => {
    const n = saNetwork, scale = n.getScale(), ids = n.body.data.nodes.getIds();
    const c = document.querySelector('#sa-graph canvas');
    const boxes = ids.map(id => {
        const b = n.getBoundingBox(id);  // the node with its label, as vis-network drew it
        const p = n.canvasToDOM({x: b.left, y: b.top}), q = n.canvasToDOM({x: b.right, y: b.bottom});
        return {id, left: p.x, top: p.y, right: q.x, bottom: q.y};
    });
    const overlaps = [];
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i], b = boxes[j];
        if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) overlaps.push(a.id + ' / ' + b.id);
    }
    return {
        px: Object.fromEntries(ids.map(id => [id, n.body.nodes[id].options.font.size * scale])),
        labels: Object.fromEntries(ids.map(id => [id, n.body.nodes[id].options.label])),
        overlaps,
        outside: boxes.filter(b => b.left < -1 || b.top < -1 || b.right > c.clientWidth + 1 || b.bottom > c.clientHeight + 1).map(b => b.id),
        used: [Math.max(...boxes.map(b => b.right)) - Math.min(...boxes.map(b => b.left)), Math.max(...boxes.map(b => b.bottom)) - Math.min(...boxes.map(b => b.top))],
        frame: [c.clientWidth, c.clientHeight],
        edgeLabels: n.body.data.edges.get().filter(e => e.label).length,
    };
}"""
READABLE_PAGES = [
    "chapters/index.html",  # the core of the framework, the first graph a reader sees
    "chapters/entries/dilemma/present-vs-future-self.html",
    "chapters/entries/need/autonomy.html",
    "chapters/entries/risk/social-reward-hacking.html",
]


@pytest.mark.parametrize("path", READABLE_PAGES)
def test_graph_labels_are_readable_whole_and_apart(real, real_kb, path):
    """At the default zoom every label is >= 12 CSS px, the whole title, clear of every other, and the graph fits its frame."""
    page = real.open(path)
    (frame,) = graph_frames(page)
    got = frame.evaluate(READABLE)
    small = {i: round(px, 1) for i, px in got["px"].items() if px < 12}
    assert small == {}, f"labels under 12 px: {small}"
    assert got["labels"] == {i: " ".join(real_kb.get(i).title.split()) for i in got["labels"]}  # whole, never cut
    assert got["overlaps"] == []
    assert got["outside"] == []  # fitted: nothing cut off at the edges ...
    w, h = got["frame"]
    assert got["used"][0] > 0.8 * w or got["used"][1] > 0.8 * h  # ... and the frame is used
    # relation names: on the links of small graphs, on hover (the tooltip) for all
    edges = frame.evaluate("saNetwork.body.data.edges.length")
    if edges <= 12:
        assert got["edgeLabels"] == edges
    text = json.loads(frame.evaluate("document.getElementById('sa-graph-text').textContent"))
    labels = {r.label for r in real_kb.schema.relations.values()}
    titles = edge_titles(text)
    assert len(titles) == edges and all(any(f"— {lab} →" in t for lab in labels) for t in titles)
    # graph.js joins each tooltip from the table of lines, as edge_titles does (set once the graph is drawn)
    frame.wait_for_function("saNetwork.body.data.edges.get().every(e => e.title !== undefined)")
    shown = frame.evaluate("saNetwork.body.data.edges.get().sort((a, b) => a.id - b.id).map(e => e.title)")
    assert shown == titles
    if path == "chapters/index.html":
        page.locator("iframe.sa-graph-frame").scroll_into_view_if_needed()
        shoot(page, "landing-graph.png")


def _settled(page, frame, timeout_ms: int = 10000) -> None:
    """Wait until the graph frame's height stops changing (on phones the page gives a
    small graph the height its labels need)."""
    last, same = None, 0
    for _ in range(timeout_ms // 250):
        h = (frame.frame_element().bounding_box()["height"], frame.evaluate("document.querySelector('#sa-graph canvas').clientHeight"))
        same = same + 1 if h == last else 0
        if same >= 3:
            return
        last = h
        page.wait_for_timeout(250)


@pytest.mark.parametrize("path", READABLE_PAGES)
def test_graph_labels_are_readable_on_a_phone(browser, real_book, real_kb, path):
    """At 390 CSS px, at the default zoom: every label >= 12 CSS px, whole, clear of every
    other, and the whole graph in its frame (the frame grows as tall as the labels need).
    Before this test, labels there were 4.8-6.9 px."""
    with serve(real_book.html) as base:
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
        try:
            page = context.new_page()
            page.goto(base + path, wait_until="load")
            wait_for_graphs(page)
            (frame,) = graph_frames(page)
            _settled(page, frame)
            got = frame.evaluate(READABLE)
            small = {i: round(px, 1) for i, px in got["px"].items() if px < 12}
            assert small == {}, f"labels under 12 px on a phone: {small}"
            assert got["labels"] == {i: " ".join(real_kb.get(i).title.split()) for i in got["labels"]}
            assert got["overlaps"] == []
            assert got["outside"] == [], f"cut off at the frame's edges: {got['outside']} (frame {got['frame']})"
            assert frame.frame_element().bounding_box()["width"] <= 390
            # a swipe up or down over the graph scrolls the page; other gestures pan and zoom the graph
            assert frame.evaluate("getComputedStyle(document.getElementById('sa-graph')).touchAction") == "pan-y"
            if path == "chapters/index.html":
                frame.frame_element().scroll_into_view_if_needed()
                shoot(page, "landing-graph-phone.png")
        finally:
            context.close()


def test_hovering_a_graph_never_moves_the_page(real):
    """vis-network used to focus its canvas on every mouse move, and the browser scrolled to it."""
    for path in ["chapters/index.html", "chapters/entries/risk/sycophancy.html", "chapters/explorer.html"]:
        page = real.open(path)
        for iframe in page.locator("iframe.sa-graph-frame").all():
            iframe.scroll_into_view_if_needed()
            page.evaluate("window.scrollBy(0, -120)")  # the frame's top edge in view, its bottom maybe not
            box = iframe.bounding_box()
            before = page.evaluate("window.scrollY")
            for fx in (0.1, 0.3, 0.5, 0.7, 0.9):
                for fy in (0.2, 0.4, 0.6, 0.8):
                    page.mouse.move(box["x"] + fx * box["width"], box["y"] + fy * box["height"], steps=2)
            page.wait_for_timeout(300)  # tooltips open after their delay
            assert page.evaluate("window.scrollY") == before, path
        page.close()


def test_explorer_draws_dots_first_and_labels_what_is_in_view(browser, tmp_path):
    """A framework bigger than LOD_NODES: plain dots first, labels for the nodes in view when zoomed in."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.browser import explorer_pages
    from benchmarks.generate import generate
    from socioaffective.render.network import LOD_NODES

    n = 2 * LOD_NODES + 100
    generate(tmp_path / "fw", n)
    kb = socioaffective.load(tmp_path / "fw", strict=False, cache=False)
    book_page, _floor, nodes, _edges = explorer_pages(tmp_path / "fw", tmp_path / "explorer")
    assert nodes == n
    s = Session(browser, "file://")
    try:
        page = s.page()
        page.goto(book_page.as_uri())
        page.wait_for_function(GRAPH_READY)
        labelled = "saNodes.get({filter: n => n.label !== undefined}).map(n => n.id)"
        assert page.evaluate("Object.keys(saNetwork.body.nodes).length") == n  # every node is drawn ...
        assert page.evaluate("saNetwork.body.nodeIndices.length") == n
        painted = page.evaluate(
            """() => {
                const c = document.querySelector('#sa-graph canvas'), r = c.width / c.clientWidth, ctx = c.getContext('2d');
                const pos = saNetwork.getPositions();
                return Object.keys(pos).filter(id => {
                    const p = saNetwork.canvasToDOM(pos[id]);
                    const d = ctx.getImageData(Math.round(p.x * r), Math.round(p.y * r), 1, 1).data;
                    return d[3] > 0 && (d[0] < 250 || d[1] < 250 || d[2] < 250);
                }).length;
            }"""
        )
        assert painted == n  # ... and painted where it stands
        assert page.evaluate(labelled) == []  # level of detail: plain dots at the first draw
        assert page.evaluate("saNetwork.body.data.edges.get({filter: e => e.dashes}).length") == 0  # and solid links
        assert page.evaluate("saNetwork.getScale() * 14") < 10
        page.get_by_role("button", name="Full screen").wait_for()
        box = page.locator("#sa-graph canvas").bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        for _ in range(10):
            page.mouse.wheel(0, -300)
        page.wait_for_function("saNetwork.getScale() * 14 >= 10")
        page.wait_for_function(f"{labelled}.length > 0")
        page.wait_for_timeout(300)
        got = page.evaluate(
            """() => {
                const c = document.querySelector('#sa-graph canvas');
                const a = saNetwork.DOMtoCanvas({x: 0, y: 0}), b = saNetwork.DOMtoCanvas({x: c.clientWidth, y: c.clientHeight});
                const mx = (b.x - a.x) * 0.1, my = (b.y - a.y) * 0.1, pos = saNetwork.getPositions();
                const inView = id => pos[id].x >= a.x - mx && pos[id].x <= b.x + mx && pos[id].y >= a.y - my && pos[id].y <= b.y + my;
                const ids = saNodes.getIds();
                return {labelled: ids.filter(id => saNodes.get(id).label !== undefined), inView: ids.filter(inView),
                        names: Object.fromEntries(ids.map(id => [id, saNodes.get(id).label])),
                        dashed: saNetwork.body.data.edges.get({filter: e => e.dashes}).length};
            }"""
        )
        assert set(got["labelled"]) == set(got["inView"]) and 0 < len(got["inView"]) < n  # only the nodes in view
        assert all(got["names"][i] == " ".join(kb.get(i).title.split()) for i in got["labelled"])
        assert got["dashed"] > 0  # the links in view show which are the paper's claims
        # errors: Chromium never loads a favicon from a file:// page
        s.errors = [e for e in s.errors if "favicon" not in e]
        s.check()
    finally:
        s.close()


COUNT_DRAWS = """(() => {  // every canvas clear is one vis-network draw
  window.saDraws = 0;
  const clear = CanvasRenderingContext2D.prototype.clearRect;
  CanvasRenderingContext2D.prototype.clearRect = function (...a) { window.saDraws += 1; return clear.apply(this, a); };
})()"""


def test_explorer_draws_once_and_sets_tooltips_on_the_first_hover(browser, tmp_path):
    """The big explorer is drawn once before the reader does anything (no long tasks of redraws
    while the page loads); its tooltips come with the first hover."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.browser import explorer_pages
    from benchmarks.generate import generate
    from socioaffective.render.network import LOD_NODES

    n = LOD_NODES + 50
    generate(tmp_path / "fw", n)
    kb = socioaffective.load(tmp_path / "fw", strict=False, cache=False)
    book_page, _floor, _nodes, _edges = explorer_pages(tmp_path / "fw", tmp_path / "explorer")
    s = Session(browser, "file://")
    try:
        s.context.add_init_script(COUNT_DRAWS)
        page = s.page()
        page.goto(book_page.as_uri())
        page.wait_for_function(GRAPH_READY)
        page.wait_for_function("document.body.classList.contains('sa-ready')")
        page.wait_for_timeout(800)
        assert page.evaluate("window.saDraws") == 1
        assert page.evaluate("saNodes.get({filter: n => n.title !== undefined}).length") == 0
        page.evaluate("saNetwork.moveTo({scale: 1.5, position: saNetwork.getPositions()[saNodes.getIds()[0]], animation: false})")
        id = page.evaluate("saNodes.getIds()[0]")
        point = page.evaluate(OWN_POINT, id)
        assert point is not None
        box = page.locator("#sa-graph canvas").bounding_box()
        page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
        tip = page.locator("div.vis-tooltip")
        tip.wait_for(state="visible", timeout=5000)
        assert " ".join(kb.get(id).title.split()) in " ".join(tip.text_content().split())
        s.errors = [e for e in s.errors if "favicon" not in e]
        s.check()
    finally:
        s.close()


def test_no_page_is_wider_than_a_phone(browser, real_book, real_kb):
    """At 390 CSS px no page of the book scrolls sideways; graphs fit their frames there too."""
    root = real_book.html
    pages = sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*.html")
        if not {"_static", "_sources"} & set(p.parts)
        and 'http-equiv="refresh"' not in p.read_text(encoding="utf-8").lower()  # redirects: their targets are here
    )
    assert len(pages) > len(real_kb.entries())
    with serve(root) as base:
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
        try:
            page = context.new_page()
            wide = {}
            for path in pages:
                page.goto(base + path, wait_until="load")
                try:
                    width = page.evaluate("document.documentElement.scrollWidth")
                except Exception as exc:
                    raise AssertionError(f"{path} navigated away while measured ({page.url})") from exc
                if width > 390:
                    wide[path] = width
            assert wide == {}, f"pages wider than a 390 px phone: {wide}"
            page.goto(base + "chapters/entries/need/autonomy.html", wait_until="load")
            wait_for_graphs(page)
            (frame,) = graph_frames(page)
            _settled(page, frame)
            assert frame.frame_element().bounding_box()["width"] <= 390
            assert frame.evaluate(READABLE)["outside"] == []  # the whole graph in its frame; pinch or drag to zoom and pan
            assert frame.evaluate("saNetwork.interactionHandler.options.dragView && saNetwork.interactionHandler.options.zoomView")
            page.locator("iframe.sa-graph-frame").scroll_into_view_if_needed()
            page.evaluate("window.scrollBy(0, -160)")
            shoot(page, "entry-phone.png")
        finally:
            context.close()


def test_chapters_and_an_entry_of_each_kind_load_cleanly(real, real_book, real_kb):
    chapters = sorted(p.relative_to(real_book.html).as_posix() for p in (real_book.html / "chapters").glob("*.html"))
    assert len(chapters) >= 15
    entries = [f"chapters/entries/{kind}/{real_kb.entries(kind)[0].id}.html" for kind in real_kb.schema.kinds if real_kb.entries(kind)]
    for path, page in real.open_many(chapters + entries + ["genindex.html", "search.html"]):
        if path.startswith("chapters/"):
            assert page.locator("article h1").count() >= 1, path
        for frame in graph_frames(page):
            assert frame.evaluate("saNetwork.body.data.nodes.length") > 0


def test_browsing_offline_from_the_files(browser, real_book):
    """A person opening _build/html/index.html from disk, with no server and no network."""
    s = Session(browser, "file://")
    try:
        page = s.page()
        page.goto((real_book.html / "index.html").as_uri())
        page.wait_for_url(re.compile(r"chapters/index\.html$"))
        wait_for_graphs(page)  # its graph is in view: let it load before leaving
        page.goto((real_book.html / "chapters" / "entries" / "need" / "autonomy.html").as_uri())
        wait_for_graphs(page)
        (frame,) = graph_frames(page)
        assert frame.evaluate("saNetwork.body.data.nodes.length") > 1
        # Chromium never loads a favicon from a file:// page; that is the only failure allowed here
        s.errors = [e for e in s.errors if not e.endswith("/_static/favicon.svg")]
        s.check()
    finally:
        s.close()


# ---------------------------------------------------------------------------
# the payload book: no page or graph may run a payload


@pytest.fixture
def payload(browser, payload_book):
    assert all("unsafe-link" in w for w in payload_book.warnings)  # a valid framework: nothing else is warned about
    with serve(payload_book.html) as base:
        s = Session(browser, base)
        yield s
        s.check()
        s.close()


LIVE_HANDLERS = """() => Array.from(document.querySelectorAll('*')).flatMap(el =>
    Array.from(el.attributes).filter(a => a.name.startsWith('on') && !['window.print()', 'toggleFullScreen()'].includes(a.value))
        .map(a => el.tagName + ' ' + a.name + '=' + a.value))"""


def test_no_payload_runs_in_any_page_or_graph(payload, payload_book):
    pages = sorted(
        p.relative_to(payload_book.html).as_posix()
        for p in payload_book.html.rglob("*.html")
        if "_static" not in p.parts or "graphs" in p.parts  # not the theme's template fragments
    )
    graphs = [p for p in pages if "/graphs/" in p]
    assert len(graphs) == len(socioaffective.load(FIXTURES / "payload").entries()) + 1
    for path, page in payload.open_many(pages):
        frames = [page.main_frame] + graph_frames(page)
        for frame in frames:
            assert frame.evaluate(LIVE_HANDLERS) == [], (path, frame.url)
            assert frame.evaluate("document.querySelectorAll('img[src=\"x\"], svg[onload]').length") == 0
        if "/graphs/" in path:
            page.wait_for_function(GRAPH_READY)
    assert payload.dialogs == []


def e_lines(page, id: str) -> int:
    return page.evaluate("(id) => JSON.parse(document.getElementById('sa-graph-text').textContent).nodes[id].title.split('\\n').length", id)


OWN_POINT = """(id) => {  // a point where node `id` is the topmost node (long labels can cover a node's centre)
    const b = saNetwork.getBoundingBox(id), p = saNetwork.getPositions([id])[id];
    for (let k = 0; k <= 40; k++) {
        const x = p.x + (k % 2 ? 1 : -1) * Math.ceil(k / 2) * (b.right - b.left) / 40;
        for (const y of [p.y, (p.y + b.top) / 2, (p.y + b.bottom) / 2]) {
            const d = saNetwork.canvasToDOM({x, y});
            if (saNetwork.getNodeAt(d) === id) return d;
        }
    }
    return null;
}"""


def test_tooltips_and_labels_show_payloads_as_text(payload, payload_book):
    kb = socioaffective.load(FIXTURES / "payload")
    page = payload.open("_static/socioaffective/graphs/explorer.html")
    page.wait_for_function(GRAPH_READY)
    for e in kb.entries():
        point = page.evaluate(OWN_POINT, e.id)
        assert point is not None, f"{e.id} is covered by other nodes"
        box = page.locator("#sa-graph canvas").bounding_box()
        page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
        tip = page.locator("div.vis-tooltip")
        tip.wait_for(state="visible", timeout=5000)
        assert tip.evaluate("el => Array.from(el.children).map(c => c.tagName)") == ["BR"] * (
            e_lines(page, e.id) - 1
        )  # text only: innerText turns line breaks into <br>, nothing else
        assert e.title.split("\u2028")[0] in tip.text_content()
        page.mouse.move(box["x"] + 3, box["y"] + 3)  # an empty corner of the canvas: the tooltip goes
        tip.wait_for(state="hidden", timeout=5000)
    page.evaluate("saFocus('future-self')")  # focused nodes are labelled, zoomed in or not
    label = page.evaluate("saNodes.get('future-self').label")
    assert "<script>" in label or "<img" in label
    assert page.locator("#sa-focus .sa-focus-title").text_content() == " ".join(kb.get("future-self").title.split())
    assert page.locator("#sa-focus .sa-focus-title").evaluate("e => e.children.length") == 0  # text, not markup
    page.locator("#sa-search").fill("<img src=x onerror=alert('typed')>")
    assert page.evaluate("saNodes.get({filter: n => !n.hidden}).length") >= 0
    assert payload.dialogs == []


def test_payload_entry_page_shows_the_payload_as_text(payload):
    page = payload.open("chapters/entries/dilemma/future-self.html")
    h1 = page.locator("article h1").first.inner_text()
    assert '<script>alert("xss-script")</script>' in h1.replace("“", '"').replace("”", '"')
    assert page.locator("article script").count() == 0
    html = Html(page.content())
    assert html.problems() == []


def test_a_missing_browser_fails_with_the_way_to_install_it(tmp_path):
    """Never a silent skip: without Chromium the browser tests fail and say what to do."""
    env = {**os.environ, "SOCIOAFFECTIVE_CHROMIUM": str(tmp_path / "no-chromium")}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"{__file__}::test_landing_page"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "apt-get install -y chromium" in out and "1 error" in out
    assert "skipped" not in out


def test_evidence_table_filters_by_risk_and_need(real, real_kb):
    """Issue 12: the Evidence chapter's table is filterable by risk and by need."""
    page = real.open("chapters/evidence.html")
    box = page.locator(".sa-evidence-table")
    rels = [r for n, rt in real_kb.schema.relations.items() if rt.section for r in real_kb.relations(relation=n)]
    assert box.locator("tbody tr").count() == len(rels)
    for kind in ("risk", "need"):
        label = real_kb.schema.kinds[kind].label
        select = box.locator(f'select[data-kind="{label}"]')
        assert select.count() == 1, f"no filter for {kind}"
        target = next(r.target for r in rels if real_kb.get(r.target).kind == kind)
        title = real_kb.get(target).title
        select.select_option(title)
        expected = sum(1 for r in rels if r.target == target)
        assert box.locator("tbody tr:not([hidden])").count() == expected
        assert box.locator(".sa-evidence-status").inner_text() == f"{expected} of {len(rels)} links shown"
        select.select_option("")
        assert box.locator("tbody tr:not([hidden])").count() == len(rels)


# ---------------------------------------------------------------------------
# the reader's book: search, page weight, accessibility


def _search(page, expect_results: bool = True):
    page.wait_for_function("document.getElementById('sa-search-status').textContent.length > 0")
    results = page.locator("#sa-search-results > li")
    return [
        {
            "title": li.locator(".sa-search-title").inner_text(),
            "href": li.locator(".sa-search-title").get_attribute("href"),
            "kind": li.locator(".sa-kind").inner_text(),
            "grade": li.locator("abbr.sa-grade").all_inner_texts(),
            "snippet": li.locator(".sa-search-snippet").inner_text(),
            "marks": li.locator(".sa-search-snippet mark").all_inner_texts(),
        }
        for li in results.all()
    ]


def test_search_works_offline_from_the_files(browser, real_book, real_kb):
    """search.html?q=... from file://: entries ranked by relevance, badges, highlighted snippets, no errors."""
    s = Session(browser, "file://")
    try:
        page = s.page()
        search = (real_book.html / "search.html").as_uri()
        page.goto(search + "?q=autonomy")
        hits = _search(page)
        assert hits[0]["title"] == real_kb.get("autonomy").title  # the title match first
        assert hits[0]["kind"] == real_kb.schema.kinds["need"].label and hits[0]["grade"]
        assert all(h["snippet"].strip() for h in hits), "every result has a snippet"
        assert sum(1 for h in hits if any(m.lower().startswith("autonom") for m in h["marks"])) >= len(hits) // 2
        page.locator("#sa-search-results a").first.click()  # the result opens its page
        page.wait_for_url(re.compile(r"chapters/entries/need/autonomy\.html$"))

        page.goto(search + "?q=reward%20hacking")
        hits = _search(page)
        assert hits[0]["title"] == real_kb.get("social-reward-hacking").title
        assert {"reward", "hacking"} <= {m.lower() for h in hits[:3] for m in h["marks"]}

        page.goto(search + "?q=autonmy")  # a misspelling
        hits = _search(page)
        assert real_kb.get("autonomy").title in [h["title"] for h in hits[:3]]
        assert any(m.lower() == "autonomy" for h in hits for m in h["marks"])

        # facets narrow by kind and grade; chapters are found too
        page.goto(search + "?q=autonomy")
        _search(page)
        n = page.locator("#sa-search-results > li").count()
        page.locator("#sa-facet-kind-need").check()
        assert {h["kind"] for h in _search(page)} == {real_kb.schema.kinds["need"].label}
        assert page.locator("#sa-search-results > li").count() < n
        page.locator("#sa-facet-kind-need").uncheck()
        page.locator("#sa-search-input").fill("glossary")
        assert "Glossary" in [h["title"] for h in _search(page)]
        # the theme's search box (every page) leads to the same search
        page.goto((real_book.html / "chapters" / "entries" / "risk" / "sycophancy.html").as_uri())
        page.keyboard.press("Control+k")
        box = page.locator("#pst-search-dialog input[name=q]")
        box.fill("sycophancy")
        box.press("Enter")
        page.wait_for_url(re.compile(r"search\.html\?q=sycophancy"))
        assert _search(page)[0]["title"] == real_kb.get("sycophancy").title
        s.errors = [e for e in s.errors if not e.endswith("/_static/favicon.svg")]
        s.check()
    finally:
        s.close()


def test_search_page_keeps_sphinx_address_over_http(real, real_kb):
    page = real.open("search.html?q=autonomy")
    hits = _search(page)
    assert hits and hits[0]["title"] == real_kb.get("autonomy").title
    assert all(h["snippet"].strip() for h in hits)
    shoot(page, "search.png")


PAGE_BUDGET = 1_000_000  # bytes, everything an entry page loads


def test_an_entry_page_weighs_at_most_one_megabyte(real, real_kb):
    """Over HTTP, first visit, no cache: the page and everything it loads (graph iframe included)."""
    sizes = {}
    page = real.page()
    page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body())))
    page.goto(real.base + "chapters/entries/risk/sycophancy.html", wait_until="networkidle")
    wait_for_graphs(page)
    total = sum(sizes.values())
    assert total <= PAGE_BUDGET, sorted(sizes.items(), key=lambda kv: -kv[1])[:8]
    assert len(sizes) <= 25, sorted(sizes)
    assert not any("fontawesome" in u or "searchindex" in u or u.endswith(".woff2") for u in sizes)
    icon = page.locator("button.theme-switch-button i.fa-sun, .search-button__button i.fa-magnifying-glass").first
    assert icon.evaluate("el => getComputedStyle(el).maskImage || getComputedStyle(el).webkitMaskImage").startswith("url(")  # the theme's icons still show


AXE_VERSION = "4.11.0"


@pytest.fixture(scope="session")
def axe_source(tmp_path_factory) -> str:
    """axe-core from the npm registry (the ordinary client), cached under _build/."""
    cache = ROOT / "_build" / "npm" / f"axe-core-{AXE_VERSION}"
    js = cache / "node_modules" / "axe-core" / "axe.min.js"
    if not js.exists():
        cache.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(
            ["npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(cache), f"axe-core@{AXE_VERSION}"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if proc.returncode != 0 or not js.exists():
            pytest.fail(f"could not install axe-core from the npm registry: {proc.stderr[-800:]}", pytrace=False)
    return js.read_text(encoding="utf-8")


# a violation is ours when the element is (inside) markup the project writes
OURS = "[class*='sa-'], [id^='sa-'], [class*='sa-'] *"
AXE_RUN = """async (ours) => {
    const r = await axe.run(document, {preload: false, runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
    const out = [];
    for (const v of r.violations) {
        for (const n of v.nodes) {
            const el = document.querySelector(n.target[0]);
            if (el && el.matches(ours)) { out.push(v.id + ': ' + n.html.slice(0, 160)); }
        }
    }
    return {ours: out, all: r.violations.map(v => v.id + ' (' + v.nodes.length + ')')};
}"""


def test_axe_finds_no_violation_in_our_markup(real, real_kb, axe_source):
    pages = [
        "chapters/index.html",
        "chapters/explorer.html",
        "chapters/matrices.html",
        "chapters/glossary.html",
        "chapters/bibliography.html",
        "search.html?q=autonomy",
    ]
    pages += [f"chapters/entries/{k}/{real_kb.entries(k)[0].id}.html" for k in real_kb.schema.kinds if real_kb.entries(k)]
    theme = set()
    for path, page in real.open_many(pages, batch=3):
        if path.startswith("search"):
            _search(page)
        page.evaluate(axe_source)
        found = page.evaluate(AXE_RUN, OURS)
        assert found["ours"] == [], (path, found["ours"])
        theme.update(found["all"])
    print("axe, theme and Sphinx markup (not ours):", sorted(theme))


def test_entry_pages_cite_and_have_no_correction_links_without_a_repository(real, real_kb):
    e = real_kb.get("sycophancy")
    page = real.open(f"chapters/entries/risk/{e.id}.html")
    cite = page.locator("section.sa-cite")
    assert cite.locator("h2").inner_text() == "Cite this entry"
    ref = cite.locator(".sa-cite-ref").inner_text()
    assert e.title in ref and f"version {socioaffective.__version__}" in ref
    assert page.url in ref  # no html_baseurl: the address the page was opened from
    assert re.search(r"Accessed \d{4}-\d{2}-\d{2}\.", ref)
    cite.locator("summary").click()
    bib = cite.locator("pre").inner_text()
    assert bib.startswith(f"@misc{{socioaffective-{e.id},") and f"title = {{{e.title}}}" in bib and page.url in bib
    assert page.locator(".sa-correct-link, .sa-source-link").count() == 0  # no repository configured: no links at all


def test_explorer_benchmark_measures_the_book_and_its_floor(tmp_path):
    """benchmarks/browser.py on a tiny framework: both pages draw, every node, no page error (timing is make bench's)."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.generate import generate

    generate(tmp_path / "fw", 60)
    code = (
        f"import json, sys; sys.path.insert(0, {str(ROOT)!r}); from pathlib import Path; from benchmarks import browser; "
        f"print(json.dumps(browser.explorer_ratio(Path({str(tmp_path / 'fw')!r}), Path({str(tmp_path / 'pages')!r}), repeat=1)))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600, cwd=ROOT)  # its own Playwright
    assert proc.returncode == 0, proc.stderr[-2000:]
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    assert r["nodes"] == 60 and r["edges"] > 0
    assert r["nodes_drawn"] == [60] and r["errors"] == []
    assert len(r["seconds"][0]) == len(r["seconds"][1]) == len(r["ratios"]) == 1 and r["ratio"] > 0
