"""Figures, targets, the printed table and results.json."""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.json"
FORMAT = 1


def median(v):
    """The median of a :func:`benchmarks.engine.stat` dict, or the number itself."""
    if isinstance(v, dict):
        return v.get("median")
    return v


def figure(id, name, value, unit, *, floor=None, floor_label="", target="", limit=None, against="floor", note="", met=None) -> dict:
    """One row of the table.

    ``limit`` checks the target: with ``against="floor"`` it bounds
    value/floor; with ``against="value"`` it bounds the value itself. ``met``
    may be given directly instead (e.g. for a list that must be empty).

    >>> f = figure("x", "x", {"median": 3.0}, "s", floor={"median": 2.0}, target="<= 1.5x floor", limit=1.5)
    >>> f["ratio"], f["met"]
    (1.5, True)
    """
    v, fl = median(value), median(floor)
    ratio = (v / fl) if isinstance(v, (int, float)) and isinstance(fl, (int, float)) and fl else None
    if met is None and limit is not None and v is not None:
        if against == "floor":
            met = ratio is not None and ratio <= limit
        else:
            met = v <= limit
    return {
        "id": id,
        "figure": name,
        "value": value,
        "unit": unit,
        "floor": floor,
        "floor_label": floor_label,
        "ratio": ratio,
        "target": target,
        "met": met,
        "note": note,
    }


def not_measured(id, name, reason: str, target: str = "", floor_label: str = "") -> dict:
    return {
        "id": id,
        "figure": name,
        "value": None,
        "unit": "",
        "floor": None,
        "floor_label": floor_label,
        "ratio": None,
        "target": target,
        "met": None,
        "note": f"not measured ({reason})",
    }


def fmt(v, unit: str) -> str:
    """A value for the table.

    >>> fmt({"median": 0.00042, "min": 0.0004, "max": 0.0005, "n": 3}, "s")
    '420.0 µs (400.0-500.0, n=3)'
    >>> fmt(2.5, "s"), fmt(5120, "KiB"), fmt(None, "s")
    ('2.50 s', '5.0 MiB', '-')
    """
    if v is None:
        return "-"
    if isinstance(v, dict):
        m, lo, hi, n = v["median"], v["min"], v["max"], v["n"]
        if n > 1:
            return f"{_one(m, unit)} ({_one(lo, unit, bare=True, like=m)}-{_one(hi, unit, bare=True, like=m)}, n={n})"
        return _one(m, unit)
    if isinstance(v, list):
        return ", ".join(map(str, v)) or "none"
    if isinstance(v, str):
        return v
    return _one(v, unit)


def _one(x: float, unit: str, bare: bool = False, like: float | None = None) -> str:
    ref = like if like is not None else x
    if unit == "s":
        if abs(ref) < 1e-3:
            s, u = f"{x * 1e6:.1f}", "µs"
        elif abs(ref) < 1:
            s, u = f"{x * 1e3:.2f}", "ms"
        else:
            s, u = f"{x:.2f}", "s"
    elif unit == "KiB":
        if abs(ref) >= 1024:
            s, u = f"{x / 1024:.1f}", "MiB"
        else:
            s, u = f"{x:.1f}", "KiB"
    elif unit == "x":
        s, u = f"{x:.2f}", "x"
    else:
        s, u = (f"{x:.3g}" if isinstance(x, float) else str(x)), unit
    return s if bare else f"{s} {u}".strip()


def table(figures: list[dict]) -> str:
    """The figures as a plain-text table (figure, value, floor, ratio, target, met)."""
    rows = [("figure", "value", "floor", "ratio", "target", "met?")]
    for f in figures:
        floor = fmt(f["floor"], f["unit"]) if f["floor"] is not None else (f["floor_label"] or "-")
        if f["floor"] is not None and f["floor_label"]:
            floor = f"{floor} [{f['floor_label']}]"
        met = {True: "yes", False: "NO", None: "-"}[f["met"]]
        value = fmt(f["value"], f["unit"]) if f["value"] is not None else f["note"] or "-"
        rows.append((f["figure"], value, floor, f"{f['ratio']:.2f}x" if f["ratio"] is not None else "-", f["target"] or "-", met))
    widths = [min(max(len(r[i]) for r in rows), 70) for i in range(6)]
    lines = []
    for j, r in enumerate(rows):
        lines.append("  ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip())
        if j == 0:
            lines.append("  ".join("-" * w for w in widths))
    notes = [f"- {f['figure']}: {f['note']}" for f in figures if f["note"] and f["value"] is not None]
    if notes:
        lines += ["", "Notes:"] + notes
    return "\n".join(lines)


def machine() -> dict:
    info = {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
    }
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    info["memory_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        pass
    return info


def versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("socioaffective", "pyyaml", "bibtexparser", "networkx", "numpy", "scipy", "sphinx", "jupyter-book", "pyvis", "playwright", "matplotlib"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    try:
        import yaml

        out["libyaml"] = bool(yaml.__with_libyaml__)
    except ImportError:
        pass
    return out


def now() -> str:
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat()


def write(results: dict, path: Path = RESULTS) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(results, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def load(path: Path = RESULTS) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def merge(sections: dict, path: Path = RESULTS) -> Path:
    """Write ``sections`` (top-level keys) into results.json, keeping every other section."""
    path = Path(path)
    results = load(path) if path.exists() else {"format": FORMAT}
    results.update(sections)
    return write(results, path)
