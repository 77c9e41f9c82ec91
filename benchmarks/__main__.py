"""``python -m benchmarks``: run every benchmark, print the table, write results.json."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from . import engine, layout, report
from .generate import generate

DEFAULT_SIZES = (1000, 10000, 100000)


def parse_args(argv=None):
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    ap.add_argument("--sizes", default=None, help="comma-separated numbers of entries (default 1000,10000,100000)")
    ap.add_argument("--repeat", type=int, default=None, help="runs per measurement (default 3; 2 with --quick)")
    ap.add_argument("--quick", action="store_true", help="1k and 10k entries only, 2 runs, no 300-entry book: a few minutes")
    ap.add_argument("--skip-book", action="store_true", help="engine figures only (no book builds, no browser)")
    ap.add_argument("--layout-sizes", default="1000,5000", help="points of the random geometric graphs laid out (default 1000,5000; 0: none)")
    ap.add_argument("--out", default=str(report.RESULTS), help="where to write the results (default benchmarks/results.json)")
    ap.add_argument("--keep", default=None, help="keep generated frameworks and books in this folder instead of a temporary one")
    ap.add_argument("--peer-sizes", default="300", help="entries of the sphinx-needs comparison (benchmarks/peer.py; default 300; 0 skips it)")
    ap.add_argument("--peer-flow", action="store_true", help="the sphinx-needs comparison also with a needflow diagram per item (needs graphviz dot)")
    args = ap.parse_args(argv)
    if args.sizes:
        args.sizes = sorted({int(s.replace("_", "").replace("k", "000")) for s in args.sizes.split(",") if s.strip()})
    else:
        args.sizes = [1000, 10000] if args.quick else list(DEFAULT_SIZES)
    if args.repeat is None:
        args.repeat = 2 if args.quick else 3
    args.layout_sizes = sorted({int(s.replace("_", "").replace("k", "000")) for s in args.layout_sizes.split(",") if s.strip()} - {0})
    args.peer_sizes = [int(x) for x in str(args.peer_sizes).replace("_", "").replace("k", "000").split(",") if x.strip() and int(x)]
    return args


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _cpu(r: dict, name: str):
    """The CPU-time series of a measurement (its wall-clock one for old results)."""
    return r.get(name + "_cpu") or r.get(name)


def engine_figures(runs: dict[int, dict], cli: dict | None) -> list[dict]:
    """The engine rows of the table from the per-size measurements.

    Load times are the CPU time of the measuring process: on an idle machine
    that is the wall-clock time, and it stays true when other work shares the
    machine. Wall-clock medians are in the notes.
    """
    F = report.figure
    figs = []
    sizes = sorted(runs)
    floor_label = "C-loader yaml.load + bib parse"
    for n in sizes:
        r = runs[n]
        top = n == sizes[-1] and n >= 100000
        naive = r.get("floor_naive")
        note = (
            f"{r['bytes'] / 1e6:.1f} MB of YAML+bib; {r['relations']:,} links incl. citations; "
            f"wall clock {report.fmt(report.median(r['cold']), 's')} vs {report.fmt(report.median(r['floor']), 's')}"
        )
        if naive:
            note += f"; plain yaml.load with the GC running: {report.fmt(_cpu(r, 'floor_naive'), 's')}"
        figs.append(
            F(
                f"cold-{n}",
                f"cold load + validate + graph, {n:,} entries (CPU s)",
                _cpu(r, "cold"),
                "s",
                floor=_cpu(r, "floor"),
                floor_label=floor_label,
                target="<= 1.5x floor" if top else "",
                limit=1.5 if top else None,
                note=note,
            )
        )
    big = [n for n in sizes if n >= 10000]
    if len(big) >= 2:
        a, b = big[-2], big[-1]
        k = b / a
        ratio = report.median(_cpu(runs[b], "cold")) / report.median(_cpu(runs[a], "cold"))
        floor_ratio = report.median(_cpu(runs[b], "floor")) / report.median(_cpu(runs[a], "floor"))
        figs.append(
            F(
                "linearity",
                f"time({b // 1000}k) / time({a // 1000}k), cold load",
                ratio,
                "x",
                floor=floor_ratio,
                floor_label="same ratio for the floor",
                target=f"<= {1.2 * k:g}",
                limit=1.2 * k,
                against="value",
                note=f"{k:g}x more entries",
            )
        )
    for n in sizes:
        r = runs[n]
        figs.append(
            F(
                f"warm-{n}",
                f"warm load (content-hash cache), {n:,} entries (CPU s)",
                _cpu(r, "warm"),
                "s",
                floor=_cpu(r, "cold"),
                floor_label="the cold load",
                target="<= 0.1x cold",
                limit=0.1,
                note=f"first load writing the cache: {report.fmt(_cpu(r, 'cold_with_write'), 's')}; wall clock {report.fmt(report.median(r['warm']), 's')}",
            )
        )
    n = sizes[-1] if sizes else 0
    r = runs.get(n, {})
    if r.get("parsed_bytes"):
        figs.append(
            F(
                f"memory-{n}",
                f"peak memory (RSS growth), {n:,} entries",
                r["peak_rss_kib"],
                "KiB",
                floor=r["parsed_bytes"] / 1024,
                floor_label="size of the parsed YAML objects",
                target="<= 4x",
                limit=4.0,
            )
        )
    if cli:
        for key, label in (("cold_cache", "cold cache: the first run after an edit"), ("warm_cache", "warm cache")):
            for floor, floor_label, suffix in (
                ("floor", "python parsing the same YAML files with PyYAML's C loader", ""),
                ("floor_bib", "the same, and references.bib with bibtexparser", "-bib"),
            ):
                if floor not in cli:
                    continue
                figs.append(
                    F(
                        "validate-cli" + ("" if key == "cold_cache" else "-warm") + suffix,
                        f"`socioaffective validate`, real framework, {label} (CPU s of the process)",
                        cli[key],
                        "s",
                        floor=cli[floor],
                        floor_label=floor_label + " (CPU s)",
                        target="<= 2x",
                        limit=2.0,
                    )
                )
        heavy = sorted(set(cli["heavy_cold"]) | set(cli["heavy_warm"]))
        figs.append(
            F(
                "validate-imports",
                "heavy modules imported by `validate`",
                heavy,
                "",
                target="none of networkx, rdflib, sphinx, numpy, scipy, pyvis, docutils, matplotlib",
                met=not heavy,
            )
        )
    if not runs:
        return figs
    look = 10000 if 10000 in runs else min(runs, key=lambda x: abs(x - 10000))
    lk = runs[look]["lookups"]
    for key, label in (("related", "kb.related(id)"), ("entries_kind", "kb.entries(kind=...)")):
        if key in lk:
            figs.append(
                F(
                    f"{key}-{look}",
                    f"{label}, {look:,} entries (median per call)",
                    lk[key],
                    "s",
                    floor=lk["dict_lookup"],
                    floor_label="a dict look-up",
                    target="< 1 ms",
                    limit=1e-3,
                    against="value",
                )
            )
    return figs


def main(argv=None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    results = {
        "format": report.FORMAT,
        "date": report.now(),
        "machine": report.machine(),
        "versions": report.versions(),
        "args": {"sizes": args.sizes, "repeat": args.repeat, "quick": args.quick, "skip_book": args.skip_book, "layout_sizes": args.layout_sizes},
        "sizes": {},
        "stages": {},
        "figures": [],
    }
    tmp_parent = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="socioaffective-bench-"))
    tmp_parent.mkdir(parents=True, exist_ok=True)
    try:
        runs: dict[int, dict] = {}
        for n in args.sizes:
            root = tmp_parent / f"framework-{n}"
            if root.exists():
                shutil.rmtree(root)
            t = time.perf_counter()
            info = generate(root, n)
            say(f"generated {n:,} entries ({info['bytes'] / 1e6:.1f} MB) in {time.perf_counter() - t:.1f} s; measuring ...")
            t = time.perf_counter()
            runs[n] = engine.measure_in_child(root, args.repeat, naive=n <= 10000)
            if runs[n]["problems"] or runs[n]["references"] != info["references"]:
                raise RuntimeError(
                    f"the generated {n:,}-entry framework did not load clean ({runs[n]['problems']} problems, "
                    f"{runs[n]['references']} of {info['references']} references): the figures would mean nothing"
                )
            runs[n]["generated"] = info
            say(f"  {n:,} entries measured in {time.perf_counter() - t:.1f} s")
            if not args.keep:
                shutil.rmtree(root, ignore_errors=True)
        results["sizes"] = {str(n): runs[n] for n in runs}
        for n, r in runs.items():
            for stage, secs in r["stages"].items():
                results["stages"].setdefault(stage, {})[str(n)] = secs
            results["stages"].setdefault("cold load + graph", {})[str(n)] = report.median(_cpu(r, "cold"))
            results["stages"].setdefault("floor: yaml.load + bib parse", {})[str(n)] = report.median(_cpu(r, "floor"))
            results["stages"].setdefault("warm load (cache)", {})[str(n)] = report.median(_cpu(r, "warm"))
        say("timing `socioaffective validate` ...")
        cli = engine.validate_cli(repeat=max(3, args.repeat))
        results["validate_cli"] = cli
        figures = engine_figures(runs, cli)
        layout_figs, results["layout"] = layout.run_all(args.layout_sizes, repeat=args.repeat, log=say)
        figures += layout_figs
        from . import imports

        say("timing the CLI's imports and `validate` end to end ...")
        results["imports"] = imports.measure(repeat=max(3, 2 * args.repeat))
        results["imports"]["figures"] = imports.figures(results["imports"])
        if args.skip_book:
            book_figs = []
        else:
            from . import book

            book_figs, book_raw = book.run_all(tmp_parent, repeat=args.repeat, quick=args.quick, log=say)
            results["book"] = book_raw
            if args.peer_sizes and not args.quick:
                from . import peer

                results["peer"] = peer.run_sizes(tmp_parent, args.peer_sizes, repeat=max(1, min(args.repeat, 2)), flow=args.peer_flow, log=say)
            from . import browser  # explorer / bare vis-network ratio, Lighthouse mobile scores

            browser_figs, results["browser"] = browser.run_all(tmp_parent, repeat=args.repeat, log=say, html_root=tmp_parent / "book-real" / "_build" / "html")
            book_figs += browser_figs
        results["figures"] = figures + book_figs
    finally:
        if not args.keep:
            shutil.rmtree(tmp_parent, ignore_errors=True)
    results["elapsed_s"] = round(time.perf_counter() - started, 1)
    results["machine"]["load_average_end"] = report.machine().get("load_average")
    out = report.write(results, Path(args.out))
    print(report.table(results["figures"]))
    for name in ("imports", "peer"):  # sections of their own (the Performance page shows each)
        if results.get(name, {}).get("figures"):
            print(f"\n{name}:\n" + report.table(results[name]["figures"]))
    print(f"\n{len(results['figures'])} figures in {results['elapsed_s']:.0f} s; results written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
