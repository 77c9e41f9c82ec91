"""The peer comparison: our book against a sphinx-needs project of the same framework (issue 15).

sphinx-needs is the closest peer: a Sphinx extension for typed items ("needs")
with typed links, backlinks and tables. :func:`run` builds, on the same
synthetic framework (:func:`benchmarks.generate.generate`) and the same Sphinx:

- **ours**: the book (``benchmarks.book.copy_book`` + ``benchmarks.book.build``,
  ``jupyter-book build --all`` from an empty ``_build`` and load cache), exactly
  as the book benchmark builds it;
- **needs**: a Sphinx project with one page per entry holding one need (its
  title, summary and description, every link of the entry as a link option of
  its relation, provenance as two fields, its citations as ``:cite:p:`` roles),
  one page per kind (a ``needtable`` and a hidden toctree) and a bibliography
  page; sphinx-book-theme with the book's sidebar settings; no diagrams
  (``flow=True`` adds a graphviz ``needflow`` of each need's one-link
  neighbourhood, the closest thing to our per-entry graph; it needs ``dot``);
- **floor**: the same pages as plain reST (title and text), no extension, the
  same theme.

Full builds run interleaved (ours, needs, floor; ``repeat`` rounds); then one
entry's description is edited (the entry ``benchmarks.book`` edits: fewest
links) in all three and each is rebuilt incrementally, counting the HTML pages
rewritten. Times are wall clock, with the CPU time of the build's processes
beside them and the 1-minute load average before every build: on a shared
machine, compare the ratios (and the CPU ones), not the seconds.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from . import book as ourbook
from .engine import stat

#: The pinned peer (the ``bench`` and ``test`` extras of pyproject.toml).
PEER = "sphinx-needs"

#: The book's own sidebar settings (``_config.yml``), so that both books draw the same navigation.
THEME_OPTIONS = {"max_navbar_depth": 1, "collapse_navbar": True, "show_navbar_depth": 1, "navbar_persistent": []}


def load_avg() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except (OSError, AttributeError):  # pragma: no cover - not POSIX
        return None


def peer_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(PEER)
    except PackageNotFoundError:
        return None


# ---------------------------------------------------------------------------
# the projects

_RST_SPECIAL = re.compile(r"([\\`*|_<>\[\]])")


def rst_text(s: str) -> str:
    """Plain text as reST inline text (markup characters escaped, one line).

    >>> rst_text("a *b* `c`_ d")
    'a \\\\*b\\\\* \\\\`c\\\\`\\\\_ d'
    """
    return _RST_SPECIAL.sub(r"\\\1", " ".join(str(s).split()))


def _heading(title: str, char: str = "=") -> str:
    t = rst_text(title)
    return f"{t}\n{char * max(len(t), 3)}\n"


def _conf(extensions: list[str], extra: str = "") -> str:
    return (
        "# Written by benchmarks/peer.py.\n"
        "project = 'Synthetic framework'\n"
        f"extensions = {extensions!r}\n"
        "html_theme = 'sphinx_book_theme'\n"
        f"html_theme_options = {THEME_OPTIONS!r}\n"
        "html_title = project\n" + extra
    )


def framework_items(root: Path) -> dict:
    """The framework at ``root`` as plain data for the peer projects: kinds,
    relation types, and per entry its text, links by relation and citations."""
    import socioaffective

    kb = socioaffective.load(root, strict=False, cache=False)
    if not kb.report.ok:
        raise RuntimeError(f"the framework at {root} has errors: {kb.report.errors[:3]}")
    out: dict[str, list] = {}
    for r in kb.relations():  # every link once, as written (kb.relations(id) also lists symmetric ones from the other end)
        out.setdefault(r.source, []).append(r)
    entries = []
    for e in kb.entries():
        links: dict[str, list[str]] = {}
        cites: list[str] = []
        for r in out.get(e.id, ()):
            if r.target in kb.references:
                cites.append(r.target)
            else:
                links.setdefault(r.name, []).append(r.target)
        p = e.provenance
        entries.append(
            {
                "id": e.id,
                "kind": e.kind,
                "title": e.title,
                "summary": e.summary,
                "description": e.description,
                "links": links,
                "cites": cites,
                "source": p.source if p else "",
                "grade": p.grade if p else "",
            }
        )
    used = {name for x in entries for name in x["links"]}
    relations = {
        name: {"outgoing": rt.label or name, "incoming": rt.inverse or f"{rt.label or name} (incoming)"}
        for name, rt in kb.schema.relations.items()
        if name in used
    }
    kinds = {k.name: {"title": k.label, "plural": k.plural, "color": k.color} for k in kb.schema.kinds.values() if any(x["kind"] == k.name for x in entries)}
    return {"entries": entries, "relations": relations, "kinds": kinds, "bib": root / "references.bib"}


def _flow(x: dict, by_id: dict) -> str:
    near = {x["id"]} | {t for ts in x["links"].values() for t in ts} | set(by_id[x["id"]]["_in"])
    cond = " or ".join(f"id == '{i}'" for i in sorted(near))
    return f"\n.. needflow::\n   :filter: {cond}\n"


def needs_project(items: dict, dest: Path, *, flow: bool = False) -> Path:
    """Write the sphinx-needs project of ``items`` (see the module docstring) into ``dest``."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    kinds, relations, entries = items["kinds"], items["relations"], items["entries"]
    types = [{"directive": k, "title": v["title"], "prefix": f"{k}-", "color": v["color"] or "#cccccc", "style": "node"} for k, v in kinds.items()]
    links = {name: {"outgoing": v["outgoing"], "incoming": v["incoming"]} for name, v in relations.items()}
    exts = ["sphinx_needs", "sphinxcontrib.bibtex"] + (["sphinx.ext.graphviz"] if flow else [])
    extra = (
        f"needs_types = {types!r}\n"
        f"needs_links = {links!r}\n"
        "needs_fields = {'source': {'nullable': True}, 'grade': {'nullable': True}}\n"
        "needs_id_required = True\n"
        "needs_id_regex = r'^[a-z0-9][a-z0-9-]*$'\n"
        "needs_show_link_type = True\n"
        "needs_show_link_title = True\n"
        "bibtex_bibfiles = ['references.bib']\n"
        "bibtex_reference_style = 'author_year'\n" + ("needs_flow_engine = 'graphviz'\n" if flow else "")
    )
    (dest / "conf.py").write_text(_conf(exts, extra), encoding="utf-8")
    shutil.copy2(items["bib"], dest / "references.bib")
    by_id = {x["id"]: {**x, "_in": []} for x in entries}
    for x in entries:
        for ts in x["links"].values():
            for t in ts:
                if t in by_id:
                    by_id[t]["_in"].append(x["id"])
    for x in entries:
        opts = [f"   :id: {x['id']}"]
        for name, ts in x["links"].items():
            opts.append(f"   :{name}: {', '.join(ts)}")
        opts.append(f"   :source: {rst_text(x['source'])}")
        opts.append(f"   :grade: {rst_text(x['grade'])}")
        cites = " ".join(f":cite:p:`{k}`" for k in x["cites"])
        body = (
            f"{_heading(x['title'])}\n.. {x['kind']}:: {rst_text(x['title'])}\n" + "\n".join(opts) + "\n\n"
            f"   {rst_text(x['summary'])}\n\n   {rst_text(x['description'])}\n\n   Sources: {cites}\n"
        )
        if flow:
            body += _flow(x, by_id)
        _write_entry(dest, x, body)
    _kind_pages(dest, kinds, lambda k: f".. needtable::\n   :types: {k}\n   :columns: id;title;type;outgoing\n   :style: table\n\n")
    (dest / "bibliography.rst").write_text(_heading("Bibliography") + "\n.. bibliography::\n   :all:\n", encoding="utf-8")
    _index(dest, kinds, bibliography=True)
    return dest


def floor_project(items: dict, dest: Path) -> Path:
    """The same pages as :func:`needs_project`, as plain reST: no extension, the same theme."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    (dest / "conf.py").write_text(_conf([]), encoding="utf-8")
    for x in items["entries"]:
        _write_entry(dest, x, f"{_heading(x['title'])}\n{rst_text(x['summary'])}\n\n{rst_text(x['description'])}\n")
    _kind_pages(dest, items["kinds"], lambda k: "")
    (dest / "bibliography.rst").write_text(_heading("Bibliography") + "\nThe works the entries cite.\n", encoding="utf-8")
    _index(dest, items["kinds"], bibliography=True)
    return dest


def _write_entry(dest: Path, x: dict, body: str) -> None:
    path = dest / x["kind"] / f"{x['id']}.rst"
    path.parent.mkdir(exist_ok=True)
    path.write_text(body, encoding="utf-8")


def _kind_pages(dest: Path, kinds: dict, table) -> None:
    for k, v in kinds.items():
        (dest / k).mkdir(exist_ok=True)
        (dest / k / "index.rst").write_text(_heading(v["plural"]) + "\n" + table(k) + ".. toctree::\n   :hidden:\n   :glob:\n\n   *\n", encoding="utf-8")


def _index(dest: Path, kinds: dict, bibliography: bool) -> None:
    toc = "\n".join(f"   {k}/index" for k in kinds) + ("\n   bibliography" if bibliography else "")
    (dest / "index.rst").write_text(_heading("Synthetic framework") + "\n.. toctree::\n   :maxdepth: 1\n\n" + toc + "\n", encoding="utf-8")


def edit_need(project: Path, items: dict, entry_id: str) -> None:
    """Change ``entry_id``'s description in a peer project (as book.edit_one_description does in ours)."""
    x = next(e for e in items["entries"] if e["id"] == entry_id)
    path = project / x["kind"] / f"{entry_id}.rst"
    text = path.read_text(encoding="utf-8")
    old = rst_text(x["description"])
    if old not in text:
        raise RuntimeError(f"cannot find the description of {entry_id} in {path}")
    path.write_text(text.replace(old, f"An edited description for the rebuild benchmark, {time.time_ns()}.", 1), encoding="utf-8")


# ---------------------------------------------------------------------------
# building


def sphinx_build(project: Path, *, full: bool = True, timeout: float = 1800) -> dict:
    """``sphinx-build -b html`` of ``project`` into ``project/_build/html`` (``full``: from nothing)."""
    out = project / "_build" / "html"
    if full:
        shutil.rmtree(project / "_build", ignore_errors=True)
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", str(project), str(out)]
    load = load_avg()
    cpu0 = ourbook._children_cpu()
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=project)
    seconds = time.perf_counter() - t
    cpu = ourbook._children_cpu() - cpu0
    log = proc.stdout + proc.stderr
    if proc.returncode != 0 or not (out / "index.html").exists():
        raise RuntimeError(f"sphinx-build failed in {project} (exit {proc.returncode}):\n{log[-3000:]}")
    return {
        "seconds": seconds,
        "cpu": cpu,
        "warnings": len(re.findall(r"WARNING", log)),
        "load": load,
        "warning_lines": [line for line in log.splitlines() if "WARNING" in line][:5],
    }


def _our_build(book: Path, full: bool = True) -> dict:
    load = load_avg()
    r = ourbook.build(book, full=full)
    return {**r, "load": load}


def html_pages(project: Path) -> list[Path]:
    return ourbook.html_pages(project)


def _rebuild(project: Path, build, edit) -> dict:
    before = {p: p.stat().st_mtime_ns for p in html_pages(project)}
    edited = edit()
    time.sleep(0.01)
    b = build()
    rewritten = [p for p in html_pages(project) if before.get(p) != p.stat().st_mtime_ns]
    return {**b, "edited": edited, "rewritten": len(rewritten), "pages": len(before)}


def needs_in_html(project: Path) -> dict[str, dict]:
    """The needs a built sphinx-needs project shows: id -> ``{"page", "links"}``,
    ``links`` being the (link type, target id) pairs its table links to
    (outgoing and incoming rows alike: both carry the link type's name)."""
    html = project / "_build" / "html"
    out: dict[str, dict] = {}
    for page in html.rglob("*.html"):
        if "_static" in page.parts:
            continue
        text = page.read_text(encoding="utf-8", errors="replace")
        for m in _NEED_TABLE.finditer(text):
            end = text.find("</table>", m.end())
            block = text[m.end() : end]
            links = {(kind, t) for kind, span in _LINK_SPAN.findall(block) for t in _HREF_ID.findall(span)}
            out[m.group(1)] = {"page": page.relative_to(html).as_posix(), "links": links}
    return out


_NEED_TABLE = re.compile(r'<table class="need [^"]*" id="([^"]+)">')
_LINK_SPAN = re.compile(r'<span class="([a-z_]+)"><span>(.*?)</span></span></div>', re.S)
_HREF_ID = re.compile(r'href="[^"]*#([^"]+)"')


# ---------------------------------------------------------------------------
# everything


def run(tmp: Path, n: int = 300, repeat: int = 2, *, flow: bool = False, log=print) -> tuple[list[dict], dict]:
    """Build ours, the sphinx-needs project and the floor of an ``n``-entry framework
    (``repeat`` interleaved rounds), then rebuild each after one edit; return the
    figures and the raw data."""
    from .generate import generate

    version = peer_version()
    if version is None:
        raise RuntimeError(f"{PEER} is not installed: pip install -e '.[bench]'")
    tmp = Path(tmp)
    fw = tmp / f"peer-framework-{n}"
    if fw.exists():
        shutil.rmtree(fw)
    info = generate(fw, n)
    items = framework_items(fw)
    ours = ourbook.copy_book(tmp / f"peer-ours-{n}", fw)
    needs = needs_project(items, tmp / f"peer-needs-{n}")
    floor = floor_project(items, tmp / f"peer-floor-{n}")
    variants = {
        "ours": lambda full=True: _our_build(ours, full),
        "needs": lambda full=True: sphinx_build(needs, full=full),
        "floor": lambda full=True: sphinx_build(floor, full=full),
    }
    dirs = {"ours": ours, "needs": needs, "floor": floor}
    if flow:
        needs_flow = needs_project(items, tmp / f"peer-needs-flow-{n}", flow=True)
        variants["needs-flow"] = lambda full=True: sphinx_build(needs_flow, full=full)
        dirs["needs-flow"] = needs_flow
    runs: dict[str, list[dict]] = {k: [] for k in variants}
    for i in range(max(1, repeat)):
        for name, b in variants.items():
            log(f"peer comparison, {n:,} entries: full build {i + 1}/{repeat} of {name} ...")
            runs[name].append(b())
    pages = {k: len(html_pages(d)) for k, d in dirs.items()}
    shown = needs_in_html(needs)
    # the rebuild: the entry book.py edits (fewest links), edited the same way in every project
    edited: dict = {}

    def edit_ours():
        edited["id"] = ourbook.edit_one_description(ours)
        return edited["id"]

    rebuilds = {}
    log(f"peer comparison, {n:,} entries: rebuilds after one edit ...")
    rebuilds["ours"] = _rebuild(ours, lambda: _our_build(ours, full=False), edit_ours)
    for name in [k for k in variants if k != "ours"]:
        d = dirs[name]
        rebuilds[name] = _rebuild(d, lambda name=name: variants[name](full=False), lambda d=d: (edit_need(d, items, edited["id"]), edited["id"])[1])
    raw = {
        "entries": n,
        "generated": info,
        "peer": f"{PEER} {version}",
        "repeat": repeat,
        "pages": pages,
        "needs_shown": len(shown),
        "links": sum(len(ts) for x in items["entries"] for ts in x["links"].values()),
        "citations": sum(len(x["cites"]) for x in items["entries"]),
        "full": {
            k: {"seconds": stat([r["seconds"] for r in v]), "cpu": stat([r["cpu"] for r in v]), "load": [r["load"] for r in v], "warnings": v[-1]["warnings"]}
            for k, v in runs.items()
        },
        "rebuild": {k: {key: v[key] for key in ("seconds", "cpu", "load", "warnings", "edited", "rewritten", "pages")} for k, v in rebuilds.items()},
        "warning_lines": {k: v[-1].get("warning_lines", []) for k, v in runs.items() if k != "ours"},
    }
    return figures(raw), raw


def figures(raw: dict) -> list[dict]:
    """The rows of the Performance page from :func:`run`'s raw data. Values are CPU
    seconds of the build's processes (steady on a shared machine); wall clock and
    the 1-minute load before each build are in the notes."""
    from . import report

    F = report.figure
    n, version, pages, shown = raw["entries"], raw["peer"], raw["pages"], raw["needs_shown"]
    full, rb = raw["full"], raw["rebuild"]

    def loads(*names, which=full):
        vals = [x for k in names for x in (which[k]["load"] if isinstance(which[k]["load"], list) else [which[k]["load"]]) if x is not None]
        return f"1-min load {min(vals):.1f}-{max(vals):.1f}" if vals else "load unknown"

    def wall(a, b, which=full):
        wa, wb = report.median(which[a]["seconds"]), report.median(which[b]["seconds"])
        return f"wall clock {wa:.1f} s vs {wb:.1f} s ({wa / wb:.2f}x)"

    figs = [
        F(
            f"peer-build-{n}",
            f"full build, {n:,} entries: ours / {version} without diagrams (CPU s; {pages['ours']} / {pages['needs']} pages)",
            full["ours"]["cpu"],
            "s",
            floor=full["needs"]["cpu"],
            floor_label=f"{version}, same items, links and citations",
            target="<= 1x",
            limit=1.0,
            note=f"{wall('ours', 'needs')}; {loads('ours', 'needs')}; {shown} needs shown; "
            f"warnings: ours {full['ours']['warnings']}, theirs {full['needs']['warnings']}",
        ),
        F(
            f"peer-floor-{n}",
            f"full build, {n:,} entries: ours / plain reST pages (CPU s; {pages['floor']} pages)",
            full["ours"]["cpu"],
            "s",
            floor=full["floor"]["cpu"],
            floor_label="Sphinx, plain reST, same theme",
            target="<= 2.5x",
            limit=2.5,
            note=f"{wall('ours', 'floor')}; {version.split()[0]} / plain pages: "
            f"{report.median(full['needs']['cpu']) / report.median(full['floor']['cpu']):.2f}x CPU; {loads('ours', 'floor')}",
        ),
        F(
            f"peer-rebuild-{n}",
            f"rebuild after editing one entry, {n:,} entries: ours / {version.split()[0]} (CPU s)",
            rb["ours"]["cpu"],
            "s",
            floor=rb["needs"]["cpu"],
            floor_label=f"{version.split()[0]}, incremental sphinx-build",
            target="<= 1x",
            limit=1.0,
            note=f"edited `{rb['ours']['edited']}`; pages rewritten: ours {rb['ours']['rewritten']} of {rb['ours']['pages']}, "
            f"theirs {rb['needs']['rewritten']} of {rb['needs']['pages']}; {wall('ours', 'needs', rb)}; "
            f"plain reST rebuild {rb['floor']['cpu']:.2f} s CPU; {loads('ours', 'needs', which=rb)}",
        ),
    ]
    if "needs-flow" in full:
        figs.insert(
            1,
            F(
                f"peer-build-flow-{n}",
                f"full build, {n:,} entries: ours / {version.split()[0]} with a needflow per item (CPU s)",
                full["ours"]["cpu"],
                "s",
                floor=full["needs-flow"]["cpu"],
                floor_label=f"{version}, a graphviz needflow per need",
                target="<= 1x",
                limit=1.0,
                note=f"{wall('ours', 'needs-flow')}; {loads('ours', 'needs-flow')}",
            ),
        )
    return figs


def run_sizes(tmp: Path, sizes, repeat: int = 2, *, flow: bool = False, log=print) -> dict:
    """:func:`run` for each size; the ``peer`` section of results.json."""
    from . import report

    started = time.perf_counter()
    section: dict = {"date": report.now(), "machine": report.machine(), "load_average_start": report.machine().get("load_average"), "sizes": {}, "figures": []}
    for n in sizes:
        try:
            figs, raw = run(Path(tmp), n, repeat, flow=flow, log=log)
            section["sizes"][str(n)] = raw
            section["figures"].extend(figs)
        except Exception as exc:  # noqa: BLE001 - reported, not hidden
            section["figures"].append(report.not_measured(f"peer-build-{n}", f"full build, {n:,} entries: ours / {PEER}", ourbook._reason(exc), target="<= 1x"))
    section["load_average_end"] = report.machine().get("load_average")
    section["elapsed_s"] = round(time.perf_counter() - started, 1)
    return section


def main(argv=None) -> int:
    """``python -m benchmarks.peer [--sizes 300] [--repeat 2] [--flow]``: merge the
    ``peer`` section into results.json (the other sections are kept)."""
    import argparse
    import tempfile

    from . import report

    ap = argparse.ArgumentParser(prog="python -m benchmarks.peer", description=main.__doc__)
    ap.add_argument("--sizes", default="300")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--flow", action="store_true", help="also a sphinx-needs project with a needflow per item (needs graphviz dot)")
    ap.add_argument("--out", default=str(report.RESULTS))
    ap.add_argument("--keep", default=None, help="keep the projects in this folder")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    tmp = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="socioaffective-peer-"))
    try:
        section = run_sizes(tmp, sizes, args.repeat, flow=args.flow, log=lambda m: print(m, file=sys.stderr, flush=True))
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    report.merge({"peer": section}, Path(args.out))
    print(report.table(section["figures"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
