"""The benchmark code runs, on tiny sizes, and measures what it says (issue 6).

These are not timed tests: nothing here asserts a duration. They keep
``make bench`` from rotting and check that the generator writes valid
frameworks, that every measurement returns what the report needs, and that
the engine's fast paths give the same results as the plain ones.
"""

from __future__ import annotations

import json
import pickle

import pytest

import socioaffective
from benchmarks import __main__ as runner
from benchmarks import engine, report
from benchmarks.generate import KIND_SHARES, generate, kind_counts

STAT_KEYS = {"median", "min", "max", "n", "runs"}


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench") / "framework-60"
    info = generate(root, 60)
    return root, info


def test_generated_framework_is_valid_and_complete(small):
    root, info = small
    kb = socioaffective.load(root, cache=False)
    assert kb.report.problems == []
    assert len(kb) == info["entries"] == 60
    assert len(kb.references) == info["references"] == 24
    assert {e.kind for e in kb} == set(KIND_SHARES) == set(kb.schema.kinds)
    assert len(kb.relations()) == info["relations"] + info["citations"]
    assert info["citations"] == 2 * 60
    assert 3.5 <= info["relations"] / 60 <= 4.5
    # realistic text lengths (the real framework: ~40, ~125, ~560 characters)
    es = list(kb)
    assert 20 <= sum(len(e.title) for e in es) / len(es) <= 70
    assert 80 <= sum(len(e.summary) for e in es) / len(es) <= 200
    assert 380 <= sum(len(e.description) for e in es) / len(es) <= 800
    schema = (root / "framework" / "schema.yaml").read_bytes()
    assert schema == (socioaffective.default_root() / "framework" / "schema.yaml").read_bytes()
    assert "60 generated entries" in (root / "framework" / "CHANGES.md").read_text(encoding="utf-8")  # the book includes it


def test_generator_is_deterministic_and_splits_files(tmp_path):
    a = generate(tmp_path / "a", 120, per_file=25)
    b = generate(tmp_path / "b", 120, per_file=25)
    assert a == b
    files = sorted(p.name for p in (tmp_path / "a" / "framework").glob("*.yaml"))
    for name in files:
        assert (tmp_path / "a" / "framework" / name).read_bytes() == (tmp_path / "b" / "framework" / name).read_bytes()
    assert a["files"] > len(KIND_SHARES)  # concepts (42 of 120) span two files
    kb = socioaffective.load(tmp_path / "a", cache=False)
    assert kb.report.ok and len(kb) == 120
    assert max(len(list(e for e in kb if e.file == f"framework/{n}")) for n in files if n != "schema.yaml") <= 25


def test_kind_counts():
    for n in (len(KIND_SHARES), len(KIND_SHARES) + 1, 50, 1000, 100000):  # every kind once n >= the number of kinds
        c = kind_counts(n)
        assert sum(c.values()) == n and min(c.values()) >= 1


def test_measure_returns_every_figure(small):
    root, info = small
    r = engine.measure(root, repeat=1)
    assert r["entries"] == 60 and r["problems"] == 0
    assert r["relations"] == info["relations"] + info["citations"]
    for key in ("cold", "floor", "warm", "cold_with_write", "floor_naive"):
        assert set(r[key]) == STAT_KEYS and r[key]["median"] > 0
    assert r["peak_rss_kib"] >= 0 and r["parsed_bytes"] > 0 and r["bytes"] == info["bytes"]
    assert set(r["stages"]) == {"parse YAML", "parse bib", "validate", "build entries", "graph"}
    assert set(r["lookups"]) == {"related", "related_both", "entries_kind", "dict_lookup"}


def test_measure_in_a_child_process(small):
    root, _ = small
    r = engine.measure_in_child(root, repeat=1, naive=False)
    assert r["entries"] == 60 and r["floor_naive"] is None and set(r["cold"]) == STAT_KEYS
    json.dumps(r)


def test_floor_reads_the_same_data(small):
    root, _ = small
    data, lib = engine.floor_parse(root)
    assert sum(len(d["entries"]) for d in data) == 60
    assert len(lib.entries) == 24
    assert engine.deep_size(data) > sum(len(str(d)) for d in data) // 2


def test_validate_cli_figures():
    r = engine.validate_cli(repeat=1)
    assert set(r) == {"floor", "floor_bib", "cold_cache", "warm_cache", "cold_cache_wall", "warm_cache_wall", "heavy_cold", "heavy_warm"}
    assert r["heavy_cold"] == [] and r["heavy_warm"] == []
    assert 0 < r["floor"]["median"] <= r["floor_bib"]["median"] * 1.5  # the bib floor parses more
    assert r["cold_cache"]["median"] > 0 and r["warm_cache"]["median"] > 0
    figs = runner.engine_figures({}, r)
    cli = [f for f in figs if f["id"].startswith("validate-cli")]
    assert [f["id"] for f in cli] == ["validate-cli", "validate-cli-bib", "validate-cli-warm", "validate-cli-warm-bib"]
    assert all(f["target"] == "<= 2x" for f in cli)


def test_report_rows_and_table(small):
    root, _ = small
    runs = {60: engine.measure(root, repeat=1)}
    runs[60]["generated"] = {}
    figs = runner.engine_figures(runs, None)
    ids = [f["id"] for f in figs]
    assert ids[:2] == ["cold-60", "warm-60"] and "memory-60" in ids and "related-60" in ids
    text = report.table(figs + [report.not_measured("x", "something", "no browser")])
    assert "cold load + validate + graph, 60 entries" in text and "not measured (no browser)" in text
    f = report.figure(
        "r",
        "r",
        {"median": 2.0, "min": 1, "max": 3, "n": 3, "runs": []},
        "s",
        floor={"median": 1.0, "min": 1, "max": 1, "n": 1, "runs": []},
        target="<= 1.5x",
        limit=1.5,
    )
    assert f["ratio"] == 2.0 and f["met"] is False


def test_runner_end_to_end(tmp_path):
    out = tmp_path / "results.json"
    assert runner.main(["--sizes", "30,90", "--repeat", "1", "--skip-book", "--layout-sizes", "120", "--out", str(out)]) == 0
    res = report.load(out)
    assert res["format"] == report.FORMAT and res["machine"]["cpus"] >= 1
    assert set(res["sizes"]) == {"30", "90"}
    ids = {f["id"] for f in res["figures"]}
    assert {"cold-30", "cold-90", "warm-90", "memory-90", "validate-cli", "validate-imports", "layout-rgg-120", "layout-quality-120"} <= ids
    assert res["layout"]["120"]["deterministic"] is True and res["args"]["layout_sizes"] == [120]
    assert set(res["stages"]["parse YAML"]) == {"30", "90"}
    assert all(f["met"] in (True, False, None) for f in res["figures"])
    # the CLI's import time and `validate` end to end (issue 15), each with the machine's load
    imp = res["imports"]
    assert [f["id"] for f in imp["figures"]] == ["import-cli", "import-validate", "validate-e2e-warm", "validate-e2e-no-cache"]
    assert imp["import_validate"]["unwanted"] == [] and imp["import_validate"]["modules"] > 50
    assert all(f["ratio"] > 0 for f in imp["figures"] if f["id"] != "import-validate")
    assert imp["load_imports"] is not None and len(imp["load_end_to_end"]) == imp["end_to_end"]["floor"]["cpu"]["n"]


def test_fast_graph_equals_networkx_api(tiny_kb, real_kb):
    import networkx as nx

    from socioaffective.graph import build_graph

    for kb in (tiny_kb, real_kb):
        g = build_graph(kb)
        h = nx.MultiDiGraph(name="socioaffective")
        for e in list(kb.entries()) + list(kb.references.values()):
            attrs = {k: v for k, v in e.fields.items() if k not in ("kind", "title")}
            attrs.update(
                kind=e.kind,
                title=e.title,
                summary=e.summary,
                description=e.description,
                provenance_source=e.provenance.source if e.provenance else "",
                provenance_grade=e.provenance.grade if e.provenance else "",
                file=e.file,
                line=e.line,
            )
            h.add_node(e.id, **attrs)
        for r in kb.relations():
            p = r.provenance
            h.add_edge(
                r.source,
                r.target,
                key=r.name,
                relation=r.name,
                provenance_source=p.source if p else "",
                provenance_grade=p.grade if p else "",
                inherited=bool(p and p.inherited),
                locator=r.locator,
                note=r.note,
            )
        assert list(g.nodes(data=True)) == list(h.nodes(data=True))
        assert list(g.edges(keys=True, data=True)) == list(h.edges(keys=True, data=True))
        assert list(g.in_edges(keys=True)) == list(h.in_edges(keys=True))
        assert g.graph == h.graph
        g.add_edge("a-new", "b-new", key="x")  # the graph is an ordinary, mutable networkx graph
        assert g.has_edge("a-new", "b-new", key="x") and "a-new" in g


def test_pickled_entries_are_equal(real_kb):
    es = list(real_kb)
    back = pickle.loads(pickle.dumps(es))
    assert [e.to_dict() for e in back] == [e.to_dict() for e in es]
    assert [e.field_lines for e in back] == [e.field_lines for e in es]


@pytest.mark.book
def test_book_benchmarks_on_a_small_book(tmp_path):
    """Layout, a synthetic book, its floor, page weight and a rebuild (the browser figures: benchmarks/browser.py)."""
    from benchmarks import book

    figs, raw = book.run_all(tmp_path, repeat=1, log=lambda m: None, graph_entries=60, synthetic_entries=30, real=False)
    by_id = {f["id"]: f for f in figs}
    assert set(by_id) == {
        "layout",
        "layout-cached",
        "build-synthetic-30",
        "build-warm-synthetic-30",
        "noop-synthetic-30",
        "build-j-synthetic-30",
        "rebuild-synthetic-30",
        "weight-synthetic-30",
    }
    for f in figs:
        assert f["value"] is not None, f"{f['id']}: {f['note']}"
    assert by_id["layout-cached"]["met"] is True, by_id["layout-cached"]["note"]  # a new build reads the cached layout
    b = raw["book-synthetic-30"]
    assert b["pages"] == b["floor_pages"] and b["pages"] > 30
    assert b["missing_bib_keys"] == 0  # every synthetic citation resolves (it did not: 141 warnings at 30 entries)
    # no page fails to read (the Content changelog's include of framework/CHANGES.md did), so a
    # no-op build reads nothing again
    assert b["errors"] == 0 and b["noop"]["errors"] == 0
    assert b["noop"]["read"] == 0, b["noop"]
    assert b["rebuild"]["rewritten"] >= 1 and b["rebuild"]["edited"]
    assert b["warm_all"]["cpu"] > 0 and b["warm_all"]["load"][0] is not None
    assert b["warm_all"]["read"] >= 30 > b["rebuild"]["read"] >= 1  # --all reads every page, the rebuild a few
    assert b["weight"]["pages"] == 30
    assert b["jobs"]["parallel_warnings"] == [] and b["jobs"]["jobs"] >= 1  # -j: no "not safe for parallel reading"


def test_force_layout_is_deterministic_and_shows_structure():
    import numpy as np

    from socioaffective.graph import force_layout

    # two dense groups joined by one link: members of a group end up nearer each other
    a = [f"a{i}" for i in range(300)]
    b = [f"b{i}" for i in range(300)]
    edges = [(g[i], g[(i * 7 + j) % 300]) for g in (a, b) for i in range(300) for j in (1, 2, 3)] + [("a0", "b0")]
    pos = force_layout(a + b, edges, seed=3)
    assert pos == force_layout(a + b, edges, seed=3)
    assert all(-1 <= x <= 1 and -1 <= y <= 1 for x, y in pos.values())
    ca = np.mean([pos[i] for i in a], axis=0)
    cb = np.mean([pos[i] for i in b], axis=0)
    within = np.median([np.linalg.norm(np.subtract(pos[i], ca)) for i in a])
    assert np.linalg.norm(ca - cb) > within


def test_sparse_push_equals_the_dense_one():
    import numpy as np

    from socioaffective.render.network import _close_push

    p = np.random.default_rng(1).random((700, 2))
    dmin = 0.05
    delta = p[:, None, :] - p[None, :, :]
    dist = np.sqrt((delta**2).sum(axis=-1))
    np.fill_diagonal(dist, 2 * dmin + 1)
    safe = np.where(dist == 0, 1.0, dist)
    push = np.where(dist < dmin, (dmin - dist) / 2 / safe, 0.0)
    dense = (delta * push[:, :, None]).sum(axis=1)
    assert np.allclose(dense, _close_push(p, dmin), atol=1e-12)
    assert _close_push(np.array([[0.0, 0.0], [1.0, 1.0]]), 0.1) is None


def test_large_layouts_take_the_fast_path(tmp_path):
    from socioaffective.render.network import layout

    root = tmp_path / "fw"
    generate(root, 700)
    kb = socioaffective.load(root, cache=False)
    ids = [e.id for e in kb.entries()]
    pos = layout(kb, ids, unit=105, aspect=1.9)
    assert sorted(pos) == sorted(ids)
    assert all(isinstance(x, int) and isinstance(y, int) for x, y in pos.values())
    assert len(set(pos.values())) > 0.95 * len(ids)  # spread apart, not piled up


def test_export_stamp_follows_the_content(tiny_copy, tmp_path, monkeypatch):
    """Incremental book builds skip re-rendering the exports only for the very same framework."""
    from socioaffective.export.book import _stamp

    monkeypatch.setenv("SOCIOAFFECTIVE_CACHE_DIR", str(tmp_path / "cache"))
    kb = socioaffective.load(tiny_copy)
    assert _stamp(kb) and _stamp(kb) == _stamp(socioaffective.load(tiny_copy))
    path = tiny_copy / "framework" / "tiny.yaml"
    path.write_text(path.read_text().replace("title: Alignment", "title: Alignment!"))
    assert _stamp(socioaffective.load(tiny_copy)) != _stamp(kb)
    assert _stamp(socioaffective.load(tiny_copy, cache=False)) == ""


# the layout benchmark (benchmarks/layout.py) and the big-graph layout it measures


def test_spearman_on_known_cases():
    import numpy as np
    from scipy.stats import spearmanr

    from benchmarks.layout import spearman

    assert spearman([1, 2, 3, 4], [1, 4, 9, 16]) == pytest.approx(1.0)  # any increasing function
    assert spearman([1, 2, 3, 4], [8, 6, 4, 2]) == pytest.approx(-1.0)
    # ties take average ranks: [1, 2.5, 2.5, 4] against [1, 3, 2, 4] -> 4.5 / sqrt(4.5 * 5)
    assert spearman([1, 2, 2, 3], [1, 3, 2, 4]) == pytest.approx(4.5 / (4.5 * 5) ** 0.5)
    rng = np.random.default_rng(5)
    a, b = rng.integers(0, 20, 300), rng.random(300)
    assert spearman(a, b) == pytest.approx(spearmanr(a, b).statistic)


def test_distance_spearman_scores_true_and_scrambled_layouts():
    import networkx as nx
    import numpy as np

    from benchmarks.layout import distance_spearman

    path = nx.path_graph(40)
    assert distance_spearman(path, {i: (2 * i, 0) for i in path}) == pytest.approx(1.0)
    grid = nx.grid_2d_graph(20, 20)
    assert distance_spearman(grid, {v: v for v in grid}) > 0.95  # its own coordinates
    rng = np.random.default_rng(1)
    scrambled = dict(zip(grid, rng.permutation([v for v in grid]), strict=True))
    assert abs(distance_spearman(grid, scrambled)) < 0.2


def test_random_geometric_is_the_seeded_largest_component():
    import networkx as nx

    from benchmarks.layout import random_geometric

    g = random_geometric(300)
    assert nx.is_connected(g) and 200 < len(g) <= 300
    assert 6 < 2 * g.number_of_edges() / len(g) < 12  # about DEGREE links per node
    assert sorted(g.edges()) == sorted(random_geometric(300).edges())


def _grid(side):
    import networkx as nx

    g = nx.grid_2d_graph(side, side)
    return nx.relabel_nodes(g, {v: f"n{v[0]}-{v[1]}" for v in g})


@pytest.mark.parametrize("mode", ["shift-invert", "lanczos"])
def test_force_layout_recovers_a_grid(mode, monkeypatch):
    """A 30 x 30 grid (past the dense eigen-solver's 400 nodes), with either ARPACK mode."""
    from benchmarks.layout import distance_spearman
    from socioaffective import graph

    if mode == "lanczos":
        monkeypatch.setattr(graph, "_LU_WORK", 0)
    g = _grid(30)
    nodes, edges = sorted(g), sorted(g.edges())
    pos = graph.force_layout(nodes, edges, seed=2)
    assert pos == graph.force_layout(nodes, edges, seed=2)
    assert all(-1 <= x <= 1 and -1 <= y <= 1 for x, y in pos.values())
    assert distance_spearman(g, pos) > 0.93
    assert distance_spearman(g, graph.force_layout(nodes, edges, seed=2, start="random")) < 0.9  # what the start adds


def test_force_layout_packs_components_apart():
    import networkx as nx

    from socioaffective.graph import force_layout

    parts = [_grid(12), nx.relabel_nodes(_grid(9), lambda v: "b" + v), nx.relabel_nodes(nx.path_graph(5), lambda v: f"p{v}")]
    lonely = [f"alone{i}" for i in range(6)]
    edges = [e for p in parts for e in p.edges()]
    pos = force_layout([v for p in parts for v in p] + lonely, edges, seed=1)
    assert len(pos) == 144 + 81 + 5 + 6

    def box(p):
        xs, ys = zip(*(pos[v] for v in p), strict=True)
        return min(xs), max(xs), min(ys), max(ys)

    (ax0, ax1, ay0, ay1), (bx0, bx1, by0, by1) = box(parts[0]), box(parts[1])
    assert ax1 < bx0 or bx1 < ax0 or ay1 < by0 or by1 < ay0  # the two grids do not overlap


def test_force_layout_falls_back_to_a_random_start(monkeypatch):
    """When ARPACK gives up, that component starts from seeded random positions."""
    from socioaffective import graph

    monkeypatch.setattr(graph, "_eigen_coords", lambda lap, size, rng: None)
    g = _grid(12)
    nodes, edges = sorted(g), sorted(g.edges())
    pos = graph.force_layout(nodes, edges, seed=4)
    assert sorted(pos) == nodes and pos == graph.force_layout(nodes, edges, seed=4)
    assert len(set(pos.values())) == len(nodes)
    with pytest.raises(ValueError):
        graph.force_layout(nodes, edges, start="circle")


def test_layout_benchmark_measures_time_and_quality():
    from benchmarks import layout

    r = layout.measure(150, repeat=2)
    assert r["points"] == 150 and 100 < r["nodes"] <= 150 and r["edges"] > r["nodes"]
    assert set(r["seconds"]) == STAT_KEYS and r["seconds"]["n"] == 2 and set(r["seconds_cpu"]) == STAT_KEYS
    assert r["deterministic"] is True
    assert 0.8 < r["spearman"] <= 1 and -1 <= r["random_start"] <= 1
    assert r["load_before"] is None or len(r["load_before"]) == 3
    figs = layout.figures({150: r, 5000: {**r, "points": 5000}})
    by_id = {f["id"]: f for f in figs}
    assert set(by_id) == {"layout-rgg-150", "layout-quality-150", "layout-rgg-5000", "layout-quality-5000"}
    assert by_id["layout-quality-150"]["met"] is None and by_id["layout-quality-5000"]["met"] is (r["spearman"] >= 0.95)
    assert by_id["layout-quality-5000"]["target"] == ">= 0.95" and by_id["layout-rgg-5000"]["target"] == "<= 3 s"
    assert "layout quality" in report.table(figs)


# -- the peer comparison (issue 15): correctness only, never timing -----------------------------


def _expected_links(items):
    return {x["id"]: {(rel, t) for rel, ts in x["links"].items() for t in ts} for x in items["entries"]}


def test_the_sphinx_needs_project_has_one_need_per_entry_with_its_links(tmp_path):
    from benchmarks import peer

    fw = tmp_path / "fw"
    info = generate(fw, 30)
    items = peer.framework_items(fw)
    assert len(items["entries"]) == 30 and sum(len(x["cites"]) for x in items["entries"]) == info["citations"]
    assert sum(len(ts) for x in items["entries"] for ts in x["links"].values()) == info["relations"]
    project = peer.needs_project(items, tmp_path / "needs")
    b = peer.sphinx_build(project)
    assert b["warnings"] == 0, b["warning_lines"]
    shown = peer.needs_in_html(project)
    assert set(shown) == {x["id"] for x in items["entries"]}
    for eid, links in _expected_links(items).items():
        assert links and links <= shown[eid]["links"], eid
        assert shown[eid]["page"] == f"{eid.rsplit('-', 1)[0]}/{eid}.html"
    # the floor: the same pages, plain
    floor = peer.floor_project(items, tmp_path / "floor")
    peer.sphinx_build(floor)
    floor_pages = {p.relative_to(floor).as_posix() for p in peer.html_pages(floor)}
    assert len(floor_pages) == 30 + len(items["kinds"]) + 2  # entries, kinds, index, bibliography
    assert {p.relative_to(project).as_posix() for p in peer.html_pages(project)} == floor_pages | {"_build/html/permalink.html"}
    assert peer.needs_in_html(floor) == {}
    # an edit reaches the page on an incremental build
    eid = items["entries"][0]["id"]
    peer.edit_need(project, items, eid)
    peer.sphinx_build(project, full=False)
    assert "An edited description for the rebuild benchmark" in (project / "_build" / "html" / shown[eid]["page"]).read_text()


@pytest.mark.book
def test_peer_comparison_on_a_tiny_framework(tmp_path):
    """benchmarks/peer.py end to end at 30 entries: every figure has its ratio, loads are recorded."""
    from benchmarks import peer

    section = peer.run_sizes(tmp_path, [30], repeat=1, log=lambda m: None)
    by_id = {f["id"]: f for f in section["figures"]}
    assert set(by_id) == {"peer-build-30", "peer-floor-30", "peer-rebuild-30"}, [f["note"] for f in section["figures"]]
    for f in by_id.values():
        assert f["value"] is not None and f["ratio"] is not None and f["ratio"] > 0 and f["met"] in (True, False), f
        assert "load" in f["note"]
    raw = section["sizes"]["30"]
    assert raw["peer"].startswith("sphinx-needs 9.")
    assert raw["needs_shown"] == 30 and raw["pages"]["needs"] == raw["pages"]["floor"] + 1 and raw["pages"]["ours"] > 30  # + permalink.html
    assert raw["full"]["needs"]["warnings"] == 0
    for name in ("ours", "needs", "floor"):
        assert raw["full"][name]["load"][0] is not None and raw["rebuild"][name]["load"] is not None
        assert raw["rebuild"][name]["edited"] == raw["rebuild"]["ours"]["edited"]
        assert raw["rebuild"][name]["rewritten"] >= 1
    items = peer.framework_items(tmp_path / "peer-framework-30")
    shown = peer.needs_in_html(tmp_path / "peer-needs-30")
    for eid, links in _expected_links(items).items():
        assert links <= shown[eid]["links"], eid
    assert section["load_average_start"] and section["load_average_end"]
