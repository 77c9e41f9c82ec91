"""Build the in-browser Python console (JupyterLite) of the web book.

    python lite/build.py requirements          # the build tools to pip-install (from pins.toml)
    python lite/build.py build [--output-dir DIR] [--cache-dir DIR]
    python lite/build.py check DIR             # refuse a site that would load anything from outside

``build`` assembles, from the versions pinned in ``lite/pins.toml`` only:

1. Pyodide's core files from the npm package ``pyodide`` (``npm pack``), at the
   exact version the installed kernel expects;
2. pure-Python wheels from PyPI (``pip download --platform any``), a pure
   PyYAML wheel built from its sdist, and socioaffective's own wheel built from
   this checkout (with ``framework/`` and ``references.bib`` inside);
3. a new ``pyodide-lock.json`` listing exactly those wheels with their real
   sha256 and their dependencies (read from each wheel's metadata: a required
   dependency missing from the pins is a build error);
4. ``jupyter lite build`` with the REPL and the notebook apps and the starter
   notebook, into ``_build/html/lite`` by default;

then runs ``check``: every URL in the site's configuration and lock files is
relative (nothing from a CDN). Downloads are kept in ``--cache-dir`` (default
``.cache/lite``) and reused. The site works over HTTP, not from ``file://``.
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PINS = HERE / "pins.toml"
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
#: what the kernel needs of Pyodide's npm package (no source maps, types or demo pages)
CORE_FILES = ("pyodide.mjs", "pyodide.js", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "package.json")


#: markers of the browser's Python, for reading wheels' dependencies
def _environment(python: str) -> dict[str, str]:
    return {
        "python_version": python,
        "python_full_version": python + ".0",
        "sys_platform": "emscripten",
        "platform_system": "Emscripten",
        "os_name": "posix",
        "platform_machine": "wasm32",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "extra": "",
    }


class BuildError(Exception):
    """A step of the lite build failed; the message says which and why."""


def load_pins(path: Path = PINS) -> dict:
    with open(path, "rb") as f:
        pins = tomllib.load(f)
    for section in ("build", "pyodide", "wheels", "sdist-wheels", "preload"):
        if section not in pins:
            raise BuildError(f"{path}: section [{section}] is missing")
    return pins


def requirements(pins: dict) -> list[str]:
    """The pip requirements of the build tools, exactly pinned."""
    return [f"{name}=={version}" for name, version in pins["build"].items()]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)
    except FileNotFoundError as exc:
        raise BuildError(f"{cmd[0]} is not installed: {exc}") from None
    except subprocess.CalledProcessError as exc:
        raise BuildError(f"{' '.join(cmd)} failed:\n{exc.stdout}\n{exc.stderr}") from None


# -- 1. Pyodide's core -------------------------------------------------------


def check_kernel_version(pins: dict) -> None:
    try:
        from jupyterlite_pyodide_kernel import constants
    except ImportError:
        raise BuildError("jupyterlite-pyodide-kernel is not installed: run `make lite` (it installs the pinned build tools)") from None
    if constants.PYODIDE_VERSION != pins["pyodide"]["version"]:
        raise BuildError(
            f"pins.toml asks for Pyodide {pins['pyodide']['version']} but jupyterlite-pyodide-kernel "
            f"{pins['build']['jupyterlite-pyodide-kernel']} expects {constants.PYODIDE_VERSION}: pin the same version"
        )


def fetch_pyodide(pins: dict, cache: Path) -> Path:
    """The npm package ``pyodide`` unpacked into the cache; returns its folder."""
    version = pins["pyodide"]["version"]
    dest = cache / f"pyodide-{version}"
    if (dest / "package" / "pyodide.mjs").is_file():
        return dest / "package"
    if shutil.which("npm") is None:
        raise BuildError("npm is needed to fetch Pyodide's core (apt-get install -y npm); make test installs it as root")
    cache.mkdir(parents=True, exist_ok=True)
    out = _run(["npm", "pack", f"pyodide@{version}", "--pack-destination", str(cache), "--silent"], cwd=cache)
    tgz = cache / out.stdout.strip().splitlines()[-1]
    tmp = Path(tempfile.mkdtemp(dir=cache))
    with tarfile.open(tgz) as tar:
        tar.extractall(tmp, filter="data")
    shutil.rmtree(dest, ignore_errors=True)
    tmp.rename(dest)
    tgz.unlink()
    return dest / "package"


# -- 2. Wheels ---------------------------------------------------------------


def _pip(*args: str) -> None:
    _run([sys.executable, "-m", "pip", "--disable-pip-version-check", *args])


def fetch_wheels(pins: dict, cache: Path) -> list[Path]:
    """The pinned pure wheels from PyPI, downloaded once into the cache."""
    wheels_dir = cache / "wheels"
    wheels_dir.mkdir(parents=True, exist_ok=True)
    found = []
    for name, version in pins["wheels"].items():
        have = _find_wheel(wheels_dir, name, version)
        if have is None:
            _pip(
                "download",
                "--quiet",
                "--no-deps",
                "--only-binary=:all:",
                "--python-version",
                pins["pyodide"]["python"],
                "--platform",
                "any",
                "--implementation",
                "py",
                "--abi",
                "none",
                "-d",
                str(wheels_dir),
                f"{name}=={version}",
            )
            have = _find_wheel(wheels_dir, name, version)
        if have is None or not have.name.endswith("-none-any.whl"):
            raise BuildError(f"no pure-Python wheel of {name} {version} on PyPI")
        found.append(have)
    return found


def _find_wheel(folder: Path, name: str, version: str) -> Path | None:
    for whl in folder.glob("*.whl"):
        n, v = whl.name.split("-")[:2]
        if _norm(n) == _norm(name) and v == version:
            return whl
    return None


def build_sdist_wheels(pins: dict, cache: Path) -> list[Path]:
    """Pure wheels made from sdists (PyYAML: its ``lib/yaml`` without libyaml)."""
    out = []
    for name, version in pins["sdist-wheels"].items():
        if _norm(name) != "pyyaml":
            raise BuildError(f"[sdist-wheels] knows how to build pyyaml only, not {name}")
        out.append(_pyyaml_wheel(version, cache))
    return out


def _pyyaml_wheel(version: str, cache: Path) -> Path:
    target = cache / "built" / f"pyyaml-{version}-py3-none-any.whl"
    if target.is_file():
        return target
    sdists = cache / "sdists"
    sdists.mkdir(parents=True, exist_ok=True)
    _pip("download", "--quiet", "--no-deps", "--no-binary=:all:", "-d", str(sdists), f"pyyaml=={version}")
    sdist = next(p for p in sdists.glob("*.tar.gz") if p.name.lower().startswith(f"pyyaml-{version}"))
    files: dict[str, bytes] = {}
    licence = b""
    with tarfile.open(sdist) as tar:
        for member in tar.getmembers():
            parts = member.name.split("/")
            if member.isfile() and parts[1:3] == ["lib", "yaml"] and member.name.endswith(".py"):
                files["yaml/" + "/".join(parts[3:])] = tar.extractfile(member).read()
            elif member.isfile() and parts[1:] == ["LICENSE"]:
                licence = tar.extractfile(member).read()
    if "yaml/__init__.py" not in files:
        raise BuildError(f"{sdist.name} has no lib/yaml/__init__.py")
    info = f"PyYAML-{version}.dist-info"
    files[f"{info}/METADATA"] = (
        f"Metadata-Version: 2.1\nName: PyYAML\nVersion: {version}\nSummary: YAML parser and emitter for Python "
        f"(pure-Python build of the sdist, for Pyodide)\nLicense: MIT\nRequires-Python: >=3.8\n"
    ).encode()
    files[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: socioaffective lite/build.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    files[f"{info}/top_level.txt"] = b"yaml\n"
    files[f"{info}/LICENSE"] = licence
    target.parent.mkdir(parents=True, exist_ok=True)
    _write_wheel(target, files, info)
    return target


def _write_wheel(target: Path, files: dict[str, bytes], info: str) -> None:
    """A wheel (zip) of ``files`` with a RECORD, byte-identical for the same input."""
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for name, data in sorted(files.items()):
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        writer.writerow([name, f"sha256={digest}", len(data)])
    writer.writerow([f"{info}/RECORD", "", ""])
    files = {**files, f"{info}/RECORD": record.getvalue().encode()}
    tmp = target.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in sorted(files.items()):
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)
    tmp.replace(target)


def build_own_wheel(cache: Path) -> Path:
    """socioaffective's wheel from this checkout (framework and bib inside)."""
    out = cache / "own"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    _pip("wheel", "--quiet", "--no-deps", "-w", str(out), str(ROOT))
    wheels = list(out.glob("socioaffective-*-py3-none-any.whl"))
    if len(wheels) != 1:
        raise BuildError(f"building socioaffective's wheel gave {[w.name for w in out.iterdir()]}")
    with zipfile.ZipFile(wheels[0]) as z:
        if "socioaffective/data/framework/schema.yaml" not in z.namelist():
            raise BuildError("socioaffective's wheel has no framework data (socioaffective/data/framework/schema.yaml)")
    return wheels[0]


# -- 3. The lock -------------------------------------------------------------


def wheel_record(whl: Path, python: str) -> dict:
    """Name, version, imports and dependencies of a wheel, from its metadata."""
    from packaging.requirements import Requirement

    with zipfile.ZipFile(whl) as z:
        names = z.namelist()
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = Parser().parsestr(z.read(meta_name).decode("utf-8"))
    env = _environment(python)
    depends = []
    for spec in meta.get_all("Requires-Dist") or []:
        req = Requirement(spec)
        if req.marker is None or req.marker.evaluate(env):
            depends.append(_norm(req.name))
    imports = sorted(
        {n.split("/")[0].removesuffix(".py") for n in names if not n.split("/")[0].endswith((".dist-info", ".data")) and (n.endswith(".py") or "/" in n)}
    )
    return {
        "name": _norm(meta["Name"]),
        "version": meta["Version"],
        "file_name": whl.name,
        "install_dir": "site",
        "sha256": hashlib.sha256(whl.read_bytes()).hexdigest(),
        "package_type": "package",
        "imports": imports,
        "depends": sorted(set(depends)),
        "unvendored_tests": False,
        "shared_library": False,
    }


def make_lock(core_lock: dict, wheels: list[Path], python: str) -> dict:
    """A pyodide-lock.json with Pyodide's ``info`` and exactly ``wheels``."""
    packages = {}
    for whl in wheels:
        rec = wheel_record(whl, python)
        packages[rec["name"]] = rec
    missing = sorted({(name, dep) for name, rec in packages.items() for dep in rec["depends"] if dep not in packages})
    if missing:
        raise BuildError("required dependencies missing from lite/pins.toml [wheels]: " + ", ".join(f"{dep} (needed by {name})" for name, dep in missing))
    return {"info": core_lock["info"], "packages": dict(sorted(packages.items()))}


# -- 4. The site -------------------------------------------------------------


def lay_out(pins: dict, core: Path, wheels: list[Path], lite_dir: Path) -> None:
    """The JupyterLite source folder: static/pyodide (core, wheels, lock) and jupyter-lite.json."""
    pyodide = lite_dir / "static" / "pyodide"
    pyodide.mkdir(parents=True)
    for name in CORE_FILES:
        shutil.copy2(core / name, pyodide / name)
    for whl in wheels:
        shutil.copy2(whl, pyodide / whl.name)
    core_lock = json.loads((core / "pyodide-lock.json").read_text(encoding="utf-8"))
    lock = make_lock(core_lock, wheels, pins["pyodide"]["python"])
    (pyodide / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    preload = ["micropip", *(_norm(p) for p in pins["preload"]["packages"]), "socioaffective"]
    unknown = [p for p in preload if p not in lock["packages"]]
    if unknown:
        raise BuildError(f"[preload] names packages that are not in the lock: {unknown}")
    config = {
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            "appName": "socioaffective console",
            "disabledExtensions": ["@jupyterlite/application-extension:announcements"],
            "litePluginSettings": {
                KERNEL_PLUGIN: {
                    "pyodideUrl": "./static/pyodide/pyodide.mjs",
                    "disablePyPIFallback": True,
                    "loadPyodideOptions": {"packages": preload},
                }
            },
        },
    }
    (lite_dir / "jupyter-lite.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")


def build(output_dir: Path, cache: Path) -> Path:
    pins = load_pins()
    check_kernel_version(pins)
    core = fetch_pyodide(pins, cache)
    wheels = [*fetch_wheels(pins, cache), *build_sdist_wheels(pins, cache), build_own_wheel(cache)]
    work = Path(tempfile.mkdtemp(prefix="lite-"))
    try:
        lite_dir = work / "src"
        lay_out(pins, core, wheels, lite_dir)
        if output_dir.exists():
            shutil.rmtree(output_dir)
        cmd = [
            sys.executable,
            "-m",
            "jupyterlite_core",
            "build",
            "--lite-dir",
            str(lite_dir),
            "--output-dir",
            str(output_dir),
            "--contents",
            str(HERE / "content"),
            "--apps",
            "repl",
            "--apps",
            "notebooks",
            "--apps",
            "lab",
            "--no-sourcemaps",
            "--no-unused-shared-packages",
            "--source-date-epoch",
            "315532800",
        ]
        _run(cmd, cwd=work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    problems = check(output_dir)
    if problems:
        raise BuildError("the lite site would load from outside itself:\n" + "\n".join(problems))
    return output_dir


# -- check -------------------------------------------------------------------

_URL = re.compile(r"\b(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s\"']*")


def check(site: Path) -> list[str]:
    """Every place in ``site`` that would make the browser load something from outside it.

    Reads every ``jupyter-lite.json``, ``pyodide-lock.json`` and piplite index
    (``pypi/all.json``): any absolute URL among the values is a problem; so is a
    kernel configuration that does not point at the site's own Pyodide, or
    one that leaves PyPI as a fallback.
    """
    problems = []
    configs = sorted(site.rglob("jupyter-lite.json"))
    if not configs:
        return [f"{site}: no jupyter-lite.json (not a JupyterLite site)"]
    found_kernel = False
    piplite_indexes = [p for p in site.rglob("all.json") if p.parent.name == "pypi"]
    for path in [*configs, *site.rglob("pyodide-lock.json"), *piplite_indexes]:
        data = json.loads(path.read_text(encoding="utf-8"))
        for where, value in _strings(data):
            if _URL.match(value) or value.startswith(("http:", "https:", "//")):
                problems.append(f"{path.relative_to(site)}: {where} = {value}")
        if path.name == "jupyter-lite.json":
            kernel = data.get("jupyter-config-data", {}).get("litePluginSettings", {}).get(KERNEL_PLUGIN)
            if kernel is not None:
                found_kernel = True
                if not str(kernel.get("pyodideUrl", "")).startswith("./"):
                    problems.append(f"{path.relative_to(site)}: pyodideUrl is not the site's own ({kernel.get('pyodideUrl')!r})")
                if kernel.get("disablePyPIFallback") is not True:
                    problems.append(f"{path.relative_to(site)}: disablePyPIFallback is not true (the kernel would ask PyPI)")
    if not found_kernel:
        problems.append("no jupyter-lite.json configures the Pyodide kernel: it would load Pyodide from its CDN")
    if not (site / "static" / "pyodide" / "pyodide.mjs").is_file():
        problems.append("static/pyodide/pyodide.mjs is missing")
    return problems


def _strings(data, where: str = ""):
    if isinstance(data, dict):
        for k, v in data.items():
            if k.startswith("$"):  # $schema, $id: names of schemas, never loaded
                continue
            yield from _strings(v, f"{where}.{k}" if where else str(k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _strings(v, f"{where}[{i}]")
    elif isinstance(data, str):
        yield where, data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lite/build.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("requirements", help="print the pinned build tools, one requirement a line")
    b = sub.add_parser("build", help="build the site")
    b.add_argument("--output-dir", type=Path, default=ROOT / "_build" / "html" / "lite")
    b.add_argument("--cache-dir", type=Path, default=ROOT / ".cache" / "lite")
    c = sub.add_parser("check", help="list what in a built site would load from outside it")
    c.add_argument("site", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "requirements":
            print("\n".join(requirements(load_pins())))
        elif args.command == "build":
            out = build(args.output_dir.resolve(), args.cache_dir.resolve())
            print(f"The console is in {out}; serve it over HTTP: python -m http.server -d {out.parent}")
        else:
            problems = check(args.site)
            for p in problems:
                print(p)
            return 1 if problems else 0
    except BuildError as exc:
        print(f"lite build: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
