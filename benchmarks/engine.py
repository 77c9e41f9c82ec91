"""Engine benchmarks: load, validate, graph, cache, memory and look-ups, each with its floor.

``measure(root, repeat)`` runs every engine measurement on one framework in
this process and returns plain data (see :func:`measure`). The runner calls
it through ``python -m benchmarks.engine ROOT --repeat N`` so that each size
starts in a fresh process: the peak memory of a process is only meaningful
for the first load in it, and one size must not warm the allocator for the
next.

Floors, measured in the same process on the same files:

- *parse floor*: ``yaml.load(bytes, Loader=yaml.CSafeLoader)`` of every
  entries file plus ``bibtexparser.parse_string`` of references.bib, with the
  cyclic garbage collector paused (the fastest way PyYAML can read them);
  ``naive`` is the same with the collector running, as most programs do.
- *memory floor*: the size of the Python objects ``yaml.load`` builds
  (``sys.getsizeof`` summed over every object reachable from the result).
- *look-up floor*: a dict look-up.

Every timed region ends with a young-generation collection
(``gc.collect(0)``), for the floor as for the engine: a loader that pauses the
collector leaves that one pass to whoever allocates next, and it is counted.
"""

from __future__ import annotations

import gc
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path


def stat(values: list[float]) -> dict:
    """Median, min, max and count of repeated measurements.

    >>> stat([3.0, 1.0, 2.0])
    {'median': 2.0, 'min': 1.0, 'max': 3.0, 'n': 3, 'runs': [3.0, 1.0, 2.0]}
    """
    vals = [float(v) for v in values]
    return {"median": statistics.median(vals), "min": min(vals), "max": max(vals), "n": len(vals), "runs": vals}


def _timed(fn):
    """``((wall seconds, CPU seconds), result)`` of ``fn()``, closing with the
    deferred young collection."""
    gc.collect()
    w0, c0 = time.perf_counter(), time.process_time()
    result = fn()
    gc.collect(0)
    return (time.perf_counter() - w0, time.process_time() - c0), result


class _Series:
    """Wall-clock and CPU times of repeated runs of one measurement."""

    def __init__(self):
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def add(self, times) -> None:
        self.wall.append(times[0])
        self.cpu.append(times[1])

    def put(self, result: dict, name: str) -> None:
        result[name] = stat(self.wall)
        result[name + "_cpu"] = stat(self.cpu)


def _rss_kib() -> int:
    """Current resident set size in KiB (Linux), else 0."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, ValueError, AttributeError):
        return 0


def _peak_rss_kib() -> int:
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak // 1024 if sys.platform == "darwin" else peak
    except Exception:  # pragma: no cover - not POSIX
        return 0


def deep_size(obj) -> int:
    """Bytes of every object reachable from ``obj`` (types, modules and functions excluded).

    >>> deep_size("abc") == sys.getsizeof("abc")
    True
    >>> deep_size(["abc", "abc"]) == sys.getsizeof(["abc", "abc"]) + sys.getsizeof("abc")
    True
    """
    import types

    skip = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType)
    seen: set[int] = set()
    total = 0
    stack = [obj]
    while stack:
        o = stack.pop()
        if id(o) in seen or isinstance(o, skip):
            continue
        seen.add(id(o))
        total += sys.getsizeof(o)
        if isinstance(o, (str, bytes, int, float, bool)) or o is None:
            continue
        if isinstance(o, dict):
            stack.extend(o.keys())
            stack.extend(o.values())
        elif isinstance(o, (list, tuple, set, frozenset)):
            stack.extend(o)
        else:
            stack.extend(gc.get_referents(o))
    return total


def _files(root: Path) -> tuple[list[Path], Path]:
    from socioaffective.loader import BIB_FILE, framework_files

    files, _ = framework_files(root)
    return files, root / BIB_FILE


def floor_parse(root: Path, *, paused: bool = True):
    """The parse floor: C-loader YAML of every entries file + bibtexparser of the bib."""
    import bibtexparser
    import yaml

    from socioaffective.yamlio import gc_paused

    files, bib = _files(root)

    def run():
        data = [yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader) for p in files]
        lib = bibtexparser.parse_string(bib.read_text(encoding="utf-8")) if bib.exists() else None
        return data, lib

    if paused:
        with gc_paused():
            return run()
    return run()


def cold_load(root: Path):
    """What the figure measures: load (parse + validate + build) and the graph, no cache."""
    import socioaffective

    kb = socioaffective.load(root, strict=False, cache=False)
    kb.graph  # noqa: B018 - built on first use
    return kb


def stages(root: Path) -> dict[str, float]:
    """One cold load split into its stages (CPU seconds), for the per-stage plot."""
    import importlib

    from socioaffective.problems import Report
    from socioaffective.schema import load_schema
    from socioaffective.yamlio import gc_paused

    loader = importlib.import_module("socioaffective.loader")
    bib = importlib.import_module("socioaffective.bib")
    validate = importlib.import_module("socioaffective.validate")
    kbmod = importlib.import_module("socioaffective.kb")
    graph = importlib.import_module("socioaffective.graph")

    out: dict[str, float] = {}
    gc.collect()
    with gc_paused():
        t = time.process_time()
        schema = load_schema(root / loader.FRAMEWORK_DIR / loader.SCHEMA_FILE, "framework/schema.yaml")
        records, problems = loader.read_records(root, schema)
        out["parse YAML"] = time.process_time() - t
        t = time.process_time()
        refs, bib_problems = bib.load_bib(root / loader.BIB_FILE)
        out["parse bib"] = time.process_time() - t
        t = time.process_time()
        checked = validate.check_records(schema, records, refs)
        out["validate"] = time.process_time() - t
        t = time.process_time()
        entries = validate.build_entries(schema, records)
        kb = kbmod.KnowledgeBase(root, schema, entries, refs, Report(problems + bib_problems + checked))
        out["build entries"] = time.process_time() - t
        t = time.process_time()
        graph.build_graph(kb)
        out["graph"] = time.process_time() - t
    return out


def lookups(kb, samples: int = 2000, seed: int = 7) -> dict:
    """Per-call times (s) of ``kb.related``, ``kb.entries(kind=...)`` and a dict look-up."""
    rng = random.Random(seed)
    ids = [e.id for e in kb]
    if not ids:
        return {}
    pick = [ids[rng.randrange(len(ids))] for _ in range(samples)]
    kinds = [k for k in kb.schema.kinds if kb.entries(k)] or list(kb.schema.kinds)
    table = {e.id: e for e in kb}
    pc = time.perf_counter_ns

    def per_call(fn, args):
        out = []
        for a in args:
            t = pc()
            fn(a)
            out.append((pc() - t) / 1e9)
        return out

    directions = ["out", "in", "both"]
    return {
        "related": stat(per_call(lambda i: kb.related(i), pick)),
        "related_both": stat(per_call(lambda i: kb.related(i, direction=directions[len(i) % 3]), pick)),
        "entries_kind": stat(per_call(lambda k: kb.entries(kind=k), [kinds[i % len(kinds)] for i in range(samples)])),
        "dict_lookup": stat(per_call(lambda i: table[i], pick)),
    }


def measure(root, repeat: int = 3, *, naive: bool = True, memory: bool = True) -> dict:
    """Every engine figure for the framework at ``root``, measured in this process.

    Returns ``{"entries", "references", "relations", "bytes", "peak_rss_kib",
    "cold", "floor", "floor_naive", "warm", "cold_with_write", "stages",
    "parsed_bytes", "lookups"}``; times are :func:`stat` dicts of wall-clock
    seconds, and each has a ``..._cpu`` twin with the process's CPU seconds
    (the same on an idle machine; far steadier on a shared one). Sizes are in
    bytes (``None`` where not measured).
    """
    import bibtexparser  # noqa: F401 - imported before the baseline, as the engine would
    import networkx  # noqa: F401
    import yaml  # noqa: F401

    import socioaffective
    import socioaffective.graph  # noqa: F401

    root = Path(root)
    files, bib = _files(root)
    size = sum(p.stat().st_size for p in files) + (bib.stat().st_size if bib.exists() else 0)
    result: dict = {"bytes": size}

    # 1. The first cold load in this fresh process: its time and the peak memory.
    gc.collect()
    base = _rss_kib()
    cold, floor, warm = _Series(), _Series(), _Series()
    t, kb = _timed(lambda: cold_load(root))
    result["peak_rss_kib"] = max(0, _peak_rss_kib() - base)
    cold.add(t)
    result["entries"] = len(kb)
    result["references"] = len(kb.references)
    result["relations"] = len(kb.relations())
    result["problems"] = len(kb.report.problems)
    result["lookups"] = lookups(kb)
    del kb
    gc.collect()

    # 2. Floor and engine, interleaved so that drift hits both alike.
    for i in range(repeat):
        t, data = _timed(lambda: floor_parse(root))
        floor.add(t)
        if i == 0 and memory:
            result["parsed_bytes"] = deep_size(data[0])
        del data
        gc.collect()
        if i:  # run 1 was the fresh-process run above
            t, kb = _timed(lambda: cold_load(root))
            cold.add(t)
            del kb
            gc.collect()
    if len(cold.wall) < repeat:
        t, kb = _timed(lambda: cold_load(root))
        cold.add(t)
        del kb
        gc.collect()
    cold.put(result, "cold")
    floor.put(result, "floor")
    result.setdefault("parsed_bytes", None)
    if naive:
        naive_s = _Series()
        t, data = _timed(lambda: floor_parse(root, paused=False))
        naive_s.add(t)
        del data
        gc.collect()
        naive_s.put(result, "floor_naive")
    else:
        result["floor_naive"] = result["floor_naive_cpu"] = None

    # 3. The warm load: an unchanged framework, from the content-hash cache.
    with tempfile.TemporaryDirectory(prefix="sa-bench-cache-") as cache_dir:
        old = os.environ.get("SOCIOAFFECTIVE_CACHE_DIR")
        os.environ["SOCIOAFFECTIVE_CACHE_DIR"] = cache_dir
        try:
            write = _Series()
            t, kb = _timed(lambda: socioaffective.load(root, strict=False, cache=True))
            write.add(t)
            write.put(result, "cold_with_write")
            del kb
            for _ in range(repeat):
                gc.collect()
                t, kb = _timed(lambda: socioaffective.load(root, strict=False, cache=True))
                warm.add(t)
                del kb
            warm.put(result, "warm")
        finally:
            if old is None:
                os.environ.pop("SOCIOAFFECTIVE_CACHE_DIR", None)
            else:
                os.environ["SOCIOAFFECTIVE_CACHE_DIR"] = old

    # 4. Stages of one more cold load, for the plot.
    result["stages"] = stages(root)
    gc.collect()
    return result


def measure_in_child(root, repeat: int = 3, *, naive: bool = True, timeout: float = 1800) -> dict:
    """:func:`measure` in a fresh Python process (see the module docstring)."""
    import subprocess

    cmd = [sys.executable, "-m", "benchmarks.engine", str(root), "--repeat", str(repeat)]
    if not naive:
        cmd.append("--no-naive")
    here = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(here) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=here, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"engine benchmark failed for {root}:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


FLOOR_YAML = "import sys, yaml\nfor p in sys.argv[1:]:\n    if p.endswith('.yaml'):\n        yaml.load(open(p, 'rb').read(), Loader=yaml.CSafeLoader)\n"
FLOOR_YAML_BIB = FLOOR_YAML + (
    "import bibtexparser\nfor p in sys.argv[1:]:\n    if p.endswith('.bib'):\n        bibtexparser.parse_string(open(p, encoding='utf-8').read())\n"
)


def validate_cli(root=None, repeat: int = 5) -> dict:
    """``socioaffective validate`` in fresh processes (cold cache, then warm), against
    ``python`` parsing the same files: the YAML with PyYAML's C loader (``floor``), and
    also references.bib with bibtexparser, the library the validator reads it with
    (``floor_bib``); and the heavy modules the command imports.

    Each figure is the CPU time (user + system) of the child process, which machine
    load changes less than wall time; ``*_wall`` are the wall times of the same runs."""
    import resource
    import subprocess

    import socioaffective

    root = Path(root) if root else socioaffective.default_root()
    here = Path(__file__).resolve().parent.parent
    files = [str(p) for p in sorted((root / "framework").glob("*.yaml"))] + [str(p) for p in sorted(root.glob("*.bib"))]

    def run(cmd, env):
        r0, t = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=here)
        wall, r1 = time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN)
        return (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime), wall, proc

    out: dict = {}
    with tempfile.TemporaryDirectory(prefix="sa-bench-cli-") as cache_dir:
        env = {**os.environ, "SOCIOAFFECTIVE_CACHE_DIR": cache_dir}
        series: dict[str, list[float]] = {k: [] for k in ("floor", "floor_bib", "cold_cache", "warm_cache", "cold_cache_wall", "warm_cache_wall")}
        cmd = [sys.executable, "-m", "socioaffective", "validate", str(root)]
        for _ in range(repeat):  # interleaved: load hits all alike
            for name, code in (("floor", FLOOR_YAML), ("floor_bib", FLOOR_YAML_BIB)):
                cpu, _wall, proc = run([sys.executable, "-c", code, *files], env)
                if proc.returncode != 0:
                    raise RuntimeError(f"the parse floor failed: {proc.stderr[-2000:]}")
                series[name].append(cpu)
            for p in Path(cache_dir).glob("*"):
                p.unlink()
            cpu, wall, proc = run(cmd, env)
            if proc.returncode not in (0, 1):
                raise RuntimeError(f"`socioaffective validate` failed: {proc.stderr[-2000:]}")
            series["cold_cache"].append(cpu)
            series["cold_cache_wall"].append(wall)
            cpu, wall, _proc = run(cmd, env)
            series["warm_cache"].append(cpu)
            series["warm_cache_wall"].append(wall)
        for name, values in series.items():
            out[name] = stat(values)
        probe = (
            "import sys\n"
            "from socioaffective.cli import cli\n"
            "try:\n"
            f"    cli.main(['validate', {str(root)!r}], standalone_mode=True)\n"
            "except SystemExit:\n"
            "    pass\n"
            "heavy = ['networkx', 'rdflib', 'sphinx', 'numpy', 'scipy', 'pyvis', 'docutils', 'matplotlib']\n"
            "print('HEAVY:' + ','.join(m for m in heavy if m in sys.modules))\n"
        )
        for label in ("heavy_cold", "heavy_warm"):
            if label == "heavy_cold":
                for p in Path(cache_dir).glob("*"):
                    p.unlink()
            _, _, proc = run([sys.executable, "-c", probe], env)
            marks = [line for line in proc.stdout.splitlines() if line.startswith("HEAVY:")]
            if not marks:
                raise RuntimeError(f"the import probe failed: {proc.stderr[-2000:]}")
            out[label] = [m for m in marks[-1][len("HEAVY:") :].split(",") if m]
    return out


def main(argv=None) -> None:
    import argparse

    ap = argparse.ArgumentParser(description="Engine benchmarks on one framework (prints JSON).")
    ap.add_argument("root")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-naive", action="store_true", help="skip the floor with the collector running")
    args = ap.parse_args(argv)
    print(json.dumps(measure(args.root, args.repeat, naive=not args.no_naive)))


if __name__ == "__main__":
    main()
