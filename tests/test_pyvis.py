"""kb.to_pyvis: a configured pyvis Network that matches the KB and renders offline."""

from __future__ import annotations

import re

import pytest

from socioaffective.render import network, pyvis_network
from socioaffective.render.pyvis_network import iframe, select

REMOTE = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//", re.I)


def test_an_entry_neighbourhood_matches_the_kb(real_kb):
    net = real_kb.to_pyvis("autonomy", depth=1)
    ids = select(real_kb, "autonomy", depth=1)
    assert ids[0] == "autonomy" and {n["id"] for n in net.nodes} == set(ids)
    neighbours = {r.target for r in real_kb.relations("autonomy", direction="out")} | {r.source for r in real_kb.relations("autonomy", direction="in")}
    shown_kinds = {k for k, v in real_kb.schema.kinds.items() if getattr(v, "neighbourhood", True)}
    assert set(ids) == {"autonomy"} | {i for i in neighbours if i in real_kb and real_kb.get(i).kind in shown_kinds}
    want = {(r.source, r.name, r.target) for r in real_kb.relations() if r.source in ids and r.target in ids}
    assert {(e["from"], e["relation"], e["to"]) for e in net.edges} == want
    kinds = real_kb.schema.kinds
    for n in net.nodes:
        e = real_kb.get(n["id"])
        assert n["label"] == " ".join(e.title.split()) and n["title"].startswith(e.title)
        assert n["color"] == network.kind_color(kinds[e.kind]) and n["shape"] == network.kind_shape(kinds[e.kind])
    pos = network.layout(real_kb, ids, center="autonomy", unit=80, aspect=2.1)  # the book's positions
    assert {n["id"]: (n["x"], n["y"]) for n in net.nodes} == pos
    for e in net.edges:
        label = real_kb.schema.relations[e["relation"]].label
        assert f"— {label} →" in e["title"]
    assert net.options.physics.enabled is False
    assert len(select(real_kb, "autonomy", depth=2)) > len(ids)


def test_a_kind_filter_and_errors(real_kb):
    net = real_kb.to_pyvis(kinds=["need", "principle"])
    assert {n["id"] for n in net.nodes} == {e.id for e in real_kb.entries() if e.kind in ("need", "principle")}
    assert {n["kind"] for n in net.nodes} == {"need", "principle"}
    assert len(real_kb.to_pyvis().nodes) == len(real_kb.entries())
    import socioaffective

    with pytest.raises(socioaffective.UnknownIdError):
        real_kb.to_pyvis("autonomyy")
    with pytest.raises(socioaffective.UnknownKindError):
        real_kb.to_pyvis(kinds="needz")


def test_the_html_has_no_cdn_reference(real_kb, tmp_path):
    net = real_kb.to_pyvis("autonomy")
    page = net.generate_html()
    assert "new vis.Network" in page and "vis-network" not in re.findall(r"<script[^>]*>", page)[0]
    assert not REMOTE.search(page), REMOTE.search(page)
    assert "cdnjs" not in page and "jsdelivr" not in page and "bootstrap" not in page.lower()
    out = tmp_path / "g.html"
    net.write_html(str(out))
    assert out.read_text(encoding="utf-8") == page
    notebook = net.generate_html(notebook=True)  # what net.show(..., notebook=True) writes
    assert not REMOTE.search(notebook) and "new vis.Network" in notebook
    lean = real_kb.to_pyvis("autonomy", vis_url="../_static/socioaffective/vis/").generate_html()
    assert '<script src="../_static/socioaffective/vis/vis-network.min.js"></script>' in lean and len(lean) < len(page) / 10
    assert not REMOTE.search(lean)
    frame = iframe(net)
    assert frame.startswith("<iframe srcdoc=") and "<script" not in frame  # all escaped inside the attribute


def test_untrusted_text_stays_text(tiny_kb):
    data = network.graph_data(tiny_kb, [e.id for e in tiny_kb.entries()], {})
    data["nodes"][0]["label"] = "</script><script>alert(1)</script>"
    page = pyvis_network.from_data(data).generate_html()
    assert "<script>alert(1)" not in page


def test_to_pyvis_of_graph_data_is_offline_too(tiny_kb):
    data = network.graph_data(tiny_kb, [e.id for e in tiny_kb.entries()], {})
    assert not REMOTE.search(pyvis_network.from_data(data).generate_html())


@pytest.mark.browser
def test_the_written_file_draws_offline_in_chromium(real_kb, tmp_path, browser):
    net = real_kb.to_pyvis("autonomy", depth=1)
    out = tmp_path / "autonomy.html"
    net.write_html(str(out))
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    requests, errors = [], []
    context.route("**/*", lambda route: (requests.append(route.request.url), route.continue_() if route.request.url.startswith("file://") else route.abort()))
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(out.as_uri(), wait_until="load")
        page.wait_for_function("() => typeof network !== 'undefined' && network.body.data.nodes.length > 0", timeout=20000)
        page.wait_for_timeout(300)
        drawn = page.evaluate(
            "() => ({nodes: network.body.data.nodes.length, edges: network.body.data.edges.length,"
            " shown: Object.keys(network.body.nodes).length, canvas: !!document.querySelector('#mynetwork canvas'),"
            " pos: network.getPositions(['autonomy'])['autonomy']})"
        )
    finally:
        context.close()
    assert drawn["nodes"] == len(net.nodes) and drawn["edges"] == len(net.edges) and drawn["canvas"]
    assert drawn["shown"] >= len(net.nodes)
    want = next(n for n in net.nodes if n["id"] == "autonomy")
    assert (round(drawn["pos"]["x"]), round(drawn["pos"]["y"])) == (want["x"], want["y"])  # physics off: the book's positions
    assert errors == []
    assert [u for u in requests if not u.startswith("file://")] == []
