"""The in-browser Python console (JupyterLite) for real.

The session builds the lite site with ``lite/build.py`` exactly as ``make lite``
does (npm's Pyodide, PyPI's wheels, the lock written anew), serves it from
127.0.0.1, opens the REPL in Debian's Chromium with every other request
blocked, runs queries in the browser's Python and compares the answers with
the desktop API. The build's own guard (``check``) and lock writer are tested
on small made-up sites and wheels.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.parse
import zipfile
from pathlib import Path

import pytest

import socioaffective
from bookbuild import BIN, ROOT, Html, _run
from test_browser import serve


def _load_build_script():
    """lite/build.py as a module (by path: the name `build` is also PyPA's build tool)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("socioaffective_lite_build", ROOT / "lite" / "build.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


lite = _load_build_script()

SITE = ROOT / "_build" / "lite-test"
MARK = "SA-RESULT "


@pytest.fixture(scope="session")
def lite_site() -> Path:
    if shutil.which("npm") is None:
        pytest.fail("the lite console test needs npm (apt-get install -y npm; `make test` installs it as root)", pytrace=False)
    out = SITE / "lite"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "lite" / "build.py"), "build", "--output-dir", str(out), "--cache-dir", str(ROOT / ".cache" / "lite")],
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def _run_in_console(browser, site_root: Path, code: str, timeout_ms: int = 240_000) -> tuple[dict, list[str]]:
    """Run ``code`` in the lite REPL; returns the JSON it printed after MARK, and every request that left 127.0.0.1."""
    outside: list[str] = []
    with serve(site_root) as base:
        context = browser.new_context()
        try:

            def route(r):
                url = r.request.url
                if url.startswith((base, "data:", "blob:")):
                    r.continue_()
                else:
                    outside.append(url)
                    r.abort()

            context.route("**/*", route)
            page = context.new_page()
            page.goto(base + "lite/repl/index.html?kernel=python&code=" + urllib.parse.quote(code))
            page.wait_for_function(
                "(mark) => [...document.querySelectorAll('.jp-OutputArea-output')]"
                ".some(e => e.textContent.includes(mark) || e.textContent.includes('Traceback') || e.textContent.includes('Error'))",
                arg=MARK,
                timeout=timeout_ms,
            )
            text = "\n".join(e.text_content() for e in page.query_selector_all(".jp-OutputArea-output"))
            page.screenshot(path=str(ROOT / "_build" / "screenshots" / "lite-console.png"))
        finally:
            context.close()
    line = next((ln for ln in text.splitlines() if ln.startswith(MARK)), None)
    assert line is not None, f"the console printed no result:\n{text}"
    return json.loads(line[len(MARK) :]), outside


QUERY = """
import json, socioaffective
kb = socioaffective.load()
out = {
    "title": socioaffective.load().get('autonomy').title,
    "frustrated_by": [e.id for e in kb.related('autonomy', 'frustrates', direction='in')],
    "path": kb.path('sycophancy', 'autonomy'),
    "search": [e.id for e in kb.search('reward hacking')][:5],
    "nodes": kb.graph.number_of_nodes(),
    "ok": socioaffective.validate(kb).ok,
    "turtle": len(socioaffective.export(kb, 'turtle')) > 0,
}
print("SA-RESULT " + json.dumps(out))
"""


@pytest.mark.browser
def test_console_runs_the_api_offline_and_agrees_with_the_desktop(browser, lite_site):
    (ROOT / "_build" / "screenshots").mkdir(parents=True, exist_ok=True)
    got, outside = _run_in_console(browser, lite_site.parent, QUERY)
    kb = socioaffective.load(cache=False)
    assert got == {
        "title": kb.get("autonomy").title,
        "frustrated_by": [e.id for e in kb.related("autonomy", "frustrates", direction="in")],
        "path": kb.path("sycophancy", "autonomy"),
        "search": [e.id for e in kb.search("reward hacking")][:5],
        "nodes": kb.graph.number_of_nodes(),
        "ok": True,
        "turtle": True,
    }
    assert outside == [], f"the console asked for files outside the site: {outside}"


def test_built_site_is_self_contained(lite_site):
    assert lite.check(lite_site) == []
    lock = json.loads((lite_site / "static" / "pyodide" / "pyodide-lock.json").read_text())
    pins = lite.load_pins()
    assert lock["packages"]["socioaffective"]["version"] == socioaffective.__version__
    for name, version in pins["wheels"].items():
        rec = lock["packages"][lite._norm(name)]
        assert rec["version"] == version
        assert (lite_site / "static" / "pyodide" / rec["file_name"]).is_file()
    # the starter notebook is in the site's contents
    contents = json.loads((lite_site / "api" / "contents" / "all.json").read_text())
    assert "socioaffective.ipynb" in [c["name"] for c in contents["content"]]
    # the REPL and the notebook apps are there
    assert (lite_site / "repl" / "index.html").is_file() and (lite_site / "notebooks" / "index.html").is_file()


def _site(tmp_path: Path, kernel: dict | None) -> Path:
    site = tmp_path / "site"
    (site / "static" / "pyodide").mkdir(parents=True)
    (site / "static" / "pyodide" / "pyodide.mjs").write_text("")
    data = {"jupyter-config-data": {"litePluginSettings": {}}}
    if kernel is not None:
        data["jupyter-config-data"]["litePluginSettings"][lite.KERNEL_PLUGIN] = kernel
    (site / "jupyter-lite.json").write_text(json.dumps(data))
    return site


def test_check_accepts_a_local_kernel(tmp_path):
    site = _site(tmp_path, {"pyodideUrl": "./static/pyodide/pyodide.mjs", "disablePyPIFallback": True})
    assert lite.check(site) == []


@pytest.mark.parametrize(
    "kernel, expect",
    [
        (None, "load Pyodide from its CDN"),
        ({"pyodideUrl": "https://cdn.jsdelivr.net/pyodide/v314.0.6/full/pyodide.mjs", "disablePyPIFallback": True}, "cdn.jsdelivr.net"),
        ({"pyodideUrl": "./static/pyodide/pyodide.mjs"}, "disablePyPIFallback"),
        ({"pyodideUrl": "./static/pyodide/pyodide.mjs", "disablePyPIFallback": True, "pipliteUrls": ["//example.org/all.json"]}, "example.org"),
    ],
)
def test_check_refuses_anything_from_outside(tmp_path, kernel, expect):
    problems = lite.check(_site(tmp_path, kernel))
    assert any(expect in p for p in problems), problems


def test_check_reads_the_lock_too(tmp_path):
    site = _site(tmp_path, {"pyodideUrl": "./static/pyodide/pyodide.mjs", "disablePyPIFallback": True})
    lock = {"info": {}, "packages": {"x": {"file_name": "https://files.example.org/x-1-py3-none-any.whl"}}}
    (site / "static" / "pyodide" / "pyodide-lock.json").write_text(json.dumps(lock))
    assert any("files.example.org" in p for p in lite.check(site))


def _wheel(folder: Path, name: str, version: str, requires: list[str]) -> Path:
    whl = folder / f"{name}-{version}-py3-none-any.whl"
    meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n" + "".join(f"Requires-Dist: {r}\n" for r in requires)
    with zipfile.ZipFile(whl, "w") as z:
        z.writestr(f"{name}/__init__.py", "")
        z.writestr(f"{name}-{version}.dist-info/METADATA", meta)
    return whl


def test_lock_lists_wheels_with_real_hashes_and_marker_aware_dependencies(tmp_path):
    a = _wheel(tmp_path, "alpha", "1.0", ["beta>=2", 'pexpect; sys_platform != "emscripten"', "docs-tool; extra == 'doc'"])
    b = _wheel(tmp_path, "beta", "2.0", [])
    lock = lite.make_lock({"info": {"python": "3.14.2"}}, [a, b], "3.14")
    import hashlib

    assert lock["packages"]["alpha"]["depends"] == ["beta"]
    assert lock["packages"]["alpha"]["imports"] == ["alpha"]
    assert lock["packages"]["beta"]["sha256"] == hashlib.sha256(b.read_bytes()).hexdigest()
    assert lock["info"] == {"python": "3.14.2"}


def test_lock_refuses_a_missing_dependency(tmp_path):
    a = _wheel(tmp_path, "alpha", "1.0", ["gamma"])
    with pytest.raises(lite.BuildError, match=r"gamma \(needed by alpha\)"):
        lite.make_lock({"info": {}}, [a], "3.14")


def test_pinned_pyodide_is_the_kernels():
    from jupyterlite_pyodide_kernel import constants

    assert lite.load_pins()["pyodide"]["version"] == constants.PYODIDE_VERSION
    assert f"jupyterlite-pyodide-kernel=={lite.load_pins()['build']['jupyterlite-pyodide-kernel']}" in lite.requirements(lite.load_pins())


@pytest.fixture(scope="session")
def lite_book(lite_site, tmp_path_factory):
    """The real book built as `make lite` does: with the console copied in."""
    out = tmp_path_factory.mktemp("lite-book")
    cmd = [str(BIN / "jupyter-book"), "build", "--all", "--warningiserror", "--nitpick", "--keep-going", "--path-output", str(out), "."]
    rc, output, _ = _run(cmd, ROOT, env={"SOCIOAFFECTIVE_LITE_DIR": str(lite_site)})
    assert rc == 0, output[-3000:]
    return out / "_build" / "html"


def test_book_without_the_console_says_how_to_build_it(real_book):
    assert real_book.returncode == 0, real_book.output[-3000:]
    page = real_book.parsed("chapters/try.html")
    assert "built without the console" in page.text and "make lite" in page.text
    assert not [a for t, a in page.tags if t == "a" and "lite/" in a.get("href", "")]
    assert not (real_book.html / "lite").exists()


def test_a_named_but_missing_console_fails_the_book(tmp_path):
    """A book told to include a console that was never built stops with a warning saying how to build it."""
    cmd = [str(BIN / "jupyter-book"), "build", "--all", "--warningiserror", "--keep-going", "--path-output", str(tmp_path), "."]
    rc, output, _ = _run(cmd, ROOT, env={"SOCIOAFFECTIVE_LITE_DIR": str(tmp_path / "nothing-here")})
    assert rc != 0 and "make lite-site" in output


@pytest.mark.browser
def test_book_links_to_a_ready_console_that_answers(browser, lite_book):
    assert (lite_book / "lite" / "jupyter-lite.json").is_file()
    page_html = Html((lite_book / "chapters" / "try.html").read_text(encoding="utf-8"))
    hrefs = [a["href"] for t, a in page_html.tags if t == "a" and a.get("href", "").startswith("../lite/")]
    assert len(hrefs) == 5
    for href in hrefs:
        url = urllib.parse.urlsplit(href)
        assert (lite_book / "lite" / url.path.removeprefix("../lite/")).is_file(), href
        code = urllib.parse.parse_qs(url.query).get("code")
        if code:
            compile(code[0], href, "exec")  # the ready queries are valid Python
    kb = socioaffective.load(cache=False)
    want = str([e.id for e in kb.related("autonomy", "frustrates", direction="in")]).replace(" ", "")
    outside: list[str] = []
    with serve(lite_book) as base:
        context = browser.new_context()
        try:
            context.route(
                "**/*", lambda r: r.continue_() if r.request.url.startswith((base, "data:", "blob:", "file:")) else (outside.append(r.request.url), r.abort())
            )
            page = context.new_page()
            page.goto(base + "chapters/try.html")
            page.click("text=Ask it: what frustrates autonomy?")
            page.wait_for_function(
                # IPython may wrap a long list over lines: compare without white space
                "(want) => [...document.querySelectorAll('.jp-OutputArea-output')].some(e => e.textContent.replace(/\\s+/g, '').includes(want))",
                arg=want,
                timeout=240_000,
            )
            # the same page opened from disk says how to serve it and hides the links
            file_page = context.new_page()
            file_page.goto((lite_book / "chapters" / "try.html").as_uri())
            assert "python -m http.server" in file_page.inner_text("#sa-lite-status")
            assert file_page.locator("#sa-lite-links").is_hidden()
        finally:
            context.close()
    assert outside == [], outside
