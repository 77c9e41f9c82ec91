"""Build books for the tests: small fixture books with Sphinx, and the real book.

Builds run in a subprocess (as `make book` does), so Sphinx, MyST and
sphinxcontrib-bibtex start clean each time; the tests read the HTML written.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BIN = Path(sys.executable).parent

# `path:line: WARNING: message [type.subtype]` (Sphinx) and `... ERROR: ...`
WARNING_RE = re.compile(r"^(?P<where>.*?): (?P<level>WARNING|ERROR|CRITICAL|SEVERE): (?P<message>.*?)(?: \[(?P<type>[\w.-]+)\])?$")


@dataclass
class Build:
    """The result of one book build."""

    srcdir: Path
    html: Path
    returncode: int
    output: str
    seconds: float

    @property
    def warnings(self) -> list[str]:
        """Every warning/error line of the build log."""
        out = []
        for line in self.output.splitlines():
            line = re.sub(r"\x1b\[[0-9;]*m", "", line)
            if re.search(r"(WARNING|ERROR|CRITICAL|SEVERE):", line):
                out.append(line)
        return out

    def page(self, rel: str) -> str:
        return (self.html / rel).read_text(encoding="utf-8")

    def parsed(self, rel: str) -> Html:
        return Html(self.page(rel))

    def pages(self) -> list[Path]:
        return sorted(p for p in self.html.rglob("*.html") if "_static" not in p.parts or "graphs" in p.parts)


def _run(cmd: list[str], cwd: Path, env: dict | None = None, timeout: int = 900) -> tuple[int, str, float]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})
    return proc.returncode, proc.stdout + "\n" + proc.stderr, time.perf_counter() - start


# ---------------------------------------------------------------------------
# fixture books: a copy of a fixture framework plus a minimal conf.py / _toc.yml

CONF = f"""\
# Mirrors the real book's _config.yml where it matters (theme options, MyST
# extensions, bibtex style), without notebooks.
extensions = ["myst_parser", "sphinx_external_toc", "sphinx_design", "sphinxcontrib.bibtex", "socioaffective.sphinxext"]
external_toc_path = "_toc.yml"
external_toc_exclude_missing = True
root_doc = "index"
project = "fixture book"
author = "tests"
copyright = "2025"
exclude_patterns = ["_build", "framework", "tests", ".*"]
myst_enable_extensions = ["colon_fence", "deflist", "substitution"]
myst_url_schemes = ["mailto", "http", "https"]
bibtex_bibfiles = ["references.bib"]
bibtex_reference_style = "author_year"
bibtex_default_style = "plain"
html_theme = "sphinx_book_theme"
html_favicon = {str(ROOT / "chapters" / "images" / "favicon.svg")!r}
html_context = {{"default_mode": "auto"}}
html_theme_options = {{"max_navbar_depth": 1, "collapse_navbar": True, "show_navbar_depth": 1, "navbar_persistent": []}}
suppress_warnings = ["myst.domains"]
show_warning_types = True
"""

INDEX = """\
(fixture-index)=
# Fixture book

{socioaffective-count}`all` entries.

```{socioaffective-grades}
```

```{socioaffective-schema} kinds
```
"""

KIND_PAGE = """\
# {plural}

```{{socioaffective-list}} {kind}
```
"""

EXTRAS = {
    "explorer": "# Explorer\n\n```{socioaffective-graph}\n:caption: The whole fixture framework\n```\n",
    "matrices": (
        "# Matrices\n\n```{socioaffective-matrix} need principle supports\n:caption: Needs by principles\n```\n\n"
        "```{socioaffective-matrix} need risk frustrates\n```\n\n```{socioaffective-matrix} dilemma need engages\n```\n"
    ),
    "glossary": "# Glossary\n\n```{socioaffective-glossary}\n```\n",
    "schema": "# Schema\n\n```{socioaffective-schema} relations\n```\n\n```{socioaffective-schema} fields\n```\n",
    "bibliography": "# Bibliography\n\n```{bibliography}\n:all:\n```\n",
}


def directives_page(kb) -> str:
    """A page with every declared directive and role (book/registry.py) used once, from its example."""
    from socioaffective.book.registry import registry

    # an entry of a kind outside the glossary (its glossary example must not repeat the glossary page's terms)
    entry = next(e for e in kb.entries() if not kb.schema.kinds[e.kind].glossary)
    grade = next(iter(kb.schema.grades))
    out = ["# Every directive", ""]
    for decl in registry().values():
        example = decl.example.replace("ID", entry.id).replace("KIND", entry.kind).replace("GRADE", grade)
        out += [f"({decl.name}-example)=", f"## {decl.name}", "", example, ""]
    return "\n".join(out)


def make_fixture_book(fixture: Path, dest: Path, *, kinds: list[str] | None = None, theme: str = "sphinx_book_theme") -> Path:
    """A book in ``dest`` made of the fixture framework ``fixture`` and small pages.

    ``kinds`` limits the kinds that get a chapter (to test missing pages);
    ``theme="basic"`` builds faster where the theme does not matter.
    """
    import socioaffective

    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(fixture, dest)
    kb = socioaffective.load(dest, strict=False)
    conf = (
        CONF
        if theme == "sphinx_book_theme"
        else CONF.replace('html_theme = "sphinx_book_theme"', f"html_theme = {theme!r}").replace("html_theme_options =", "_unused_theme_options =")
    )
    (dest / "conf.py").write_text(conf, encoding="utf-8")
    (dest / "index.md").write_text(INDEX, encoding="utf-8")
    toc = ["format: jb-book", "root: index", "chapters:"]
    for kind in kb.schema.kinds.values():
        if kinds is not None and kind.name not in kinds:
            continue
        (dest / f"kind-{kind.name}.md").write_text(KIND_PAGE.format(plural=kind.plural, kind=kind.name), encoding="utf-8")
        toc.append(f"  - file: kind-{kind.name}")
        if kb.entries(kind.name):  # a glob that matches nothing is a warning
            toc += ["    sections:", f"      - glob: chapters/entries/{kind.name}/*"]
    for name, text in {**EXTRAS, "directives": directives_page(kb)}.items():
        (dest / f"{name}.md").write_text(text, encoding="utf-8")
        toc.append(f"  - file: {name}")
    (dest / "_toc.yml").write_text("\n".join(toc) + "\n", encoding="utf-8")
    return dest


def sphinx_build(srcdir: Path, outdir: Path | None = None, *, strict: bool = True, fresh: bool = True, extra: list[str] | None = None) -> Build:
    """``sphinx-build -b html`` (``-W --keep-going -n`` when strict) in a subprocess."""
    outdir = outdir or srcdir / "_build"
    cmd = [str(BIN / "python"), "-m", "sphinx", "-b", "html", "-d", str(outdir / "doctrees")]
    if strict:
        cmd += ["-W", "--keep-going", "-n"]
    if fresh:
        cmd += ["-E", "-a"]
    cmd += (extra or []) + [str(srcdir), str(outdir / "html")]
    rc, output, secs = _run(cmd, srcdir)
    return Build(srcdir, outdir / "html", rc, output, secs)


# ---------------------------------------------------------------------------
# the real book, built as `make book` does, into a folder of our choice


def build_real_book(path_output: Path) -> Build:
    cmd = [str(BIN / "jupyter-book"), "build", "--all", "--warningiserror", "--nitpick", "--keep-going", "--path-output", str(path_output), "."]
    rc, output, secs = _run(cmd, ROOT)
    return Build(ROOT, path_output / "_build" / "html", rc, output, secs)


# ---------------------------------------------------------------------------
# reading the HTML


class Html(HTMLParser):
    """Tags, attributes, script bodies and text of one HTML file."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self.text_parts: list[str] = []
        self._open: list[tuple[str, dict]] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        self.tags.append((tag, a))
        if tag not in VOID:
            self._open.append((tag, a))

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                del self._open[i:]
                break

    def handle_data(self, data):
        if self._open and self._open[-1][0] == "script":
            self.scripts.append((self._open[-1][1], data))
        elif not (self._open and self._open[-1][0] == "style"):
            self.text_parts.append(data)

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    def problems(self, allowed_handlers=("window.print()", "toggleFullScreen()")) -> list[str]:
        """Anything that could run: event-handler attributes (except the theme's own
        buttons), script/javascript: URLs, scripts that are not the theme's or
        ours, elements that only a payload would have made."""
        out = []
        for tag, a in self.tags:
            for k, v in a.items():
                if k.startswith("on") and v not in allowed_handlers:
                    out.append(f"<{tag} {k}={v!r}>")
                if k in ("href", "src", "action", "formaction", "data", "xlink:href") and re.sub(r"[\x00-\x20]", "", v).lower().startswith(
                    ("javascript:", "vbscript:", "data:text/html")
                ):
                    out.append(f"<{tag} {k}={v!r}>")
            if tag in ("img", "svg", "object", "embed", "math") and "xss" in " ".join(a.values()):
                out.append(f"<{tag} {a}>")
        for a, body in self.scripts:
            if a.get("type") not in ("application/json", "text/x-thebe-config") and "xss" in body:
                out.append(f"<script>{body[:80]}")
        return out


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


# ---------------------------------------------------------------------------
# session fixtures (imported by conftest.py): each book is built once per run

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def real_book(tmp_path_factory) -> Build:
    """The real book, built as `make book` does (warnings are errors), once per session."""
    return build_real_book(tmp_path_factory.mktemp("real-book"))


@pytest.fixture(scope="session")
def tiny_book(tmp_path_factory) -> Build:
    """A book of the tiny fixture framework, every directive used."""
    src = make_fixture_book(FIXTURES / "tiny", tmp_path_factory.mktemp("tiny-book") / "src")
    return sphinx_build(src)


@pytest.fixture(scope="session")
def payload_book(tmp_path_factory) -> Build:
    """A book of the payload fixture: markup and scripts in every text field."""
    src = make_fixture_book(FIXTURES / "payload", tmp_path_factory.mktemp("payload-book") / "src")
    return sphinx_build(src)
