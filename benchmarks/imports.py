"""Import time of the CLI and ``socioaffective validate`` end to end, against their floors (issue 15).

- *import time*: ``python -X importtime -c "import socioaffective.cli"`` in
  fresh processes; for every module the smallest self time over the runs,
  summed (the noise of a shared machine only ever adds time, so the minimum
  per module is the best estimate of its cost). Floor: the same for
  ``import yaml, click``, the two libraries the command cannot do without.
  The modules ``validate`` imports (warm cache) are counted and the costliest
  listed.
- *validate end to end*: ``python -m socioaffective validate`` on the real
  framework in fresh processes, with a warm load cache and with the cache off,
  against the floor ``python`` + PyYAML's C loader parsing the same files
  (every ``framework/*.yaml``; ``references.bib`` has no C parser and is left
  out of the floor). Runs are interleaved (bare ``python``, floor, warm, no
  cache) so that drift hits all alike. The figures are CPU seconds of the
  child process (user + system: steadier than wall clock on a shared
  machine); wall clock is in the notes.

Every series records the 1-minute load average before it. Bytecode is
compiled first (``compileall``), as an installed package has it: with
``PYTHONDONTWRITEBYTECODE`` set every run would compile the package again.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .engine import stat

REPO = Path(__file__).resolve().parent.parent

_FLOOR = "import sys, yaml\nfor p in sys.argv[1:]:\n    with open(p, 'rb') as f:\n        yaml.load(f.read(), Loader=yaml.CSafeLoader)\n"


_TIME_CLI = (
    "import json, time\n"
    "c0, w0 = time.process_time(), time.perf_counter()\n"
    "import socioaffective.cli\n"
    "c1, w1 = time.process_time(), time.perf_counter()\n"
    "socioaffective.cli.cli.get_command(None, 'validate')\n"
    "c2 = time.process_time()\n"
    "print(json.dumps({'cpu': c1 - c0, 'wall': w1 - w0, 'validate_module': c2 - c1}))\n"
)
_TIME_FLOOR = (
    "import json, time\n"
    "c0, w0 = time.process_time(), time.perf_counter()\n"
    "import yaml, click\n"
    "print(json.dumps({'cpu': time.process_time() - c0, 'wall': time.perf_counter() - w0}))\n"
)


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")
    env.update(extra)
    return env


def _load() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except (OSError, AttributeError):  # pragma: no cover - not POSIX
        return None


def compile_bytecode() -> None:
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "socioaffective")], capture_output=True, env=_env(), cwd=REPO, timeout=300)


def _child(cmd: list[str], env: dict) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall s, CPU s, process) of one child run."""
    import resource

    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO, timeout=300)
    wall = time.perf_counter() - t
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime), proc


def parse_importtime(stderr: str) -> list[tuple[str, int, int]]:
    """``(module, self µs, cumulative µs)`` rows of ``-X importtime`` output.

    >>> parse_importtime("import time: self [us] | cumulative | imported package\\nimport time:       120 |        300 |   yaml")
    [('yaml', 120, 300)]
    """
    rows = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        try:
            head, cum, name = line[len("import time:") :].split("|", 2)
            rows.append((name.strip(), int(head), int(cum)))
        except ValueError:
            continue
    return rows


def import_profile(code: str, repeat: int, env: dict, args: tuple = ()) -> dict:
    """Per-module minimum self time of ``python -X importtime -c code`` over ``repeat`` runs."""
    best: dict[str, int] = {}
    totals = []
    for _ in range(repeat):
        _, _, proc = _child([sys.executable, "-X", "importtime", "-c", code, *args], env)
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"import probe failed: {proc.stderr[-2000:]}")
        rows = parse_importtime(proc.stderr)
        totals.append(sum(r[1] for r in rows) / 1e6)
        for name, self_us, _ in rows:
            best[name] = min(best.get(name, self_us), self_us)
    top = sorted(best.items(), key=lambda kv: -kv[1])[:8]
    unwanted = [n for n in best if n in UNWANTED or n.startswith(("socioaffective.export.", "socioaffective.render"))]
    return {
        "seconds": sum(best.values()) / 1e6,
        "modules": len(best),
        "per_run": stat(totals),
        "top": [(name, us / 1e6) for name, us in top],
        "unwanted": sorted(unwanted),
        "socioaffective_modules": sorted(n for n in best if n.split(".")[0] == "socioaffective"),
    }


#: Modules `validate` must not import (tests/test_imports.py checks the same).
UNWANTED = {
    "socioaffective.edit",
    "socioaffective.cli.edit",
    "socioaffective.cli.export",
    "socioaffective.cli.content",
    "socioaffective.cli.review",
    "socioaffective.review",
    "socioaffective._review_text",
    "socioaffective.jsonschema",
    "socioaffective.diff",
    "socioaffective.review_queue",
    "socioaffective.graph",
    "importlib.metadata",
}


def framework_yaml(root: Path) -> list[Path]:
    return sorted((root / "framework").glob("*.yaml"))


def measure(root: Path | None = None, repeat: int = 7) -> dict:
    """Every figure of this module, as plain data (see the module docstring)."""
    import socioaffective

    root = Path(root) if root else socioaffective.default_root()
    compile_bytecode()
    from . import report

    out: dict = {"load_average_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None, "root": str(root), "machine": report.machine()}
    with tempfile.TemporaryDirectory(prefix="sa-bench-imports-") as cache_dir:
        env = _env(SOCIOAFFECTIVE_CACHE_DIR=cache_dir)
        # import time: CPU time of the imports in a fresh process, the CLI against its floor
        out["load_imports"] = _load()
        series: dict[str, list[float]] = {"cli": [], "validate_module": [], "floor": [], "cli_wall": [], "floor_wall": []}
        for _ in range(repeat):
            for key, code in (("cli", _TIME_CLI), ("floor", _TIME_FLOOR)):
                _, _, proc = _child([sys.executable, "-c", code], env)
                if proc.returncode != 0:
                    raise RuntimeError(f"import probe failed: {proc.stderr[-2000:]}")
                got = json.loads(proc.stdout.strip().splitlines()[-1])
                series[key].append(got["cpu"])
                series[key + "_wall"].append(got["wall"])
                if key == "cli":
                    series["validate_module"].append(got["validate_module"])
        out["import_cpu"] = {k: stat(v) for k, v in series.items()}
        run_validate = (
            "import sys\nfrom socioaffective.cli import main\nsys.argv = ['socioaffective', 'validate', sys.argv[1]]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
        )
        _child([sys.executable, "-m", "socioaffective", "validate", str(root)], env)  # fill the load cache
        # which modules `validate` imports, and the costliest (importtime: wall clock, so per-module minimum)
        out["import_validate"] = import_profile(run_validate, min(repeat, 3), env, (str(root),))
        # end to end, interleaved
        files = [str(p) for p in framework_yaml(root)]
        cmds = {
            "python": ([sys.executable, "-c", "pass"], env),
            "floor": ([sys.executable, "-c", _FLOOR, *files], env),
            "warm": ([sys.executable, "-m", "socioaffective", "validate", str(root)], env),
            "no_cache": ([sys.executable, "-m", "socioaffective", "validate", str(root)], {**env, "SOCIOAFFECTIVE_CACHE": "0"}),
        }
        wall: dict[str, list[float]] = {k: [] for k in cmds}
        cpu: dict[str, list[float]] = {k: [] for k in cmds}
        loads = []
        for _ in range(repeat):
            loads.append(_load())
            for name, (cmd, e) in cmds.items():
                w, c, proc = _child(cmd, e)
                if proc.returncode != 0:
                    raise RuntimeError(f"{name}: exit {proc.returncode}: {proc.stderr[-2000:]}")
                wall[name].append(w)
                cpu[name].append(c)
        out["end_to_end"] = {k: {"wall": stat(wall[k]), "cpu": stat(cpu[k])} for k in cmds}
        out["load_end_to_end"] = loads
        out["files"] = len(files)
        out["bytes"] = sum(Path(f).stat().st_size for f in files)
    out["load_average_end"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    return out


def figures(r: dict) -> list[dict]:
    from . import report

    F = report.figure
    e = r["end_to_end"]
    lo = [x for x in r["load_end_to_end"] if x is not None]
    load = f"1-min load {min(lo):.1f}-{max(lo):.1f}" if lo else "load unknown"
    ic, iv = r["import_cpu"], r["import_validate"]
    top = ", ".join(f"{n} {s * 1e3:.1f} ms" for n, s in iv["top"][:5])
    sa = iv["socioaffective_modules"]
    figs = [
        F(
            "import-cli",
            "import time of `socioaffective.cli` (CPU s, fresh process)",
            ic["cli"],
            "s",
            floor=ic["floor"],
            floor_label="import yaml, click",
            note=f"then loading the `validate` command's module: {report.fmt(ic['validate_module'], 's')}; "
            f"wall clock {report.fmt(ic['cli_wall'], 's')} vs {report.fmt(ic['floor_wall'], 's')}; 1-min load {r['load_imports']}",
        ),
        F(
            "import-validate",
            "modules `socioaffective validate` imports (warm cache)",
            iv["modules"],
            "modules",
            note=f"{len(sa)} of them socioaffective's: {', '.join(m.split('.', 1)[-1] if '.' in m else m for m in sa)}; none of "
            f"edit, cli.edit, cli.export, cli.content, cli.review, review, export formats, importlib.metadata: "
            f"{'yes' if not iv['unwanted'] else 'NO: ' + ', '.join(iv['unwanted'])}; costliest by -X importtime (wall clock, "
            f"minimum of {iv['per_run']['n']} runs): {top}",
            met=not iv["unwanted"],
            target="only what validate uses",
        ),
    ]
    for key, label in (("warm", "warm load cache"), ("no_cache", "load cache off")):
        ratio_wall = report.median(e[key]["wall"]) / report.median(e["floor"]["wall"])
        figs.append(
            F(
                f"validate-e2e-{key.replace('_', '-')}",
                f"`socioaffective validate`, real framework, {label} (CPU s)",
                e[key]["cpu"],
                "s",
                floor=e["floor"]["cpu"],
                floor_label="python + C-loader parse of the same YAML files",
                target="<= 2x floor",
                limit=2.0,
                note=f"wall clock {report.fmt(e[key]['wall'], 's')} vs {report.fmt(e['floor']['wall'], 's')} ({ratio_wall:.2f}x); "
                f"bare python {report.fmt(e['python']['cpu'], 's')} CPU; {r['files']} files, {r['bytes'] / 1024:.0f} KiB; {load}",
            )
        )
    return figs


def main(argv=None) -> int:
    """``python -m benchmarks.imports [--repeat N]``: merge the ``imports`` section into results.json."""
    import argparse

    from . import report

    ap = argparse.ArgumentParser(prog="python -m benchmarks.imports", description=main.__doc__)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--out", default=str(report.RESULTS))
    args = ap.parse_args(argv)
    r = measure(repeat=args.repeat)
    r["date"] = report.now()
    r["figures"] = figures(r)
    report.merge({"imports": r}, Path(args.out))
    print(report.table(r["figures"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
